// One display unit per metric across every view of a real run (the runner's output kept as a
// fixture): the CLI's lines for every design, report.html's summary and differences tables, the
// charts' axis titles and the deck's key numbers all show a time or a size in the same unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportFromFolder } from '../../reports/index.js';
import { unitKind } from '../../reports/format.js';
import { labelOf } from '../../reports/summary.js';
import { printSummary } from '../../sim/cli/run.js';
import { FIXTURES } from './fixtures.js';
import { pptxParts, slideTexts } from './pptx.js';

const UNIT = /(?:^|[\s(–])[−\d][\d.,]*\s?(ms|s|min|h|d|B|KiB|MiB|GiB|TiB|PiB)(?![\w/·-])/g;
const unitsIn = (text: string) => new Set([...text.matchAll(UNIT)].map((m) => m[1]));
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

test('one display unit per time or size metric in the CLI, report.html tables, charts and deck of a real run', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'headroom-units-')), 'out');
  cpSync(join(FIXTURES, 'runner-evac'), dir, { recursive: true });
  const files = await reportFromFolder(dir);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
  try { printSummary(summary); } finally { console.log = log; }

  const html = readFileSync(files.report, 'utf8');
  const specs = readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.vl.json'));
  const slides = slideTexts(await pptxParts(readFileSync(files.deck)));
  let checked = 0;
  for (const [studyName, study] of Object.entries<any>(summary.studies)) {
    for (const [metric, info] of Object.entries<any>(study.metrics)) {
      if (!['time', 'bytes'].includes(unitKind(info.unit))) continue;
      const seen = new Map<string, Set<string>>();
      const see = (view: string, units: Set<string>) => { if (units.size) seen.set(view, units); };
      // CLI: the metric's line under every design (mean, CI and the paired difference).
      see('CLI', new Set(printed.filter((l) => l.startsWith(`    ${metric.padEnd(28)} `)).flatMap((l) => [...unitsIn(l.slice(33))])));
      // report.html: the summary table's unit cell and every differences row of the metric.
      const row = new RegExp(`<div class="metric-id">${metric}</div></th><td rowspan="\\d+">([^<]*)</td>`).exec(html);
      assert.ok(row, `${metric}: no summary table row`);
      see('summary table', new Set([row[1]]));
      const label = labelOf(study, metric).replace(/&/g, '&amp;');
      see('differences table', new Set([...html.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].filter((m) => m[1] === label).map((m) => m[2])));
      // Charts of the metric: the unit in their axis titles.
      const slug = metric.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      const axisUnits = new Set<string>();
      for (const f of specs.filter((s) => s.startsWith(`${studyName}-${slug}-`))) {
        const text = readFileSync(join(dir, 'charts', f), 'utf8');
        for (const m of text.matchAll(new RegExp(`"title": "${labelOf(study, metric).replace(/[()]/g, '\\$&')} \\(([^)]+)\\)"`, 'g'))) axisUnits.add(m[1]);
      }
      see('charts', axisUnits);
      // Deck: the key numbers under the metric's label on the study slide.
      const slide = slides.find((s) => s.text.startsWith(study.title));
      const at = slide ? slide.text.indexOf(labelOf(study, metric)) : -1;
      if (slide && at >= 0) {
        const next = Object.values<any>(study.metrics).map((m) => slide.text.indexOf(m.label, at + 1)).filter((i) => i > at);
        see('deck', unitsIn(unescape(slide.text.slice(at + labelOf(study, metric).length, Math.min(slide.text.length, ...next)))));
      }
      const all = new Set([...seen.values()].flatMap((u) => [...u]));
      assert.equal(all.size, 1, `${studyName}.${metric}: ${[...seen].map(([v, u]) => `${v}: ${[...u].join(', ')}`).join('; ')}`);
      assert.ok(seen.has('CLI') && seen.has('summary table'), `${metric}: ${[...seen.keys()].join(', ')}`);
      checked++;
      if (seen.has('deck') && seen.has('charts')) checked += 100;
    }
  }
  // Both durations of the evacuation study, one of them charted and on the slide.
  assert.ok(checked >= 102, `checked ${checked}`);
});
