import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandChart, cdfChart, forSlide, metricByDesign, sweepChart } from '../../reports/charts/builders.js';
import { DASHES, lineStyle, PALETTE } from '../../reports/charts/lines.js';
import { compileSpec, renderSvg, svgToPng, trimBlankRight } from '../../reports/charts/render.js';
import type { StudySummary } from '../../reports/summary.js';
import { loadFixture } from './fixtures.js';

const reference = loadFixture('reference-cloud');

/** A study of `n` designs, each a copy of the fixture's first curve of `series`, scaled up by its index. */
function manyDesigns(n: number, studyName: 'boot' | 'rbd' = 'boot', series = 'boot_time_cdf', step = 0.15): StudySummary {
  const study = structuredClone(reference.summary.studies[studyName]);
  const template = Object.values(study.designs)[0];
  const designs: StudySummary['designs'] = {};
  for (let i = 0; i < n; i++) {
    const d = structuredClone(template);
    const s = d.series![series];
    for (const k of ['mean', 'p05', 'p50', 'p95'] as const) s[k] = s[k].map((v) => v * (1 + step * i));
    for (const m of Object.values(d.metrics)) m.mean *= 1 + step * i;
    designs[`design-${i}`] = d;
  }
  return { ...study, designs, sweeps: undefined };
}

const enc = (c: { spec: unknown }, layer: number) => (c.spec as any).layer[layer].encoding;

test('nine designs over time: every line gets its own colour and dash pair, the legend lists them as they end, and it renders cleanly', async () => {
  const study = manyDesigns(9, 'rbd', 'pool_usage', 0.04);
  // Design order of the study reversed, so that legend order (by end value) and study order differ.
  const reversed: StudySummary = { ...study, designs: Object.fromEntries(Object.entries(study.designs).reverse()) };
  const c = bandChart('rbd', reversed, 'pool_usage', [{ label: 'nearfull', value: 0.85 }])!;
  const line = enc(c, 1);
  assert.ok(line.strokeDash, 'more than six lines: dashes as a second cue');
  const pairs = line.color.scale.domain.map((d: string, i: number) => `${line.color.scale.range[i]} ${line.strokeDash.scale.range[line.strokeDash.scale.domain.indexOf(d)]}`);
  assert.equal(new Set(pairs).size, 9, 'no two lines share colour and dash');
  assert.ok(new Set(line.strokeDash.scale.range.map(String)).size >= 4, 'several dash patterns');
  assert.deepEqual(line.color.scale.domain, Array.from({ length: 9 }, (_, i) => `design-${8 - i}`), 'legend from the highest end down');
  // Colours follow the study's order (the same on the by-design chart), not the legend's.
  const byDesign = metricByDesign('rbd', reversed, Object.keys(Object.values(reversed.designs)[0].metrics)[0])!;
  const designColour = enc(byDesign, 0).color.scale;
  for (const [i, d] of line.color.scale.domain.entries()) {
    assert.equal(line.color.scale.range[i], designColour.range[designColour.domain.indexOf(d)], `${d}: same colour on both charts`);
  }
  assert.equal(line.color.legend.orient, 'right');
  assert.match(c.caption, /Legend in order of each line's end value, highest first/);
  // The first design of the study (design-8 here) is the thicker line.
  assert.match(line.strokeWidth.condition.test, /design-8/);
  assert.match(c.caption, /Thicker line: design-8/);
  const { svg, warnings } = await renderSvg(c.spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes('stroke-dasharray'), 'dashes drawn');
  for (let i = 0; i < 9; i++) assert.ok(svg.includes(`>design-${i}<`), `legend entry design-${i}`);
  assert.equal((svg.match(/aria-label="Symbol legend/g) ?? []).length, 1, 'one legend for colour and dash together');
  const slideWarnings: string[] = [];
  compileSpec(forSlide(c.spec), slideWarnings);
  assert.deepEqual(slideWarnings, []);
});

test('a CDF of five or more designs is drawn in panels: every point kept, the first design as reference in the others', async () => {
  const study = manyDesigns(7);
  const twin = structuredClone(study.designs['design-2']);
  study.designs['design-2-again'] = twin;
  const c = cdfChart('boot', study, 'boot_time_cdf')!;
  const spec = c.spec as any;
  assert.equal(spec.facet.field, 'design');
  assert.equal(spec.facet.sort.length, 8);
  assert.equal(spec.facet.sort[0], 'design-0', 'panels from the smallest median on');
  assert.ok(spec.facet.sort.includes('design-2-again (= design-2)'));
  const rows = spec.data.values as { design: string; role: string; reference?: string }[];
  const points = Object.values(study.designs).reduce((k, d) => k + d.series!.boot_time_cdf.x.length, 0);
  assert.equal(rows.filter((r) => r.role === 'own').length, points, 'no point dropped');
  const refPanels = new Set(rows.filter((r) => r.role === 'ref').map((r) => r.design));
  assert.equal(refPanels.size, 7, 'the reference in every panel but its own');
  assert.ok(!refPanels.has('design-0'));
  assert.match(c.caption, /One panel per design/);
  assert.match(c.caption, /design-2-again gives exactly the same values as design-2/);
  const { svg, warnings } = await renderSvg(c.spec);
  assert.deepEqual(warnings, []);
  for (const mark of ['mark-line', 'mark-area']) assert.ok(svg.includes(mark), mark);
  assert.equal((svg.match(/class="[^"]*\brole-title-text\b/g) ?? []).length, 1 + 8, 'the chart title and a header per panel');
  assert.ok(svg.includes('role-legend'), 'legend for the reference line');
  assert.ok(svg.includes('>design-2-again<') && svg.includes('>(= design-2)<'), 'header says which panel is a copy, on two lines');
  const slideWarnings: string[] = [];
  const slide = forSlide(c.spec) as any;
  compileSpec(slide, slideWarnings);
  assert.deepEqual(slideWarnings, []);
  assert.equal(slide.columns, 4, 'two rows of panels on a slide');
  // Four designs or fewer stay overlaid.
  assert.equal((cdfChart('boot', manyDesigns(4), 'boot_time_cdf')!.spec as any).facet, undefined);
});

test('up to six lines stay solid, with a legend under the plot', () => {
  const c = cdfChart('boot', manyDesigns(4), 'boot_time_cdf')!;
  assert.equal(enc(c, 1).strokeDash, undefined);
  assert.notEqual(enc(c, 1).color.legend.orient, 'right');
  assert.doesNotMatch(c.caption, /Legend in order/);
});

test('time series: legend ordered by where the lines end, highest first', () => {
  const rbd = structuredClone(reference.summary.studies.rbd);
  const c = bandChart('rbd', rbd, 'pool_usage')!;
  const ends = Object.entries(rbd.designs).map(([d, v]) => [d, v.series!.pool_usage.p50.at(-1)!] as const).sort((a, b) => b[1] - a[1]).map(([d]) => d);
  assert.deepEqual(enc(c, 1).color.scale.domain, ends);
});

test('identical series across designs are named "b (= a)", drawn dashed over a, and said in the caption', async () => {
  const rbd = structuredClone(reference.summary.studies.rbd);
  rbd.designs['fstrim-virtio-blk'] = structuredClone(rbd.designs['no-discard']);
  const c = bandChart('rbd', rbd, 'pool_usage', [{ label: 'nearfull', value: 0.85 }, { label: 'full', value: 0.95 }])!;
  const line = enc(c, 1);
  assert.ok(line.color.scale.domain.includes('fstrim-virtio-blk (= no-discard)'));
  assert.ok(!line.color.scale.domain.includes('no-discard (= fstrim-virtio-blk)'), 'the earlier design keeps its name');
  const dash = (d: string) => String(line.strokeDash.scale.range[line.strokeDash.scale.domain.indexOf(d)]);
  assert.notEqual(dash('fstrim-virtio-blk (= no-discard)'), dash('no-discard'), 'the twin is dashed differently, so both colours show');
  assert.match(c.caption, /fstrim-virtio-blk gives exactly the same values as no-discard/);
  const { svg, warnings } = await renderSvg(c.spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes('fstrim-virtio-blk (= no-discard)'), 'legend label in the SVG');
  assert.equal((svg.match(/aria-label="Symbol legend/g) ?? []).length, 1, 'one legend for colour and dash together');
  // The thresholds keep their dashed red rules.
  assert.ok(svg.includes('nearfull (85 %)'));
  // Equal only up to rounding is not equal: one value off by 1e-12 gives two plain lines.
  rbd.designs['fstrim-virtio-blk'].series!.pool_usage.p95[3] += 1e-12;
  const apart = bandChart('rbd', rbd, 'pool_usage')!;
  assert.ok(enc(apart, 1).color.scale.domain.includes('fstrim-virtio-blk'));
  assert.doesNotMatch(apart.caption, /exactly the same/);
});

test('identical CDFs and identical sweep lines are labelled too', () => {
  const snap = structuredClone(reference.summary.studies.snapshots);
  snap.designs['agent-flaky'].series = structuredClone(snap.designs['agent-healthy'].series);
  const cdf = cdfChart('snapshots', snap, 'freeze_cdf')!;
  assert.ok(enc(cdf, 1).color.scale.domain.includes('agent-flaky (= agent-healthy)'));
  const boot = structuredClone(reference.summary.studies.boot);
  const sw = boot.sweeps![0];
  sw.designs['rbd-clone'] = structuredClone(sw.designs['nfs-direct']);
  const chart = sweepChart('boot', [sw], 'storm_completion')!;
  assert.ok(enc(chart, 1).color.scale.domain.includes('rbd-clone (= nfs-direct)'));
  assert.match(chart.caption, /rbd-clone gives exactly the same values as nfs-direct/);
});

test('lineStyle: three identical lines all point at the first; dashes cycle; no line is dropped', () => {
  const same = [1, 2, 3];
  const s = lineStyle('d', 'Design', [
    { name: 'a', values: [same], end: 3 }, { name: 'b', values: [same], end: 3 }, { name: 'c', values: [[...same]], end: 3 }, { name: 'e', values: [[1, 2, 4]], end: 4 },
  ], 'desc');
  assert.deepEqual([...s.sameAs], [['b', 'a'], ['c', 'a']]);
  assert.deepEqual(s.order, ['e', 'a', 'b (= a)', 'c (= a)']);
  assert.equal((s.color as any).scale.range[0], PALETTE[3], 'e keeps the colour of its place in the study');
  const many = lineStyle('d', 'Design', Array.from({ length: 12 }, (_, i) => ({ name: `x${i}`, values: [[i]], end: i })), 'asc');
  assert.equal(many.order.length, 12);
  assert.deepEqual((many.strokeDash as any).scale.range[DASHES.length], DASHES[0]);
  // NaN equals NaN (a never-reached point in both), non-finite ends go last.
  const nan = lineStyle('d', 'Design', [{ name: 'p', values: [[NaN]], end: NaN }, { name: 'q', values: [[NaN]], end: 1 }], 'desc');
  assert.deepEqual(nan.order, ['q (= p)', 'p']);
});

test('trimBlankRight cuts only white columns on the right', async () => {
  const c = cdfChart('boot', manyDesigns(9), 'boot_time_cdf')!;
  const { svg } = await renderSvg(c.spec);
  const trimmed = trimBlankRight(svg);
  const before = svgToPng(svg, 1), after = svgToPng(trimmed, 1);
  assert.ok(after.width <= before.width);
  assert.equal(after.height, before.height);
  const ink = (img: ReturnType<typeof svgToPng>) => { let k = 0; for (let i = 0; i < img.pixels.length; i += 4) if (img.pixels[i] + img.pixels[i + 1] + img.pixels[i + 2] < 750) k++; return k; };
  assert.equal(ink(after), ink(before), 'no ink lost');
  // A chart with blank space on the right gets narrower; one without keeps its size.
  const padded = svg.replace(/width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"/, (_m, w, h) => `width="${+w + 300}" height="${h}" viewBox="0 0 ${+w + 300} ${h}"`);
  assert.ok(svgToPng(trimBlankRight(padded), 1).width < before.width + 300);
  assert.equal(trimBlankRight(trimmed), trimmed);
});
