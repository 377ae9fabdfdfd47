// A design whose hosts commit more memory than they have (guest RAM + host OS + QEMU) carries a
// warning line in every view of a real `headroom run`: the CLI's output under that design,
// report.html's warnings for its study, and its study's slide. The design that keeps room does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pptxParts, slideTexts } from '../reports/pptx.js';

const WARNING = /memory overcommitted: in \d+ % of replications a host committed more memory than it has.*the OOM killer, not the scheduler, then decides which guests run/;

test('overcommit warning: in the CLI output under the design, in report.html and on the study slide; not for the design that keeps room', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'headroom-overcommit-')), 'out');
  const stdout = execFileSync(process.execPath, ['dist/sim/cli/headroom.js', 'run', 'test/fixtures/scenarios/overcommit-warning.yaml', '--out', out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const designs = summary.studies.evacuation.designs;
  assert.equal(designs.roomy.metrics.any_host_above_physical.mean, 0);
  assert.ok(designs.overcommit.metrics.any_host_above_physical.mean > 0);
  assert.deepEqual(designs.roomy.warnings.filter((w: string) => WARNING.test(w)), []);
  assert.equal(designs.overcommit.warnings.filter((w: string) => WARNING.test(w)).length, 1);

  // CLI: the warning line sits in the overcommit design's block (between its name and the next design's).
  const lines = stdout.split('\n');
  const block = (name: string) => {
    const start = lines.indexOf(`  ${name}`);
    assert.ok(start >= 0, `no block for ${name} in:\n${stdout}`);
    const end = lines.findIndex((l, i) => i > start && /^ {0,2}\S/.test(l));
    return lines.slice(start + 1, end < 0 ? undefined : end);
  };
  assert.ok(block('overcommit').some((l) => l.startsWith('    warning: ') && WARNING.test(l)), stdout);
  assert.ok(!block('roomy').some((l) => WARNING.test(l)));

  // report.html: in the study's warnings, naming the design.
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const warnings = /<h3>Warnings<\/h3><ul class="warnings">(.*?)<\/ul>/s.exec(html.slice(html.indexOf('id="study-evacuation"')))?.[1] ?? '';
  assert.match(warnings, /<li>overcommit: memory overcommitted: in \d+ %/);
  assert.ok(WARNING.test(warnings));

  // deck.pptx: the study's slide.
  const slides = slideTexts(await pptxParts(readFileSync(join(out, 'deck.pptx'))));
  const slide = slides.find((s) => s.text.startsWith(summary.studies.evacuation.title));
  assert.ok(slide, 'evacuation slide');
  assert.match(slide.text, /⚠ overcommit: memory overcommitted: in \d+ % of replications/);
});
