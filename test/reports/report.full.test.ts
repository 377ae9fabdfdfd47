import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, copyFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReports, reportFromFolder } from '../../reports/index.js';
import { uniquifyIds } from '../../reports/html.js';
import { executiveSentence } from '../../reports/narrative.js';
import { meanPm, pngSize, slideCount as expectedSlides } from '../../reports/deck.js';
import { loadFixture, FIXTURES } from './fixtures.js';
import { pptxParts, slideTexts } from './pptx.js';

const run = { command: 'headroom run scenarios/reference.yaml --replications 200', version: '0.1.0', date: '2026-11-24T08:00:00.000Z' };
const ref = loadFixture('reference-cloud');
const out = mkdtempSync(join(tmpdir(), 'headroom-report-'));
const files = writeReports(out, ref.summary, { text: ref.text, file: 'scenarios/reference.yaml' }, run);

/** Slide XML parts in the .pptx (a zip): their names sit uncompressed in the central directory. */
function slideCount(pptx: Buffer): number {
  return new Set(pptx.toString('latin1').match(/ppt\/slides\/slide\d+\.xml/g) ?? []).size;
}

test('writes report.html, deck.pptx and vl.json/svg/png per chart into the folder', async () => {
  const f = await files;
  assert.equal(f.report, join(out, 'report.html'));
  assert.ok(statSync(f.deck).size > 50_000);
  const charts = readdirSync(join(out, 'charts'));
  const specs = charts.filter((c) => c.endsWith('.vl.json'));
  assert.ok(specs.length >= 15, `${specs.length} specs`);
  for (const s of specs) {
    const stem = s.replace(/\.vl\.json$/, '');
    assert.ok(charts.includes(`${stem}.svg`) && charts.includes(`${stem}.png`), stem);
    assert.doesNotThrow(() => JSON.parse(readFileSync(join(out, 'charts', s), 'utf8')));
  }
  for (const c of f.charts) assert.ok(existsSync(c), c);
  assert.deepEqual(f.warnings, []);
});

test('report.html holds every chart inline, every study, the scenario and how to reproduce, and no external URL', async () => {
  await files;
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const stems = readdirSync(join(out, 'charts')).filter((c) => c.endsWith('.vl.json')).map((c) => c.replace(/\.vl\.json$/, ''));
  for (const stem of stems) assert.ok(html.includes(`data-chart="${stem}"`), `chart ${stem} missing`);
  const page = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '');
  assert.equal((page.match(/<svg/g) ?? []).length, stems.length);
  for (const s of Object.values(ref.summary.studies)) {
    assert.ok(html.includes(s.title), s.title);
    assert.ok(html.includes(s.question.replace(/&/g, '&amp;')), s.question);
  }
  assert.ok(html.includes('reference-cloud'));
  assert.ok(html.includes(run.command) && html.includes('seed 42'));
  assert.ok(html.includes('reserved_host_memory_mb: 32768'), 'scenario echoed');
  assert.ok(html.includes('95 % CI'));
  // Offline: nothing to fetch. SVG namespace declarations are identifiers, not fetches.
  const fetches = html.match(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]*/gi) ?? [];
  assert.deepEqual(fetches, []);
  assert.doesNotMatch(html, /@import|url\(\s*["']?https?:/i);
  assert.doesNotMatch(html, /<script[^>]+src=/i);
});

test('report.html: live charts from the inlined Vega and vega-embed, one compiled Vega spec per chart, no URL in the specs', async () => {
  await files;
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const vegaVersion = JSON.parse(readFileSync(join(FIXTURES, '../../../node_modules/vega/package.json'), 'utf8')).version;
  assert.ok(html.includes(`"${vegaVersion}"`), 'vega inlined');
  assert.match(html, /vegaEmbed\(/);
  const specs = [...html.matchAll(/<script type="application\/json" class="vega-spec">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
  const stems = readdirSync(join(out, 'charts')).filter((c) => c.endsWith('.vl.json'));
  assert.equal(specs.length, stems.length);
  for (const s of specs) {
    assert.match(s.$schema, /vega\/v\d/, 'a compiled Vega spec, not Vega-Lite');
    // Inline data only: a url would be fetched.
    for (const d of s.data ?? []) assert.equal(d.url, undefined);
    assert.ok(JSON.stringify(s).includes('"tooltip"'), 'tooltip encoded');
  }
});

test('deck.pptx has title, summary, one slide per study and assumptions', async () => {
  const f = await files;
  assert.equal(slideCount(readFileSync(f.deck)), 2 + Object.keys(ref.summary.studies).length + 1);
  assert.equal(expectedSlides(5), 8);
  assert.equal(expectedSlides(6), 10);
  const main = readdirSync(join(out, 'charts')).filter((c) => c.endsWith('.slide.png'));
  assert.equal(main.length, Object.keys(ref.summary.studies).length);
  const { width, height } = pngSize(join(out, 'charts', main[0]));
  assert.ok(width > 500 && height > 300);
});

test('headroom report OUTDIR re-renders from summary.json, scenario.yaml and run.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-rerender-'));
  copyFileSync(join(FIXTURES, 'queue.json'), join(dir, 'summary.json'));
  copyFileSync(join(FIXTURES, 'queue.yaml'), join(dir, 'scenario.yaml'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ command: 'headroom run queue.yaml', version: '9.9.9', date: '2026-01-02T03:04:05Z' }));
  const f = await reportFromFolder(dir);
  const html = readFileSync(f.report, 'utf8');
  assert.ok(html.includes('headroom 9.9.9') && html.includes('2026-01-02 03:04:05 UTC'));
  assert.ok(html.includes('data-chart="queue-validation"'));
  assert.equal(slideCount(readFileSync(f.deck)), 4);
  await assert.rejects(reportFromFolder(mkdtempSync(join(tmpdir(), 'headroom-empty-'))), /summary\.json: not found/);
});

test('a malformed summary fails with a sentence', async () => {
  await assert.rejects(writeReports(mkdtempSync(join(tmpdir(), 'headroom-bad-')), { scenario: 'x', studies: { a: {} } } as any, { text: '', file: 'x' }, run),
    /studies\.a\.designs: missing/);
});

test('inlined SVG ids are made unique per chart', () => {
  const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"></g><use href="#clip1"/></svg>';
  const a = uniquifyIds(svg, 'a'), b = uniquifyIds(svg, 'b');
  assert.ok(a.includes('id="a-clip1"') && a.includes('url(#a-clip1)') && a.includes('href="#a-clip1"'));
  assert.ok(!b.includes('"clip1"') && !b.includes('#clip1'));
});

test('executive sentence states each design with its CI and the clearest paired difference, and no target of its own', () => {
  const s = executiveSentence(ref.summary.studies.evacuation);
  assert.match(s, /^P\(any instance stranded\): 31 % \(95 % CI 24\.6–37\.4\) with static-reserve/);
  assert.match(s, /Largest paired difference: two-spares vs static-reserve: −29 percentage points/);
  // The answer against a risk target comes from the scenario's targets (reports/decision.ts), never a hard-coded 1 %.
  assert.doesNotMatch(s, /stays below/);
  const w = executiveSentence(ref.summary.studies.watchdog);
  assert.match(w, /99\.9983 %/);
});

test('slide numbers: mean ± CI half-width, availability keeps its decimals, long units move to the label', () => {
  assert.equal(meanPm(0.31, [0.246, 0.374], 'probability'), '31 % ± 6.4');
  assert.equal(meanPm(0.9999832, [0.9999822, 0.9999842], 'fraction'), '99.9983 % ± 0.0001');
  assert.equal(meanPm(140, [81.5, 198.5], 'instance-hours'), '140 ± 58.5');
  assert.equal(meanPm(300, [300, 300], 's'), '5 min');
  assert.equal(meanPm(135.6, [135.24, 135.96], 's'), '2.26 min ± <0.01');
  assert.equal(meanPm(148, [0, 315], 'h'), '148 (0–315)');
  assert.equal(meanPm(0.15, [0.052, 0.36], '0/1'), '15 % (5.2–36)');
});

test('deck: the title slide has the full description, each chart image has its title as alt text, warnings sit on their slide', async () => {
  const long = 'A review of a 48-host cloud: '.concat('how much memory to hold back so that host failures strand no instance, with the cost of each way of holding it. '.repeat(4)).trim();
  const dir = mkdtempSync(join(tmpdir(), 'headroom-deck-'));
  const f = await writeReports(dir, { ...ref.summary, description: long }, { text: ref.text, file: 'scenarios/reference.yaml' }, run);
  const slides = slideTexts(await pptxParts(readFileSync(f.deck))).map((x) => x.xml);
  const text = (xml: string) => [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => m[1]).join(' ');
  assert.ok(text(slides[0]).includes(long), 'full description on the title slide');
  assert.doesNotMatch(text(slides[0]), /…/);
  const alts = slides.flatMap((x) => [...x.matchAll(/<p:cNvPr [^>]*descr="([^"]*)"/g)].map((m) => m[1]));
  assert.ok(alts.length >= Object.keys(ref.summary.studies).length, `alt texts: ${alts.join(' | ')}`);
  for (const a of alts) assert.doesNotMatch(a, /\/|\.png/, `alt text is a title, not a path: ${a}`);
  const rbdSlide = slides.find((x) => text(x).startsWith(ref.summary.studies.rbd.title))!;
  assert.match(text(rbdSlide), /discard needs virtio-scsi/);
});

test('deck: warnings that do not fit under a study\'s key numbers go on a slide of their own right after it, and the study slide says so', async () => {
  const many = structuredClone(ref.summary);
  const evac = many.studies.evacuation;
  for (const [i, d] of Object.keys(evac.designs).entries()) {
    evac.designs[d].warnings = [`memory overcommitted: in ${10 * (i + 1)} % of replications a host committed more memory than it has, guest RAM + host OS + QEMU (peak host memory commit 104 % of physical RAM on average, 120 % at p95): the OOM killer, not the scheduler, then decides which guests run`];
  }
  const dir = mkdtempSync(join(tmpdir(), 'headroom-warnings-'));
  const f = await writeReports(dir, many, { text: ref.text, file: 'scenarios/reference.yaml' }, run);
  const slides = slideTexts(await pptxParts(readFileSync(f.deck))).map((x) => x.text);
  assert.equal(slides.length, expectedSlides(Object.keys(many.studies).length, 0, 1));
  const at = slides.findIndex((t) => t.startsWith(evac.title));
  assert.match(slides[at], /⚠ 3 warnings for this study: on the next slide\./);
  assert.ok(slides[at + 1].startsWith(`${evac.title}: warnings`));
  for (const d of Object.keys(evac.designs)) assert.ok(slides[at + 1].includes(`${d}: memory overcommitted`), d);
  // A study whose warnings fit keeps them on its own slide.
  assert.match(slides.find((t) => t.startsWith(many.studies.rbd.title))!, /⚠ .*discard needs virtio-scsi/);
});

test('a scenario title heads the report and the title slide; the scenario name moves to the line under it', async () => {
  const title = 'Capacity review: region Paris, Q1 2027';
  const dir = mkdtempSync(join(tmpdir(), 'headroom-title-'));
  const f = await writeReports(dir, { ...ref.summary, title }, { text: ref.text, file: 'scenarios/reference.yaml' }, run);
  const html = readFileSync(f.report, 'utf8');
  assert.ok(html.includes(`<title>${title} — headroom capacity report</title>`));
  assert.ok(html.includes(`<h1>${title}</h1>`));
  assert.match(html, /<p class="meta">headroom capacity report · scenario reference-cloud · /);
  const first = slideTexts(await pptxParts(readFileSync(f.deck)))[0].text;
  assert.ok(first.startsWith(title), first);
  assert.match(first, /Simulated with headroom · scenario reference-cloud/);
  // Without a title, the name is the heading (the report as it always was).
  const plain = readFileSync(join(out, 'report.html'), 'utf8');
  assert.ok(plain.includes('<h1>reference-cloud</h1>') && !plain.includes('scenario reference-cloud ·'));
});
