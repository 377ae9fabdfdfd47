import { createRequire } from 'node:module';
import type gammaType from '@stdlib/math-base-special-gamma';
import type { Rng } from './streams.js';

/**
 * Distributions as small immutable objects: built once when a model is wired, then `sample`
 * allocates nothing. Parameters are given in the units people use (see spec.ts) and stored in
 * internal units (seconds, bytes). `mean` and `variance` are exact, for tests and validation.
 */
export interface Distribution {
  readonly kind: string;
  readonly mean: number;
  readonly variance: number;
  sample(rng: Rng): number;
}

export class Deterministic implements Distribution {
  readonly kind = 'deterministic';
  readonly variance = 0;
  constructor(readonly mean: number) {}
  sample(): number { return this.mean; }
}

export class Uniform implements Distribution {
  readonly kind = 'uniform';
  constructor(readonly min: number, readonly max: number) {
    if (!(max >= min)) throw new RangeError(`uniform: max ${max} < min ${min}`);
  }
  get mean(): number { return (this.min + this.max) / 2; }
  get variance(): number { return (this.max - this.min) ** 2 / 12; }
  sample(rng: Rng): number { return this.min + (this.max - this.min) * rng.next(); }
}

export class Exponential implements Distribution {
  readonly kind = 'exponential';
  constructor(readonly mean: number) {
    if (!(mean > 0)) throw new RangeError(`exponential: mean must be > 0, got ${mean}`);
  }
  get variance(): number { return this.mean * this.mean; }
  // 1 - u is in (0, 1], so the log is finite.
  sample(rng: Rng): number { return -this.mean * Math.log(1 - rng.next()); }
}

/**
 * A discrete choice by share (flavor mix, image mix): index k with probability share[k] / Σ share,
 * from one uniform u in [0, 1) — the first k whose normalised cumulative share exceeds u.
 */
export class Shares {
  private readonly cum: Float64Array;
  constructor(shares: readonly number[]) {
    const total = shares.reduce((a, b) => a + b, 0);
    this.cum = new Float64Array(shares.length);
    let acc = 0;
    for (let k = 0; k < shares.length; k++) { acc += shares[k] / total; this.cum[k] = acc; }
  }
  pick(u: number): number {
    // The first k with u < cum[k] (the last when rounding leaves u ≥ every cum[k]): a binary
    // search, cum being non-decreasing (an image mix has hundreds of entries).
    let lo = 0, hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < this.cum[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Box–Muller without caching the second variate: one stream position per draw keeps streams aligned across designs. */
function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Normal(mean, sd), optionally truncated to [lo, hi] by clamping: a duration or size drawn from a
 * normal cannot be negative, so scenarios get draws below 0 as 0 (the schema says so). `mean` and
 * `variance` are those of the untruncated normal.
 */
export class Normal implements Distribution {
  readonly kind = 'normal';
  constructor(readonly mean: number, readonly sd: number, readonly lo = -Infinity, readonly hi = Infinity) {
    if (!(sd >= 0)) throw new RangeError(`normal: sd must be >= 0, got ${sd}`);
  }
  get variance(): number { return this.sd * this.sd; }
  sample(rng: Rng): number { return Math.min(this.hi, Math.max(this.lo, this.mean + this.sd * standardNormal(rng))); }
}

/** A distribution whose draws are clamped to [lo, hi] (a fraction drawn from an unbounded distribution). */
export class Clamped implements Distribution {
  readonly kind: string;
  constructor(readonly inner: Distribution, readonly lo: number, readonly hi: number) {
    this.kind = inner.kind;
  }
  get mean(): number { return Math.min(this.hi, Math.max(this.lo, this.inner.mean)); }
  get variance(): number { return this.inner.variance; }
  sample(rng: Rng): number { return Math.min(this.hi, Math.max(this.lo, this.inner.sample(rng))); }
}

/** Lognormal: ln X ~ N(mu, sigma²); median = e^mu. */
export class Lognormal implements Distribution {
  readonly kind = 'lognormal';
  constructor(readonly mu: number, readonly sigma: number) {
    if (!(sigma >= 0)) throw new RangeError(`lognormal: sigma must be >= 0, got ${sigma}`);
  }
  static fromMedian(median: number, sigma: number): Lognormal {
    if (!(median > 0)) throw new RangeError(`lognormal: median must be > 0, got ${median}`);
    return new Lognormal(Math.log(median), sigma);
  }
  /** From the mean and coefficient of variation (sd/mean): sigma² = ln(1 + cv²). */
  static fromMeanCv(mean: number, cv: number): Lognormal {
    if (!(mean > 0)) throw new RangeError(`lognormal: mean must be > 0, got ${mean}`);
    const s2 = Math.log(1 + cv * cv);
    return new Lognormal(Math.log(mean) - s2 / 2, Math.sqrt(s2));
  }
  get median(): number { return Math.exp(this.mu); }
  get mean(): number { return Math.exp(this.mu + this.sigma ** 2 / 2); }
  get variance(): number { return (Math.exp(this.sigma ** 2) - 1) * Math.exp(2 * this.mu + this.sigma ** 2); }
  sample(rng: Rng): number { return Math.exp(this.mu + this.sigma * standardNormal(rng)); }
}

let gamma: typeof gammaType | undefined;
/**
 * Γ(x), from stdlib-js (the Weibull parameterisation needs Γ(1 + 1/k) and Γ(1 + 2/k)), loaded on
 * first use like sim/stats/t.ts's packages.
 */
export function gammaFn(x: number): number {
  gamma ??= createRequire(import.meta.url)('@stdlib/math-base-special-gamma') as typeof gammaType;
  return gamma(x);
}

export class Weibull implements Distribution {
  readonly kind = 'weibull';
  constructor(readonly shape: number, readonly scale: number) {
    if (!(shape > 0 && scale > 0)) throw new RangeError(`weibull: shape and scale must be > 0`);
  }
  static fromMean(shape: number, mean: number): Weibull {
    return new Weibull(shape, mean / gammaFn(1 + 1 / shape));
  }
  get mean(): number { return this.scale * gammaFn(1 + 1 / this.shape); }
  get variance(): number {
    const g1 = gammaFn(1 + 1 / this.shape), g2 = gammaFn(1 + 2 / this.shape);
    return this.scale ** 2 * (g2 - g1 * g1);
  }
  sample(rng: Rng): number { return this.scale * Math.pow(-Math.log(1 - rng.next()), 1 / this.shape); }
}

/** Erlang-k (sum of k exponentials), for M/E_k/1 validation. */
export class Erlang implements Distribution {
  readonly kind = 'erlang';
  constructor(readonly k: number, readonly mean: number) {
    if (!(Number.isInteger(k) && k >= 1 && mean > 0)) throw new RangeError(`erlang: k must be a whole number >= 1 and mean > 0`);
  }
  get variance(): number { return this.mean * this.mean / this.k; }
  sample(rng: Rng): number {
    // Product of uniforms (one log per draw instead of k), folded into a log sum before it can
    // underflow: a plain product of k > ~700 uniforms reaches 0 and the draw would be Infinity.
    let p = 1, logSum = 0;
    for (let i = 0; i < this.k; i++) {
      p *= 1 - rng.next();
      if (p < 1e-280) { logSum += Math.log(p); p = 1; }
    }
    return -(this.mean / this.k) * (logSum + Math.log(p));
  }
}

/**
 * Empirical distribution as a piecewise-linear CDF through points (x_i, p_i), p from 0 to 1.
 * Samples: the CDF of a sample set is the step function; with `samples`, draws resample the
 * observed values uniformly (bootstrap), which is what "replay these measurements" means.
 */
export class EmpiricalCdf implements Distribution {
  readonly kind = 'empirical';
  readonly mean: number;
  readonly variance: number;
  constructor(private readonly xs: Float64Array, private readonly ps: Float64Array) {
    if (xs.length < 2 || ps[0] !== 0 || ps[ps.length - 1] !== 1) throw new RangeError('empirical cdf: needs >= 2 points, p from 0 to 1');
    let m = 0, m2 = 0;
    for (let i = 1; i < xs.length; i++) {
      const w = ps[i] - ps[i - 1];
      if (w < 0 || xs[i] < xs[i - 1]) throw new RangeError('empirical cdf: x and p must not decrease');
      const a = xs[i - 1], b = xs[i];
      m += w * (a + b) / 2;
      m2 += w * (a * a + a * b + b * b) / 3;
    }
    this.mean = m;
    this.variance = m2 - m * m;
  }
  sample(rng: Rng): number {
    const u = rng.next();
    const ps = this.ps, xs = this.xs;
    let lo = 1, hi = ps.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (ps[mid] < u) lo = mid + 1; else hi = mid; }
    const w = ps[lo] - ps[lo - 1];
    return w > 0 ? xs[lo - 1] + (xs[lo] - xs[lo - 1]) * (u - ps[lo - 1]) / w : xs[lo];
  }
}

export class EmpiricalSamples implements Distribution {
  readonly kind = 'empirical';
  readonly mean: number;
  readonly variance: number;
  constructor(private readonly values: Float64Array) {
    if (values.length === 0) throw new RangeError('empirical samples: needs at least one value');
    let m = 0;
    for (const v of values) m += v;
    m /= values.length;
    let s = 0;
    for (const v of values) s += (v - m) ** 2;
    this.mean = m;
    this.variance = s / values.length;
  }
  sample(rng: Rng): number { return this.values[Math.floor(rng.next() * this.values.length)]; }
}
