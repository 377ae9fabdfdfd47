import { createRequire } from 'node:module';
import type tQuantileFn from '@stdlib/stats-base-dists-t-quantile';
import type tCdfFn from '@stdlib/stats-base-dists-t-cdf';
import type normalCdfFn from '@stdlib/stats-base-dists-normal-cdf';
import type normalQuantileFn from '@stdlib/stats-base-dists-normal-quantile';

/**
 * Student-t and normal distribution functions for the confidence intervals of every metric
 * (simple-statistics has no t quantile). The numerics are stdlib-js's (ports of Boost and Cephes,
 * tested against R and SciPy); this file only fixes the edge cases the project relies on:
 * arguments are checked, the quantiles are odd in p − ½ exactly, ν = ∞ is the normal, and the
 * normal quantile is polished with one Halley step on the exact Φ, because stdlib's rational
 * approximation loses ~1e-8 of relative precision in the far tails (Φ⁻¹(1e-10) off by 1.3e-8).
 */
const require = createRequire(import.meta.url);
interface Stdlib { tQuantile: typeof tQuantileFn; tCdf: typeof tCdfFn; normalCdf: typeof normalCdfFn; normalQuantile: typeof normalQuantileFn }
let loaded: Stdlib | undefined;
/**
 * The four packages, loaded on first use: they pull in ~430 small stdlib modules, ~0.4 s of CPU
 * at a process's start, which a process that computes no interval (validate, check, a worker
 * thread, most test files) need not pay.
 */
function stdlib(): Stdlib {
  return loaded ??= {
    tQuantile: require('@stdlib/stats-base-dists-t-quantile'),
    tCdf: require('@stdlib/stats-base-dists-t-cdf'),
    normalCdf: require('@stdlib/stats-base-dists-normal-cdf'),
    normalQuantile: require('@stdlib/stats-base-dists-normal-quantile'),
  };
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`t distribution: degrees of freedom must be > 0, got ${df}`);
}

function checkP(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p must be in [0, 1], got ${p}`);
}

/** Φ(t), the standard normal CDF. */
export function normalCdf(t: number): number {
  return stdlib().normalCdf(t, 0, 1);
}

/** Φ⁻¹(p), the standard normal quantile. */
export function normalQuantile(p: number): number {
  checkP('normalQuantile', p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = stdlib().normalQuantile(p, 0, 1);
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  x -= u / (1 + 0.5 * x * u);
  return x;
}

/** P(T ≤ t) for Student's t with ν = df degrees of freedom. */
export function tCdf(t: number, df: number): number {
  checkDf(df);
  if (df === Infinity) return normalCdf(t);
  return stdlib().tCdf(t, df);
}

/**
 * The p-quantile of Student's t with ν = df degrees of freedom: the t with P(T ≤ t) = p.
 * E.g. tQuantile(0.975, 10) = 2.228139 (the two-sided 95 % critical value).
 */
export function tQuantile(p: number, df: number): number {
  checkDf(df);
  checkP('tQuantile', p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (df === Infinity) return normalQuantile(p);
  return stdlib().tQuantile(p, df);
}
