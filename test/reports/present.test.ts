import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMeanCi, formatNumber, formatValue, metricText, type ShownStats } from '../../reports/format.js';
import { keyValueText, meanPm } from '../../reports/deck.js';
import type { StudySummary } from '../../reports/summary.js';
import { metricByDesign, validationChart } from '../../reports/charts/builders.js';
import { reachedOf } from '../../sim/montecarlo/summary.js';
import { loadFixture } from './fixtures.js';

const D = 86400, H = 365 * D;
const base: ShownStats = { unit: 's', mean: 0, ci95: [0, 0], p50: 0, min: 0 };

test('values below display resolution print 0, with one kind of minus and no exponent', () => {
  assert.equal(formatNumber(5.97e-12), '0');
  assert.equal(formatNumber(-7.09e-12), '0');
  assert.equal(formatMeanCi(5.97e-12, [-7.09e-12, 1.9e-11], 'GiB·h'), '0 GiB·h');
  for (const text of [formatNumber(-1234.5), formatNumber(-0.5), formatValue(-3 * 3600, 's'), formatMeanCi(-0.02, [-0.05, 0.01], 'fraction')]) {
    assert.doesNotMatch(text, /-|e[−-]?\d/, text);
  }
  assert.equal(formatNumber(-1234.6), '−1,235');
});

test('counts and other non-negative quantities never get a negative bound', () => {
  assert.equal(formatMeanCi(0.3, [-0.2, 0.8], 'count', true), '0.3 (95 % CI 0–0.8)');
  const count: ShownStats = { unit: 'count', kind: 'count', mean: 0.3, ci95: [-0.2, 0.8], p50: 0, min: 0 };
  assert.equal(metricText(count), '0.3 (95 % CI 0–0.8)');
  // A difference may be negative: formatMeanCi without the flag keeps its sign.
  assert.match(formatMeanCi(-0.3, [-0.8, 0.2], 'count'), /^−0\.3 \(95 % CI −0\.8–0\.2\)$/);
});

test('a censored time-to-event is the share that reached it and the mean of those, never the horizon as a value', () => {
  // 7 of 20 replications reached nearfull (at 200..260 d); 13 sat at the horizon.
  const values = [...[200, 210, 220, 230, 240, 250, 260].map((d) => d * D), ...Array(13).fill(H)];
  const reached = reachedOf(values, H);
  assert.equal(reached.count, 7);
  assert.equal(reached.of, 20);
  assert.ok(Math.abs(reached.mean - 230 * D) < 1e-6);
  assert.ok(reached.wilson95[0] > 0.15 && reached.wilson95[1] < 0.6);
  const s: ShownStats = { ...base, kind: 'time-to-event', mean: 330 * D, ci95: [300 * D, 360 * D], p50: H, min: 200 * D, reached };
  const text = metricText(s, H);
  assert.match(text, /^reached within 365 d in 35 % \(95 % CI [\d.]+–[\d.]+\) of replications; mean when reached 230 d \(95 % CI [\d.]+–[\d.]+\)$/);
  assert.doesNotMatch(text, /365 d \(|330/);
  const never = metricText({ ...s, reached: reachedOf(Array(20).fill(H), H) }, H);
  assert.equal(never, 'not reached within 365 d (0 of 20 replications; P ≤ 16.1 %)');
  const always = metricText({ ...s, reached: reachedOf([100 * D, 120 * D], H) }, H);
  assert.match(always, /^110 d/);
});

test('a heavy-tailed metric is shown by its median, flagged, and not charted as a mean', () => {
  const s: ShownStats = { ...base, unit: 'ratio', mean: 11.9, ci95: [3.07, 20.7], p50: 2.5, min: 1, heavyTailed: true };
  assert.equal(metricText(s), 'median 2.5 ratio (mean not estimable: heavy tail)');
  const queue = structuredClone(loadFixture('queue').summary.studies.queue);
  assert.ok(metricByDesign('queue', queue, 'wait'));
  for (const d of Object.values(queue.designs)) d.metrics.wait.heavyTailed = true;
  assert.equal(metricByDesign('queue', queue, 'wait'), undefined);
  const exact = Object.entries(queue.designs).map(([design, d]) => ({ design, metric: 'wait', exact: d.exact!.wait }));
  assert.equal(validationChart('queue', queue, exact), undefined);
});

test('an availability near 100 % never reads "± 0.000"', () => {
  const text = meanPm(0.9999831, [0.99998305, 0.99998315], 'fraction');
  assert.doesNotMatch(text, /± 0\.0+$/);
  assert.match(text, /^99\.998\d* % ± <0\.0+1$/);
});

test('deck: every warning of a study is on its slide, naming its designs; notes describe the slide itself', async () => {
  const { studyWarnings, slideNotes } = await import('../../reports/deck.js');
  const rbd = loadFixture('reference-cloud').summary.studies.rbd;
  assert.deepEqual(studyWarnings(rbd), ['online-discard: design online-discard: discard needs virtio-scsi (hw_disk_bus=scsi); virtio-blk before QEMU 4.0 ignores it']);
  const chart = { chart: { name: 'rbd-pool-usage-over-time', study: 'rbd', title: 'Pool usage over time', caption: 'Line: median.', spec: {} as never }, svg: '', files: { spec: '', svg: '', png: '' }, pngPath: '', warnings: [] };
  const notes = slideNotes(rbd, chart, H);
  assert.match(notes, /The chart on this slide: Pool usage over time\. Line: median\./);
  assert.match(notes, /The numbers on the right: Time to nearfull; P\(pool reaches full\); Reclaimed by discard, per design\./);
  assert.match(notes, /Warnings: online-discard: /);
  assert.doesNotMatch(notes, /table below/);
});

test('a key number is in the metric\'s one display unit for every design on every slide (no "5.06 min" beside "107 s")', () => {
  const stats = (mean: number) => ({ unit: 's', mean, ci95: [mean - 3, mean + 3] as [number, number], p50: mean, p95: mean, min: mean - 10, max: mean + 10, sd: 5, n: 100, nonFinite: 0 });
  const study = { title: 'Boot times', question: '?', metrics: { boot_time_p95: { unit: 's', kind: 'duration', label: 'Boot time p95' } },
    designs: { 'glance-http': { metrics: { boot_time_p95: stats(303.6) } }, 'rbd-clone': { metrics: { boot_time_p95: stats(107) } } } } as unknown as StudySummary;
  const texts = ['glance-http', 'rbd-clone'].map((d) => keyValueText(study, 'boot_time_p95', d, undefined));
  const units = new Set(texts.map((t) => t.match(/\d ([a-z]+)/)?.[1]));
  assert.equal(units.size, 1, texts.join(' · '));
});
