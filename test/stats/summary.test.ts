import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedDifference, proportionCi, summarize } from '../../sim/stats/summary.js';
import { Exponential, Normal } from '../../sim/random/distributions.js';
import { Streams } from '../../sim/random/streams.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('summarize: hand-computed mean, sample sd (n−1), t interval and type-7 quantiles', () => {
  const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(s.n, 8);
  assert.equal(s.mean, 5);
  close(s.sd, Math.sqrt(32 / 7)); // Σ(x−5)² = 32, divisor n−1 = 7
  // t(0.975, 7) = 2.364624252: 5 ± 2.364624252·2.138090/√8
  close(s.ci95[0], 3.2125120817637898, 1e-10);
  close(s.ci95[1], 6.78748791823621, 1e-10);
  // Type 7: h = (n−1)p; p50 → h = 3.5 → (4+5)/2; p95 → h = 6.65 → 7 + 0.65·2; p99 → 7 + 0.93·2.
  close(s.p50, 4.5);
  close(s.p95, 8.3);
  close(s.p99, 8.86);
  assert.equal(s.min, 2);
  assert.equal(s.max, 9);
  assert.equal(s.nonFinite, 0);
  assert.equal(s.wilson95, undefined);
});

test('summarize: one replication gives sd 0 and a degenerate interval; none gives NaN (null in JSON)', () => {
  const one = summarize([3.5]);
  assert.deepEqual(one, { n: 1, mean: 3.5, sd: 0, ci95: [3.5, 3.5], p50: 3.5, p95: 3.5, p99: 3.5, min: 3.5, max: 3.5, nonFinite: 0 });
  const none = summarize([]);
  assert.equal(none.n, 0);
  assert.ok(Number.isNaN(none.mean) && Number.isNaN(none.ci95[0]) && Number.isNaN(none.p95));
  assert.equal(JSON.parse(JSON.stringify(none)).mean, null);
});

test('summarize: Infinity ("never reached") and NaN are counted in nonFinite, never folded into the moments', () => {
  const s = summarize([1, Infinity, 3, NaN, -Infinity, 2]);
  assert.equal(s.n, 3);
  assert.equal(s.nonFinite, 3);
  assert.equal(s.mean, 2);
  assert.equal(s.sd, 1);
  assert.equal(s.max, 3);
  assert.ok(Number.isFinite(s.ci95[0]) && Number.isFinite(s.ci95[1]));
  const all = summarize([Infinity, Infinity]);
  assert.equal(all.n, 0);
  assert.equal(all.nonFinite, 2);
});

test('summarize: a constant metric has a zero-width interval (sd = 0), not NaN', () => {
  const s = summarize([7, 7, 7, 7]);
  assert.equal(s.sd, 0);
  assert.deepEqual(s.ci95, [7, 7]);
});

test('summarize: 0/1 metrics also carry the Wilson interval, which does not collapse at 0 of n', () => {
  const zeros = summarize(new Float64Array(100));
  assert.deepEqual(zeros.ci95, [0, 0]);
  assert.equal(zeros.wilson95![0], 0);
  close(zeros.wilson95![1], 3.841458820694124 / 103.841458820694124, 1e-9); // z²/(n+z²)
  const half = summarize([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
  // Wilson 5/10 at 95 %: [0.2366, 0.7634] (published worked example).
  assert.equal(half.wilson95![0].toFixed(4), '0.2366');
  assert.equal(half.wilson95![1].toFixed(4), '0.7634');
  assert.deepEqual(proportionCi(10, 10)[1], 1);
  // A count metric that is 0 everywhere is not a proportion when the caller says so.
  assert.equal(summarize([0, 0, 0], { proportion: false }).wilson95, undefined);
  assert.equal(summarize([0, 2, 1], { proportion: true }).wilson95, undefined);
  assert.deepEqual(summarize([0, 1], { proportion: true }).wilson95, proportionCi(1, 2));
  assert.equal(proportionCi(0, 10)[1].toFixed(4), '0.2775');
  assert.throws(() => proportionCi(11, 10), /11 successes of 10/);
});

test('summarize is deterministic: same values (array or typed array) give byte-identical JSON, input untouched', () => {
  const rng = new Streams(1, 0).stream('determinism');
  const values = Array.from({ length: 501 }, () => rng.next() * 100);
  const copy = values.slice();
  const a = JSON.stringify(summarize(values));
  const b = JSON.stringify(summarize(Float64Array.from(values)));
  assert.equal(a, b);
  assert.equal(a, JSON.stringify(summarize(values)));
  assert.deepEqual(values, copy);
});

test('pairedDifference: hand-computed mean and t interval of a[i] − b[i]', () => {
  const d = pairedDifference([10, 12, 9, 14], [8, 11, 9, 10]);
  // differences 2, 1, 0, 4: mean 1.75, sd 1.7078251, t(0.975, 3) = 3.182446305
  assert.equal(d.n, 4);
  assert.equal(d.mean, 1.75);
  close(d.ci95[0], -0.9675308837964893, 1e-10);
  close(d.ci95[1], 4.467530883796489, 1e-10);
  assert.equal(d.nonFinite, 0);
  const withInf = pairedDifference([1, Infinity, 3], [0, 5, 1]);
  assert.equal(withInf.n, 2);
  assert.equal(withInf.nonFinite, 1);
  assert.equal(withInf.mean, 1.5);
  assert.throws(() => pairedDifference([1, 2], [1]), /2 values vs 1/);
});

test('pairedDifference with common random numbers is far narrower than the unpaired intervals', () => {
  // Design B = design A + 0.1 on the same draws (same stream name): the shared noise cancels.
  const n = 50, a: number[] = [], b: number[] = [];
  const exp = new Exponential(10);
  for (let r = 0; r < n; r++) {
    const x = exp.sample(new Streams(42, r).stream('service'));
    a.push(x + 0.1);
    b.push(x);
  }
  const d = pairedDifference(a, b);
  close(d.mean, 0.1, 1e-9);
  const sa = summarize(a);
  assert.ok(d.ci95[1] - d.ci95[0] < 1e-9 && sa.ci95[1] - sa.ci95[0] > 1, 'paired width ~0, unpaired width > 1');
});

/**
 * Coverage: the fraction of independent experiments whose 95 % CI contains the true mean. With
 * 1000 experiments a correct interval gives 0.95 ± 0.0069 (binomial sd), so [0.93, 0.97] is a
 * ±2.9 sd band; a z interval at n = 5 (0.88) or a population sd fail it. Seeds are fixed.
 */
function coverage(sampleOf: (r: number) => number[], trueMean: number, interval: (xs: number[]) => [number, number]): number {
  let hit = 0;
  const trials = 1000;
  for (let r = 0; r < trials; r++) {
    const [lo, hi] = interval(sampleOf(r));
    if (lo <= trueMean && trueMean <= hi) hit++;
  }
  return hit / trials;
}

const draws = (dist: { sample(rng: { next(): number }): number }, n: number, name: string) => (r: number) => {
  const rng = new Streams(2026, r).stream(name);
  return Array.from({ length: n }, () => dist.sample(rng));
};

test('t interval covers the true mean ~95 % of the time: normal n = 5, normal n = 30, exponential n = 100', () => {
  const cases: [string, number][] = [
    ['normal n=5', coverage(draws(new Normal(3, 2), 5, 'cov-normal-5'), 3, (xs) => summarize(xs).ci95)],
    ['normal n=30', coverage(draws(new Normal(-1, 0.5), 30, 'cov-normal-30'), -1, (xs) => summarize(xs).ci95)],
    ['exponential n=100', coverage(draws(new Exponential(4), 100, 'cov-exp-100'), 4, (xs) => summarize(xs).ci95)],
  ];
  console.log(`# CI coverage (1000 seeds each): ${cases.map(([k, c]) => `${k}: ${c}`).join(', ')}`);
  for (const [k, c] of cases) assert.ok(c >= 0.93 && c <= 0.97, `${k}: coverage ${c}`);
});

test('the coverage check has teeth: a z interval (1.96 instead of t) at n = 5 undercovers', () => {
  const zInterval = (xs: number[]): [number, number] => {
    const s = summarize(xs);
    const h = (1.96 * s.sd) / Math.sqrt(s.n);
    return [s.mean - h, s.mean + h];
  };
  const c = coverage(draws(new Normal(3, 2), 5, 'cov-normal-5'), 3, zInterval);
  assert.ok(c < 0.92, `z interval coverage ${c} should be ~0.88`);
});

test('paired-difference interval covers the true difference ~95 % of the time', () => {
  // a = X + Y, b = X with X ~ Exp(mean 5) shared (CRN) and Y ~ Normal(0.3, 1): true difference 0.3.
  let hit = 0;
  const trials = 1000, n = 20, ex = new Exponential(5), nd = new Normal(0.3, 1);
  for (let t = 0; t < trials; t++) {
    const a: number[] = [], b: number[] = [];
    for (let r = 0; r < n; r++) {
      const s = new Streams(`paired-${t}`, r);
      const x = ex.sample(s.stream('x'));
      a.push(x + nd.sample(s.stream('y')));
      b.push(x);
    }
    const { ci95 } = pairedDifference(a, b);
    if (ci95[0] <= 0.3 && 0.3 <= ci95[1]) hit++;
  }
  const c = hit / trials;
  console.log(`# paired-difference CI coverage (1000 seeds): ${c}`);
  assert.ok(c >= 0.93 && c <= 0.97, `coverage ${c}`);
});
