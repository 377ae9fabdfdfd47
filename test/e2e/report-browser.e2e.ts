// report.html in a real browser (Debian chromium through playwright-core; never a downloaded one):
// no console errors, nothing fetched from the network, every chart drawn with visible marks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { outputDirs } from './outputs.js';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

test('report.html renders every chart in headless Chromium with no console error and no network request', async () => {
  const dirs = await outputDirs();
  assert.ok(dirs.length > 0);
  const profile = mkdtempSync(join(tmpdir(), 'headroom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS, viewport: { width: 1200, height: 900 },
  });
  try {
    for (const dir of dirs) {
      const page = await context.newPage();
      const errors: string[] = [];
      const remote: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) remote.push(r.url()); });
      await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });

      const expected = readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.vl.json')).map((f) => f.replace(/\.vl\.json$/, '')).sort();
      const drawn = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        // A mark counts when the browser laid it out with a non-empty box.
        const marks = svg ? [...svg.querySelectorAll('.role-mark path, .role-mark line, .role-mark rect')].filter((m) => {
          const b = (m as SVGGraphicsElement).getBBox();
          return b.width > 0 || b.height > 0;
        }).length : 0;
        const texts = svg ? [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').trim().length > 0).length : 0;
        return { name: f.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0, marks, texts };
      }));
      assert.deepEqual(drawn.map((d) => d.name).sort(), expected, `${dir}: figures vs charts/*.vl.json`);
      for (const d of drawn) {
        assert.ok(d.width > 300 && d.height > 100, `${dir} ${d.name}: svg ${d.width}×${d.height}`);
        assert.ok(d.marks > 0, `${dir} ${d.name}: no visible mark`);
        assert.ok(d.texts > 5, `${dir} ${d.name}: ${d.texts} text elements (title, axes, legend)`);
      }
      assert.deepEqual(errors, [], `${dir}: console errors`);
      assert.deepEqual(remote, [], `${dir}: network requests`);
      await page.screenshot({ path: join(dir, 'report-screenshot.png'), fullPage: true });
      await page.close();
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
