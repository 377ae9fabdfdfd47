import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue } from '../../reports/format.js';

// The terminal prints with the report's formatter (reports/format.ts). Until it did, the CLI had
// its own: 4 significant digits, probabilities as bare fractions ("0.8499 probability"), counts
// with their unit word and no separators ("12346 count"). Those changed on purpose; they now read
// as in report.html: 3 significant digits, percent, thousands separated.
test('terminal numbers: durations, sizes, probabilities and counts as the report writes them', () => {
  assert.equal(formatValue(3866400, 's'), '44.8 d');
  assert.equal(formatValue(144.7, 's'), '2.41 min');
  assert.equal(formatValue(45, 's'), '45 s');
  assert.equal(formatValue(7200 * 2, 's'), '4 h');
  assert.equal(formatValue(207403749684019, 'bytes'), '189 TiB');
  assert.equal(formatValue(0.84991, 'probability'), '85 %');
  assert.equal(formatValue(12345.6, 'count'), '12,346');
  assert.equal(formatValue(0.25, '1'), '0.25', "the dimensionless unit '1' is not written out");
  assert.equal(formatValue(4.5, 'jobs'), '4.5 jobs');
  assert.equal(formatValue(NaN, 's'), 'n/a');
  assert.equal(formatValue(Infinity, 's'), '∞');
});

test('a difference of probabilities prints in percentage points, never "% points"', async () => {
  const { printSummary } = await import('../../sim/cli/run.js');
  const stats = (mean: number) => ({ unit: '0/1', mean, ci95: [mean - 0.05, mean + 0.05], p50: mean, min: 0, max: 1, sd: 0.3, n: 200, nonFinite: 0 });
  const summary = {
    studies: {
      evacuation: {
        title: 'Host evacuation', question: 'room?',
        metrics: { any_stranded: { unit: '0/1', kind: 'probability', label: 'P(any instance stranded)' } },
        designs: { 'no-reserve': { metrics: { any_stranded: stats(0.69) }, warnings: [] }, 'static-reserve': { metrics: { any_stranded: stats(0.865) }, warnings: [] } },
        differences: { 'static-reserve': { any_stranded: { mean: 0.175, ci95: [0.109, 0.241] } } },
      },
    },
  };
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
  try { printSummary(summary as any); } finally { console.log = log; }
  const line = printed.find((l) => l.includes('Δ vs no-reserve'));
  assert.ok(line, printed.join('\n'));
  assert.match(line, /Δ vs no-reserve 17\.5 percentage points \(95 % CI 10\.9–24\.1\)$/);
  assert.doesNotMatch(printed.join('\n'), /% points/);
  // A share (unit 'fraction', shown in %) too: snapshots' failed_fraction.
  const share = structuredClone(summary) as any;
  share.studies.evacuation.metrics.any_stranded = { unit: 'fraction', kind: 'ratio', label: 'Failed share' };
  for (const d of Object.values<any>(share.studies.evacuation.designs)) d.metrics.any_stranded.unit = 'fraction';
  printed.length = 0;
  console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
  try { printSummary(share); } finally { console.log = log; }
  assert.match(printed.find((l) => l.includes('Δ vs no-reserve')) ?? '', /Δ vs no-reserve 17\.5 percentage points \(95 % CI 10\.9–24\.1\)$/);
});
