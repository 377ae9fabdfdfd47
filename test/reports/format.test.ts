import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisTitle, fallbackLabel, formatMeanCi, formatNumber, formatValue, metricScale, metricText, pickScale } from '../../reports/format.js';
import { labelOf } from '../../reports/summary.js';
import { loadFixture } from './fixtures.js';

test('seconds become the unit a person would say', () => {
  assert.equal(formatValue(45, 's'), '45 s');
  assert.equal(formatValue(300, 's'), '5 min');
  assert.equal(formatValue(4 * 3600, 's'), '4 h');
  assert.equal(formatValue(210 * 86400, 's'), '210 d');
  assert.equal(formatValue(0.004, 's'), '4 ms');
});

test('bytes in binary units, fractions in percent, near-100 % keeps its digits', () => {
  assert.equal(formatValue(1.5 * 2 ** 30, 'bytes'), '1.5 GiB');
  assert.equal(formatValue(38 * 2 ** 40, 'B'), '38 TiB');
  assert.equal(formatValue(0.3125, 'probability'), '31.3 %');
  assert.equal(formatValue(0.999412, 'fraction'), '99.941 %');
  assert.equal(formatValue(0.9999832, 'fraction'), '99.9983 %');
});

test('a mean and its CI share one unit', () => {
  assert.equal(formatMeanCi(150, [100, 200], 's'), '2.5 min (95 % CI 1.67–3.33)');
  assert.equal(formatMeanCi(0.08, [0.0422, 0.118], 'probability'), '8 % (95 % CI 4.22–11.8)');
  assert.equal(formatMeanCi(3, [3, 3], 'count'), '3');
});

test('numbers: thousands separated, signs typographic, non-finite named', () => {
  assert.equal(formatNumber(123456), '123,456');
  assert.equal(formatNumber(-2.5), '−2.5');
  assert.equal(formatNumber(NaN), 'n/a');
  assert.equal(formatNumber(Infinity), '∞');
});

test('labels and axis titles', () => {
  // The label is the study's own, from summary.json; a file without one falls back to the name.
  const evacuation = loadFixture('reference-cloud').summary.studies.evacuation;
  assert.equal(labelOf(evacuation, 'any_stranded'), 'P(any instance stranded)');
  assert.equal(labelOf({ ...evacuation, metrics: undefined }, 'any_stranded'), 'Any stranded');
  assert.equal(fallbackLabel('freeze_seconds_p95'), 'Freeze time p95');
  assert.equal(labelOf(evacuation, 'some_new_metric'), 'Some new metric');
  assert.equal(axisTitle('Boot time', pickScale('s', [300])), 'Boot time (min)');
  assert.equal(axisTitle('Stranded instance-hours', pickScale('instance-hours', [3])), 'Stranded instance-hours');
  assert.equal(axisTitle('Hosts down', pickScale('count', [3])), 'Hosts down');
});

test('metricScale: one unit for a metric across designs, from every design\'s mean, CI, median and p95', () => {
  const stats = (mean: number, p95: number) => ({ unit: 's', mean, ci95: [mean * 0.9, mean * 1.1] as [number, number], p50: mean, p95, min: 0 });
  const scale = metricScale('s', [stats(2436, 12717), stats(7931, 33054)]);
  assert.equal(scale.label, 'h');
  // The design alone would read in minutes; with the scale of the metric it reads in hours, as the others.
  assert.equal(metricText(stats(2436, 12717)), '40.6 min (95 % CI 36.5–44.7)');
  assert.equal(metricText(stats(2436, 12717), undefined, scale), '0.677 h (95 % CI 0.609–0.744)');
  assert.equal(metricScale('fraction', [stats(0.5, 0.9)]).label, '%');
});
