// report.html in a real browser (Debian chromium through playwright-core; never a downloaded one):
// no console errors, nothing fetched from the network, every chart drawn live by the inlined Vega
// with visible marks and a tooltip on hover, and the print layout within the printable width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { outputDirs } from './outputs.js';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

async function withBrowser(fn: (context: BrowserContext) => Promise<void>): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'headroom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS, viewport: { width: 1200, height: 900 },
  });
  try {
    await fn(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

interface Watched { page: Page; errors: string[]; remote: string[] }

/** Opens report.html with console errors and every non-local request recorded, once every chart is live. */
async function open(context: BrowserContext, dir: string): Promise<Watched> {
  const page = await context.newPage();
  const errors: string[] = [];
  const remote: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) remote.push(r.url()); });
  await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
  // vegaEmbed resolves asynchronously: wait for every figure to be live (or an error to be logged).
  await page.waitForFunction(() => [...document.querySelectorAll('figure.chart')].every((f) => f.getAttribute('data-live') === 'yes'), undefined, { timeout: 20_000 })
    .catch(() => errors.push('not every chart became live within 20 s'));
  return { page, errors, remote };
}

test('report.html draws every chart live with the inlined Vega, with no console error and no network request', async () => {
  const dirs = await outputDirs();
  assert.ok(dirs.length > 0);
  await withBrowser(async (context) => {
    for (const dir of dirs) {
      const { page, errors, remote } = await open(context, dir);
      const expected = readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.vl.json')).map((f) => f.replace(/\.vl\.json$/, '')).sort();
      const drawn = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
        // The live view (vega-embed's SVG renderer), not the static copy the page starts with.
        const svg = f.querySelector('.live svg.marks');
        const box = svg?.getBoundingClientRect();
        const staticShown = (f.querySelector('.static') as HTMLElement | null)?.offsetParent !== null;
        // A mark counts when the browser laid it out with a non-empty box.
        const marks = svg ? [...svg.querySelectorAll('.role-mark path, .role-mark line, .role-mark rect')].filter((m) => {
          const b = (m as SVGGraphicsElement).getBBox();
          return b.width > 0 || b.height > 0;
        }).length : 0;
        const texts = svg ? [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').trim().length > 0).length : 0;
        return { name: f.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0, marks, texts, staticShown };
      }));
      assert.deepEqual(drawn.map((d) => d.name).sort(), expected, `${dir}: figures vs charts/*.vl.json`);
      for (const d of drawn) {
        assert.ok(d.width > 300 && d.height > 100, `${dir} ${d.name}: live svg ${d.width}×${d.height}`);
        assert.ok(d.marks > 0, `${dir} ${d.name}: no visible mark`);
        assert.ok(d.texts > 5, `${dir} ${d.name}: ${d.texts} text elements (title, axes, legend)`);
        assert.equal(d.staticShown, false, `${dir} ${d.name}: the static copy is still shown beside the live chart`);
      }
      assert.deepEqual(errors, [], `${dir}: console errors`);
      assert.deepEqual(remote, [], `${dir}: network requests`);
      await page.screenshot({ path: join(dir, 'report-screenshot.png'), fullPage: true });
      await page.close();
    }
  });
});

/** Points on the chart's symbol marks (their centres) and line marks (along the path), in page pixels. */
function hoverPoints(fig: Element): [number, number][] {
  const out: [number, number][] = [];
  for (const el of fig.querySelectorAll('.live svg.marks g.role-mark path')) {
    const cls = el.closest('g.role-mark')?.getAttribute('class') ?? '';
    const path = el as SVGPathElement;
    if (/mark-symbol/.test(cls)) {
      const r = path.getBoundingClientRect();
      if (r.width > 0) out.push([r.x + r.width / 2, r.y + r.height / 2]);
    } else if (/mark-line/.test(cls)) {
      // Vega answers a hover on a line with the data point nearest along it: aim at the path's
      // vertices (every coordinate pair of its outline; curve control points are near them too).
      const m = path.getScreenCTM();
      const nums = (path.getAttribute('d') ?? '').match(/-?\d*\.?\d+(?:e-?\d+)?/gi)?.map(Number) ?? [];
      if (!m) continue;
      const pairs: [number, number][] = [];
      for (let i = 0; i + 1 < nums.length; i += 2) pairs.push([m.a * nums[i] + m.c * nums[i + 1] + m.e, m.b * nums[i] + m.d * nums[i + 1] + m.f]);
      // Start in the middle of the line, away from the axes.
      const mid = pairs.length ? pairs[pairs.length >> 1][0] : 0;
      pairs.sort((a, b) => Math.abs(a[0] - mid) - Math.abs(b[0] - mid));
      out.push(...pairs.slice(0, 12));
    }
  }
  return out.slice(0, 60);
}

test('report.html: every chart shows a tooltip with its data when a mark is hovered', async () => {
  const dirs = await outputDirs();
  await withBrowser(async (context) => {
    for (const dir of dirs) {
      const { page, errors } = await open(context, dir);
      const names = await page.$$eval('figure.chart', (figs) => figs.map((f) => f.getAttribute('data-chart')!));
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      const designs = Object.values<any>(summary.studies).flatMap((st) => Object.keys(st.designs));
      assert.ok(names.length > 0);
      for (const name of names) {
        const fig = page.locator(`figure.chart[data-chart="${name}"]`);
        await fig.scrollIntoViewIfNeeded();
        const points = await fig.evaluate(hoverPoints);
        let shown = '';
        for (const [x, y] of points) {
          await page.mouse.move(x, y);
          shown = await page.evaluate(() => {
            const t = document.getElementById('vg-tooltip-element');
            return t && t.classList.contains('visible') ? (t.textContent ?? '') : '';
          });
          if (shown) break;
        }
        await page.mouse.move(0, 0);
        assert.ok(shown.length > 0, `${dir} ${name}: no tooltip over any of ${points.length} mark points`);
        assert.ok(designs.some((d) => shown.includes(d)), `${dir} ${name}: the tooltip names no design: ${shown}`);
      }
      assert.deepEqual(errors, [], `${dir}: console errors`);
      await page.close();
    }
  });
});

// A4 portrait, 15 mm margins (the stylesheet's @page): 180 mm of printable width at 96 px per inch.
const PRINT_WIDTH = Math.floor((180 / 25.4) * 96);

test('report.html printed: nothing wider than the printable width, no clipped line, charts and rows kept whole, controls hidden', async () => {
  const dirs = await outputDirs();
  await withBrowser(async (context) => {
    for (const dir of dirs) {
      const { page, errors } = await open(context, dir);
      await page.setViewportSize({ width: PRINT_WIDTH, height: 1000 });
      await page.emulateMedia({ media: 'print' });
      const bad = await page.evaluate((limit) => {
        const out: string[] = [];
        const what = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''} in ${e.closest('[id]')?.id ?? '?'}`;
        for (const e of document.body.querySelectorAll('*')) {
          const style = getComputedStyle(e);
          if (style.display === 'none' || e.closest('script, style')) continue;
          const r = e.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          if (r.right > limit + 1) out.push(`${what(e)} ends at ${Math.round(r.right)} px`);
          // Content cut off inside its own box (a scroll box prints only its visible part).
          if (e instanceof HTMLElement && e.scrollWidth > e.clientWidth + 1 && style.overflowX !== 'visible') out.push(`${what(e)} clips ${e.scrollWidth - e.clientWidth} px`);
        }
        return out.slice(0, 10);
      }, PRINT_WIDTH);
      assert.deepEqual(bad, [], `${dir}: under print media at ${PRINT_WIDTH} px`);
      const styles = await page.evaluate(() => {
        const fig = document.querySelector('figure.chart');
        const row = document.querySelector('table.stats tbody tr');
        const controls = [...document.querySelectorAll('.vega-embed details, nav')].filter((e) => getComputedStyle(e).display !== 'none').length;
        return { fig: fig ? getComputedStyle(fig).breakInside : 'avoid', row: row ? getComputedStyle(row).breakInside : 'avoid', controls };
      });
      assert.deepEqual(styles, { fig: 'avoid', row: 'avoid', controls: 0 }, `${dir}: page breaks and interactive controls in print`);
      // The PDF Chromium prints: every page within A4 (poppler reads the page size back).
      const pdf = join(mkdtempSync(join(tmpdir(), 'headroom-print-')), 'report.pdf');
      writeFileSync(pdf, await page.pdf({ format: 'A4', preferCSSPageSize: true }));
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      assert.match(info, /Page size:.*\(A4\)/, info);
      assert.ok(Number(/Pages:\s+(\d+)/.exec(info)?.[1]) >= 1, info);
      assert.deepEqual(errors, [], `${dir}: console errors`);
      await page.close();
    }
  });
});
