import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartsForStudy, chartsForSummary, exactValues } from '../../reports/charts/plan.js';
import { cdfChart, forSlide, logTicks, metricByDesign, sweepChart, type Chart } from '../../reports/charts/builders.js';
import { compileSpec, renderSvg, svgToPng } from '../../reports/charts/render.js';
import type { StudySummary } from '../../reports/summary.js';
import { FIXTURES, loadFixture } from './fixtures.js';
import { normaliseSummary } from '../../reports/summary.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontier, paretoCharts, type ParetoPoint } from '../../reports/charts/pareto.js';

const reference = loadFixture('reference-cloud');
const queue = loadFixture('queue');
const all = [...paretoCharts(reference.summary.studies), ...chartsForSummary(reference.summary), ...chartsForSummary(queue.summary)];

function count(svg: string, cls: string): number {
  return (svg.match(new RegExp(`class="[^"]*\\b${cls}\\b`, 'g')) ?? []).length;
}

/** Marks each kind of chart must contain (by the file-name suffix its builder gives it). */
function expectedMarks(c: Chart): string[] {
  if (c.name.endsWith('-pareto-risk-vs-capacity')) return ['mark-line', 'mark-rule role-mark', 'mark-symbol role-mark'];
  if (c.name.endsWith('-cdf') || c.name.endsWith('-over-time') || c.name.includes('-sweep') || /-vs-/.test(c.name)) return ['mark-line', 'mark-area'];
  if (c.name.endsWith('-by-design') || c.name.endsWith('-validation')) return ['mark-rule role-mark', 'mark-symbol role-mark'];
  if (c.name.endsWith('-spread')) return ['mark-rule role-mark', 'mark-symbol role-mark'];
  throw new Error(`no expectation for ${c.name}`);
}

test('the plan draws every chart the issue asks for from the reference fixture', () => {
  const names = all.map((c) => c.name);
  for (const want of [
    'evacuation-pareto-risk-vs-capacity', 'evacuation-any-stranded-sweep-vs-held-back-fraction',
    'evacuation-downtime-cdf', 'boot-boot-time-cdf', 'boot-storm-completion-sweep-storm-size', 'rbd-pool-usage-over-time',
    'rbd-time-to-nearfull-spread', 'watchdog-availability-by-design', 'snapshots-freeze-cdf', 'queue-validation',
  ]) assert.ok(names.includes(want), `missing ${want} in ${names.join(', ')}`);
  assert.equal(new Set(names).size, names.length, 'chart names are unique');
});

test('every spec compiles without warnings and renders its marks, title, axis titles and legend', async () => {
  for (const c of all) {
    const { svg, warnings } = await renderSvg(c.spec);
    assert.deepEqual(warnings, [], `${c.name} warned`);
    for (const mark of expectedMarks(c)) assert.ok(count(svg, mark) > 0, `${c.name}: no ${mark}`);
    assert.equal(count(svg, 'role-title-text'), 1, `${c.name}: title`);
    assert.ok(count(svg, 'role-axis-title') >= 2, `${c.name}: axis titles`);
    assert.ok(count(svg, 'role-legend') >= 1, `${c.name}: legend`);
    assert.ok(svg.includes(c.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').split(':')[0]), `${c.name}: title text`);
  }
});

test('axis titles carry display units', async () => {
  const byName = new Map(all.map((c) => [c.name, c]));
  const cases: [string, string][] = [
    ['boot-boot-time-cdf', 'Boot time (min)'],
    ['rbd-pool-usage-over-time', 'Pool usage (%)'],
    ['rbd-pool-usage-over-time', 'Time (d)'],
    ['evacuation-pareto-risk-vs-capacity', 'Capacity held back (% of RAM)'],
    ['rbd-reclaimed-bytes-by-design', 'Reclaimed by discard (TiB)'],
  ];
  for (const [name, title] of cases) {
    const { svg } = await renderSvg(byName.get(name)!.spec);
    assert.ok(svg.includes(`>${title}<`), `${name}: axis title "${title}" not in SVG`);
  }
});

test('the Pareto frontier keeps exactly the points no other point beats on both risk and capacity', () => {
  const p = (design: string, cost: number, risk: number): ParetoPoint => ({ design, setting: '', cost, risk, lo: risk, hi: risk });
  const pts = [p('a', 0, 0.5), p('b', 0.1, 0.2), p('c', 0.1, 0.3), p('d', 0.2, 0.2), p('e', 0.3, 0), p('f', 0.4, 0)];
  assert.deepEqual(frontier(pts).map((x) => x.design), ['a', 'b', 'e']);
  // Against brute force on random points.
  for (let k = 0; k < 50; k++) {
    const rnd = Array.from({ length: 12 }, (_, i) => p(String(i), Math.round(Math.sin(k * 13 + i * 7) * 50) / 10, Math.round(Math.cos(k * 5 + i * 3) * 50) / 10));
    const dominated = (x: ParetoPoint) => rnd.some((y) => y !== x && y.cost <= x.cost && y.risk <= x.risk && (y.cost < x.cost || y.risk < x.risk));
    const expected = rnd.filter((x) => !dominated(x));
    const got = frontier(rnd);
    for (const x of expected) assert.ok(got.some((g) => g.cost === x.cost && g.risk === x.risk), `frontier misses ${x.cost},${x.risk}`);
    for (const g of got) assert.ok(!dominated(g), `frontier keeps a dominated point ${g.cost},${g.risk}`);
  }
});

test('PNGs are not blank: text and marks put ink on a white page', async () => {
  for (const c of all.filter((_, i) => i % 3 === 0)) {
    const { svg } = await renderSvg(c.spec);
    const img = svgToPng(svg);
    assert.ok(img.width > 800 && img.height > 200, `${c.name}: ${img.width}×${img.height}`);
    let ink = 0, coloured = 0;
    for (let i = 0; i < img.pixels.length; i += 4) {
      const [r, g, b] = [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]];
      if (r + g + b < 600) ink++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    const n = img.pixels.length / 4;
    assert.ok(ink / n > 0.01, `${c.name}: only ${(100 * ink / n).toFixed(2)} % ink`);
    assert.ok(coloured > 200, `${c.name}: no coloured marks`);
    assert.equal(img.png.subarray(1, 4).toString(), 'PNG');
  }
});

test('text really renders in the PNG (the font was found): a chart with text has more ink than without', async () => {
  const c = all.find((x) => x.name === 'watchdog-availability-by-design')!;
  const withText = svgToPng((await renderSvg(c.spec)).svg);
  const stripped = svgToPng((await renderSvg(c.spec)).svg.replace(/<text[^>]*>[^<]*<\/text>/g, ''));
  const inkOf = (p: Buffer) => { let k = 0; for (let i = 0; i < p.length; i += 4) if (p[i] + p[i + 1] + p[i + 2] < 300) k++; return k; };
  assert.ok(inkOf(withText.pixels) > inkOf(stripped.pixels) * 1.5, 'text added no dark pixels');
});

test('slide variants compile cleanly too', () => {
  for (const c of all.slice(0, 6)) {
    const warnings: string[] = [];
    compileSpec(forSlide(c.spec), warnings);
    assert.deepEqual(warnings, [], c.name);
  }
});

test('missing data draws nothing: no study, no metric, no sweep', () => {
  const evac = reference.summary.studies.evacuation;
  assert.equal(metricByDesign('evacuation', evac, 'no_such_metric'), undefined);
  assert.equal(sweepChart('evacuation', [], 'any_stranded'), undefined);
  const bare: StudySummary = { title: 'Empty', question: '?', designs: { a: { metrics: {} } } };
  assert.deepEqual(chartsForStudy('evacuation', bare), []);
  assert.deepEqual(chartsForSummary({ ...reference.summary, studies: {} }), []);
});

test('a study nobody planned for still gets its first metric charted', () => {
  const stats = reference.summary.studies.boot.designs['glance-http'].metrics.boot_time_p95;
  const study: StudySummary = { title: 'New study', question: '?', designs: { a: { metrics: { latency: stats } }, b: { metrics: { latency: { ...stats, mean: stats.mean * 2 } } } } };
  const charts = chartsForStudy('brand-new', study);
  assert.deepEqual(charts.map((c) => c.name), ['brand-new-latency-by-design']);
});

test('validation: exact values come from summary.json per design (published by the study), including the PS design', () => {
  const ex = exactValues(queue.summary.studies.queue);
  const resp = Object.fromEntries(ex.filter((e) => e.metric === 'response').map((e) => [e.design, e.exact]));
  assert.ok(Math.abs(resp['mm1'] - 5) < 1e-9);
  assert.ok(Math.abs(resp['mmc-4'] - 1.509434) < 1e-6);
  assert.ok(Math.abs(resp['md1'] - 3) < 1e-9);
  assert.ok(Math.abs(resp['ps-lognormal'] - 5) < 1e-9);
  // The report shows what the file says, and computes nothing of its own.
  const own = structuredClone(queue.summary.studies.queue);
  own.designs.mm1.exact = { response: 7 };
  assert.equal(exactValues(own).find((e) => e.design === 'mm1' && e.metric === 'response')!.exact, 7);
  delete own.designs.mm1.exact;
  assert.equal(exactValues(own).find((e) => e.design === 'mm1'), undefined);
});

test('CDFs: a heavy-tailed band cuts the axis past the medians; designs orders of magnitude apart get a log axis', async () => {
  const base = structuredClone(reference.summary.studies.snapshots);
  const healthy = base.designs['agent-healthy'].series!.freeze_cdf;
  // Tail: one design's p95 band runs to 10× its median curve.
  healthy.p95 = healthy.p50.map((v) => v * 10);
  const cut = cdfChart('snapshots', base, 'freeze_cdf')!;
  assert.match(cut.caption, /axis stops at/);
  const domain = (cut.spec as any).layer[0].encoding.x.scale.domain;
  const values = (cut.spec as any).data.values as { median: number; hi: number }[];
  const medMax = Math.max(...values.map((v) => v.median));
  assert.ok(Math.abs(domain[1] - 1.5 * medMax) < 1e-9, 'axis ends at 1.5 × the largest median');
  assert.ok(values.every((v) => v.hi <= domain[1]), 'band clamped to the axis');
  const far = structuredClone(reference.summary.studies.snapshots);
  const fast = far.designs['agent-healthy'].series!.freeze_cdf;
  for (const k of ['mean', 'p05', 'p50', 'p95'] as const) fast[k] = fast[k].map((v) => v / 1000);
  const log = cdfChart('snapshots', far, 'freeze_cdf')!;
  assert.equal((log.spec as any).layer[1].encoding.x.scale.type, 'symlog');
  const { svg, warnings } = await renderSvg(log.spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes('mark-line'));
  assert.deepEqual(logTicks(0.004, 3), [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]);
});

test('a time censored at the horizon is marked on its spread chart and called "not reached" in words', async () => {
  const { spreadByDesign } = await import('../../reports/charts/builders.js');
  const { notReached } = await import('../../reports/narrative.js');
  const rbd = structuredClone(reference.summary.studies.rbd);
  const horizon = 365 * 86400;
  const stuck = rbd.designs['online-discard'].metrics.time_to_nearfull;
  Object.assign(stuck, { mean: horizon, ci95: [horizon, horizon], p50: horizon, p95: horizon, p99: horizon, min: horizon, max: horizon, sd: 0 });
  const c = spreadByDesign('rbd', rbd, 'time_to_nearfull', horizon)!;
  assert.match(c.caption, /end of the simulated horizon/);
  const { svg, warnings } = await renderSvg(c.spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes('>horizon<'));
  assert.equal(notReached(stuck, horizon), 'not reached within 365 d');
  // Its paired difference is only a bound: the sentence names another design's instead.
  const { executiveSentence } = await import('../../reports/narrative.js');
  const said = executiveSentence(rbd, horizon);
  assert.match(said, /not reached within 365 d with online-discard/);
  assert.doesNotMatch(said, /online-discard vs no-discard/);
  assert.match(executiveSentence(rbd), /online-discard vs no-discard/);
  assert.equal(notReached(rbd.designs['no-discard'].metrics.time_to_nearfull, horizon), undefined);
  // Without a horizon (or when nothing sits at it) the chart has no such line.
  assert.doesNotMatch(spreadByDesign('rbd', reference.summary.studies.rbd, 'time_to_nearfull', 1000 * 86400)!.caption, /horizon/);
  assert.doesNotMatch(spreadByDesign('rbd', rbd, 'time_to_nearfull')!.caption, /horizon/);
});

test('thresholds are each design\'s own: a design that changes full_ratio is drawn with its lines, not the base file\'s', async () => {
  const { seriesThresholds } = await import('../../reports/charts/plan.js');
  const rbd = structuredClone(reference.summary.studies.rbd);
  assert.deepEqual(seriesThresholds(rbd, 'pool_usage'), [{ label: 'nearfull', value: 0.85 }, { label: 'full', value: 0.95 }]);
  rbd.designs['online-discard'].thresholds = { pool_usage: [{ label: 'nearfull', value: 0.75 }, { label: 'full', value: 0.85 }] };
  const lines = seriesThresholds(rbd, 'pool_usage');
  assert.deepEqual(lines, [
    { label: 'nearfull (no-discard, weekly-fstrim)', value: 0.85 }, { label: 'full (no-discard, weekly-fstrim)', value: 0.95 },
    { label: 'nearfull (online-discard)', value: 0.75 }, { label: 'full (online-discard)', value: 0.85 },
  ]);
  const chart = chartsForStudy('rbd', rbd).find((c) => c.name === 'rbd-pool-usage-over-time')!;
  const { svg, warnings } = await renderSvg(chart.spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes('full (online-discard) (85 %)'), 'the design\'s own full line');
  // Without thresholds in the file, no line is drawn (the report reads no scenario).
  for (const d of Object.values(rbd.designs)) delete d.thresholds;
  assert.deepEqual(seriesThresholds(rbd, 'pool_usage'), []);
});

/** Every layer of a spec (layered, faceted or single), in order. */
function layersOf(spec: any): any[] {
  if (spec.layer) return spec.layer.flatMap(layersOf);
  if (spec.spec) return layersOf(spec.spec);
  return [spec];
}

test('every chart carries a tooltip (report.html shows it on hover), naming the design', () => {
  for (const c of all) {
    const tips = layersOf(c.spec).map((l) => l.encoding?.tooltip).filter(Boolean);
    assert.ok(tips.length > 0, `${c.name}: no layer has a tooltip`);
    for (const t of tips) assert.ok(t.some((f: any) => f.field === 'design' || f.field === 'line'), `${c.name}: tooltip without the design`);
  }
});

/** Design name -> colour in every colour scale keyed by design (a line's label may add " (= x)" or " (swept knob)"). */
function designColourUses(charts: Chart[], designs: string[]): { chart: string; design: string; colour: string }[] {
  const out: { chart: string; design: string; colour: string }[] = [];
  const byLength = [...designs].sort((a, b) => b.length - a.length);
  for (const c of charts) {
    for (const layer of layersOf(c.spec)) {
      const color = layer.encoding?.color;
      if (!color || !['design', 'line'].includes(color.field)) continue;
      const { domain, range } = color.scale ?? {};
      assert.ok(Array.isArray(domain) && Array.isArray(range) && range.length === domain.length, `${c.name}: design colours without an explicit domain and range`);
      domain.forEach((label: string, i: number) => {
        const design = byLength.find((d) => label === d || label.startsWith(`${d} (`));
        assert.ok(design, `${c.name}: legend entry ${label} names no design`);
        out.push({ chart: c.name, design, colour: range[i] });
      });
    }
  }
  return out;
}

test('one colour per design across every chart of a run (an explicit scale keyed by design name)', () => {
  const runs = [reference.summary, queue.summary, ...['runner-evac', 'runner-mm1'].map((n) => normaliseSummary(JSON.parse(readFileSync(join(FIXTURES, n, 'summary.json'), 'utf8'))))];
  for (const summary of runs) {
    const charts = [...paretoCharts(summary.studies), ...chartsForSummary(summary)];
    const designs = [...new Set(Object.values(summary.studies).flatMap((s) => Object.keys(s.designs)))];
    const uses = designColourUses(charts, designs);
    assert.ok(uses.length > 0);
    const first = new Map<string, { chart: string; colour: string }>();
    for (const u of uses) {
      const f = first.get(u.design);
      if (!f) first.set(u.design, u);
      else assert.equal(u.colour, f.colour, `${summary.scenario}: ${u.design} is ${f.colour} in ${f.chart} but ${u.colour} in ${u.chart}`);
    }
    // Different designs of a run never share a colour while the palette lasts.
    const colours = [...first.values()].map((f) => f.colour);
    if (colours.length <= 10) assert.equal(new Set(colours).size, colours.length, `${summary.scenario}: two designs share a colour`);
  }
});

test('float noise below display resolution is drawn and hovered as 0, as the text prints it', () => {
  const stats = reference.summary.studies.boot.designs['glance-http'].metrics.boot_time_p95;
  const noise = { ...stats, unit: 'GiB·h', mean: 5.97e-12, ci95: [-7.09e-12, 1.9e-11] as [number, number], p50: 0, min: 0, max: 1e-10 };
  const study: StudySummary = { title: 'New study', question: '?', designs: { a: { metrics: { leak: noise } }, b: { metrics: { leak: { ...noise, mean: 2, ci95: [1, 3] } } } } };
  const chart = metricByDesign('brand-new', study, 'leak');
  assert.ok(chart);
  const text = JSON.stringify(chart.spec);
  assert.doesNotMatch(text, /e-1\d/, 'no float noise in the data');
  assert.match(text, /"design":"a","mean":0,"lo":0,"hi":0/);
});
