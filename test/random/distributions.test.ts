import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Deterministic, EmpiricalCdf, EmpiricalSamples, Erlang, Exponential, Lognormal, Normal, Uniform, Weibull,
  gammaFn, type Distribution,
} from '../../sim/random/distributions.js';
import { Streams } from '../../sim/random/streams.js';

/**
 * Moment checks with bounds a correct sampler cannot miss by chance: with N draws the sample
 * mean has standard error σ/√N and the sample variance √((μ₄ − σ⁴)/N) (μ₄ the fourth central
 * moment, estimated from the same draws). A deviation beyond Z = 5 standard errors has
 * probability < 1e-6 per check for any seed; the seeds here are fixed, so the test is
 * deterministic. N = 200 000 makes the bound ~1 % of the mean for an exponential, tight enough
 * to catch a wrong parameterisation (a scale for a mean, σ for σ², n for n − 1 …).
 */
const N = 200_000;
const Z = 5;

function draw(d: Distribution, name: string, n = N): Float64Array {
  const rng = new Streams('moments', 0).stream(name);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = d.sample(rng);
  return xs;
}

function sampleMoments(xs: Float64Array): { mean: number; variance: number; m4: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let s2 = 0, s4 = 0;
  for (const x of xs) { const d = (x - mean) ** 2; s2 += d; s4 += d * d; }
  return { mean, variance: s2 / (xs.length - 1), m4: s4 / xs.length };
}

function checkMoments(d: Distribution, name: string): void {
  const xs = draw(d, name);
  const m = sampleMoments(xs);
  const seMean = Math.sqrt(d.variance / xs.length);
  const seVar = Math.sqrt(Math.max(m.m4 - m.variance ** 2, 0) / xs.length);
  assert.ok(Math.abs(m.mean - d.mean) <= Z * seMean + 1e-12 * Math.abs(d.mean),
    `${name}: sample mean ${m.mean} vs ${d.mean} (bound ${Z * seMean})`);
  assert.ok(Math.abs(m.variance - d.variance) <= Z * seVar + 1e-12 * d.variance,
    `${name}: sample variance ${m.variance} vs ${d.variance} (bound ${Z * seVar})`);
}

test('moments: uniform, exponential, normal, erlang, weibull, lognormal (light tail) match their mean and variance', () => {
  checkMoments(new Uniform(60, 300), 'uniform');
  checkMoments(new Exponential(1800), 'exponential');
  checkMoments(new Normal(30, 5), 'normal');
  checkMoments(new Normal(-2, 0.1), 'normal-negative-mean');
  checkMoments(new Erlang(2, 1), 'erlang-2');
  checkMoments(new Erlang(7, 40), 'erlang-7');
  checkMoments(new Weibull(1.5, 1000), 'weibull-1.5');
  checkMoments(new Weibull(0.7, 10), 'weibull-0.7');
  checkMoments(Weibull.fromMean(3, 30 * 86400), 'weibull-3-mean');
  checkMoments(new Lognormal(1, 0.5), 'lognormal-0.5');
  checkMoments(new EmpiricalCdf(Float64Array.of(10, 20, 20, 60), Float64Array.of(0, 0.5, 0.7, 1)), 'empirical-cdf');
  checkMoments(new EmpiricalSamples(Float64Array.of(12, 15, 40, 15, 90)), 'empirical-samples');
});

test('moments: a deterministic value is that value, variance 0', () => {
  const d = new Deterministic(42);
  assert.deepEqual([...draw(d, 'det', 10)], Array(10).fill(42));
  assert.equal(d.mean, 42);
  assert.equal(d.variance, 0);
});

test('exact moment formulas: hand values for each distribution', () => {
  assert.equal(new Uniform(0, 6).variance, 3);
  assert.equal(new Exponential(4).variance, 16);
  assert.equal(new Erlang(4, 2).variance, 1);
  // Empirical cdf: half the mass uniform on [10, 20] (mean 15), an atom 0.2 at 20, 0.3 uniform on [20, 60] (mean 40).
  const cdf = new EmpiricalCdf(Float64Array.of(10, 20, 20, 60), Float64Array.of(0, 0.5, 0.7, 1));
  assert.ok(Math.abs(cdf.mean - (0.5 * 15 + 0.2 * 20 + 0.3 * 40)) < 1e-12);
  const ex2 = 0.5 * (100 + 200 + 400) / 3 + 0.2 * 400 + 0.3 * (400 + 1200 + 3600) / 3;
  assert.ok(Math.abs(cdf.variance - (ex2 - cdf.mean ** 2)) < 1e-9);
  // Resampling observed values: the population variance of the values (divisor n).
  const s = new EmpiricalSamples(Float64Array.of(1, 2, 3, 4));
  assert.equal(s.mean, 2.5);
  assert.equal(s.variance, 1.25);
});

test('gammaFn matches known values (used by the Weibull parameterisation)', () => {
  const cases: [number, number][] = [[0.5, Math.sqrt(Math.PI)], [1, 1], [1.5, Math.sqrt(Math.PI) / 2], [5, 24],
    [5 / 3, 0.9027452929509336], [0.3, 2.991568987687591], [10, 362880]];
  for (const [x, g] of cases) assert.ok(Math.abs(gammaFn(x) - g) < 1e-12 * g, `Γ(${x}) = ${gammaFn(x)}, expected ${g}`);
});

test('lognormal from median and sigma: half the draws below the median, ln X has sd sigma', () => {
  const median = 4 * 3600, sigma = 1.4;
  const d = Lognormal.fromMedian(median, sigma);
  assert.ok(Math.abs(d.median - median) < 1e-9 * median);
  assert.ok(Math.abs(d.mean - median * Math.exp(sigma ** 2 / 2)) < 1e-9 * d.mean);
  const xs = draw(d, 'lognormal-median');
  let below = 0;
  const logs = new Float64Array(xs.length);
  xs.forEach((x, i) => { if (x < median) below++; logs[i] = Math.log(x); });
  // Fraction below the median: binomial sd 0.5/√N.
  assert.ok(Math.abs(below / xs.length - 0.5) < Z * 0.5 / Math.sqrt(xs.length), `fraction below median ${below / xs.length}`);
  // ln X ~ Normal(ln median, sigma²): exact (heavy tails of X do not matter on the log scale).
  const m = sampleMoments(logs);
  assert.ok(Math.abs(m.mean - Math.log(median)) < Z * sigma / Math.sqrt(xs.length));
  assert.ok(Math.abs(m.variance - sigma ** 2) < Z * Math.sqrt(2 * sigma ** 4 / xs.length));
});

test('lognormal from mean and cv: the mean and sd/mean are the ones given', () => {
  const mean = 4 * 3600, cv = 2;
  const d = Lognormal.fromMeanCv(mean, cv);
  assert.ok(Math.abs(d.mean - mean) < 1e-9 * mean);
  assert.ok(Math.abs(Math.sqrt(d.variance) / d.mean - cv) < 1e-12);
  assert.ok(Math.abs(d.sigma ** 2 - Math.log(1 + cv * cv)) < 1e-12);
  // E[S] = 1, C² = 4: the M/G/1 validation service time (docs/validation.md item 3).
  const s = Lognormal.fromMeanCv(1, 2);
  assert.ok(Math.abs(s.variance - 4) < 1e-12);
  const logs = draw(s, 'lognormal-meancv').map(Math.log);
  const m = sampleMoments(logs);
  assert.ok(Math.abs(m.mean - s.mu) < Z * s.sigma / Math.sqrt(N));
});

test('weibull from shape and mean: the mean is the one given; shape 1 is the exponential', () => {
  const d = Weibull.fromMean(1.5, 30 * 86400);
  assert.ok(Math.abs(d.mean - 30 * 86400) < 1e-9 * d.mean);
  assert.ok(Math.abs(d.scale - 30 * 86400 / 0.9027452929509336) < 1e-6 * d.scale);
  // Shape 1: P(X > t) = e^{−t/scale}; the same uniform gives the same draw as the exponential.
  const w = new Weibull(1, 7), e = new Exponential(7);
  const r1 = new Streams(5, 0).stream('w1'), r2 = new Streams(5, 0).stream('w1');
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(w.sample(r1) - e.sample(r2)) < 1e-12);
  // Survival at the scale for any shape: P(X > scale) = e^{−1}.
  const xs = draw(new Weibull(2.5, 100), 'weibull-survival');
  const above = xs.filter((x) => x > 100).length / xs.length;
  assert.ok(Math.abs(above - Math.exp(-1)) < Z * Math.sqrt(Math.exp(-1) * (1 - Math.exp(-1)) / xs.length));
});

test('exponential: P(X > mean) = e^{-1} and draws are never negative or infinite', () => {
  const xs = draw(new Exponential(1800), 'exponential-survival');
  const above = xs.filter((x) => x > 1800).length / xs.length;
  assert.ok(Math.abs(above - Math.exp(-1)) < Z * Math.sqrt(Math.exp(-1) * (1 - Math.exp(-1)) / xs.length));
  assert.ok(xs.every((x) => x >= 0 && Number.isFinite(x)));
  // u = 0 must not give log(0): the sampler uses 1 − u ∈ (0, 1].
  assert.ok(new Exponential(3).sample({ next: () => 0 }) === 0);
  assert.ok(Number.isFinite(new Exponential(3).sample({ next: () => 1 - 2 ** -53 })));
});

test('erlang with a large k stays finite (no underflow of the product of uniforms)', () => {
  const d = new Erlang(2000, 10);
  const xs = draw(d, 'erlang-2000', 2000);
  assert.ok(xs.every(Number.isFinite), 'all draws finite');
  const m = sampleMoments(xs);
  assert.ok(Math.abs(m.mean - 10) < Z * Math.sqrt(d.variance / xs.length), `mean ${m.mean}`);
});

test('empirical cdf: draws follow the table (interpolated inside a step, atoms kept)', () => {
  const d = new EmpiricalCdf(Float64Array.of(10, 20, 20, 60), Float64Array.of(0, 0.5, 0.7, 1));
  const xs = draw(d, 'empirical-cdf-shape');
  const frac = (f: (x: number) => boolean) => xs.filter(f).length / xs.length;
  const se = (p: number) => Z * Math.sqrt(p * (1 - p) / xs.length);
  assert.ok(Math.abs(frac((x) => x < 15) - 0.25) < se(0.25));
  assert.ok(Math.abs(frac((x) => x === 20) - 0.2) < se(0.2));
  assert.ok(Math.abs(frac((x) => x > 40) - 0.15) < se(0.15));
  assert.ok(xs.every((x) => x >= 10 && x <= 60));
});

test('bad parameters are refused with the reason', () => {
  assert.throws(() => new Uniform(5, 1), /max 1 < min 5/);
  assert.throws(() => new Exponential(0), /mean must be > 0/);
  assert.throws(() => new Normal(0, -1), /sd must be >= 0/);
  assert.throws(() => Lognormal.fromMedian(0, 1), /median must be > 0/);
  assert.throws(() => new Weibull(0, 1), /shape and scale must be > 0/);
  assert.throws(() => new Erlang(1.5, 1), /k must be a whole number/);
  assert.throws(() => new EmpiricalCdf(Float64Array.of(1, 2), Float64Array.of(0.1, 1)), /p from 0 to 1/);
  assert.throws(() => new EmpiricalCdf(Float64Array.of(3, 2), Float64Array.of(0, 1)), /must not decrease/);
  assert.throws(() => new EmpiricalSamples(new Float64Array(0)), /at least one value/);
});

test('Shares: the first index whose normalised cumulative share exceeds u; zero shares are never drawn', async () => {
  const { Shares } = await import('../../sim/random/distributions.js');
  const mix = new Shares([1, 0, 3]);
  assert.deepEqual([0, 0.2499, 0.25, 0.5, 0.9999].map((u) => mix.pick(u)), [0, 0, 2, 2, 2]);
  assert.equal(new Shares([5]).pick(0.7), 0);
  // Frequencies follow the shares.
  const counts = [0, 0, 0];
  const big = new Shares([0.6, 0.3, 0.1]);
  for (let i = 0; i < 10_000; i++) counts[big.pick((i + 0.5) / 10_000)]++;
  assert.deepEqual(counts, [6000, 3000, 1000]);
});
