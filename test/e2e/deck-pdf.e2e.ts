// deck.pptx through LibreOffice to PDF: the expected number of pages and none of them blank.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { outputDirs, studyCount } from './outputs.js';
import { slideCount, warningSlideCount } from '../../reports/deck.js';
import { normaliseSummary } from '../../reports/summary.js';
import { decisionSlideCount } from '../../reports/deck-decision.js';
import { readFileSync as readJson } from 'node:fs';


/** Binary PGM (P5) from pdftoppm -gray: the pixel bytes after the header. */
function pgmPixels(buf: Buffer): Buffer {
  let pos = 0, fields = 0;
  while (fields < 4) {
    while (/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    if (buf[pos] === 0x23) { while (buf[pos] !== 0x0a) pos++; continue; }
    while (!/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    fields++;
  }
  return buf.subarray(pos + 1);
}

test('deck.pptx converts to a PDF with one page per slide, none blank', async () => {
  for (const dir of await outputDirs()) {
    const work = mkdtempSync(join(tmpdir(), 'headroom-soffice-'));
    try {
      // A private profile: two conversions sharing one fail silently (STACK.md).
      execFileSync('soffice', [`-env:UserInstallation=${pathToFileURL(join(work, 'profile')).href}`, '--headless', '--convert-to', 'pdf', '--outdir', work, join(dir, 'deck.pptx')],
        { stdio: 'pipe', timeout: 180_000 });
      const pdf = join(work, 'deck.pdf');
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
      const summary = normaliseSummary(JSON.parse(readJson(join(dir, 'summary.json'), 'utf8')));
      assert.equal(pages, slideCount(studyCount(dir), decisionSlideCount(summary.decision), warningSlideCount(summary)), `${dir}: pages`);
      execFileSync('pdftoppm', ['-r', '30', '-gray', pdf, join(work, 'page')]);
      const images = readdirSync(work).filter((f) => f.endsWith('.pgm')).sort();
      assert.equal(images.length, pages);
      for (const img of images) {
        const px = pgmPixels(readFileSync(join(work, img)));
        let ink = 0, sum = 0, sq = 0;
        for (const v of px) { if (v < 200) ink++; sum += v; sq += v * v; }
        const mean = sum / px.length, sd = Math.sqrt(sq / px.length - mean * mean);
        assert.ok(ink / px.length > 0.005 && sd > 8, `${dir} ${img}: blank (ink ${(100 * ink / px.length).toFixed(2)} %, sd ${sd.toFixed(1)})`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
});
