import { quantileSorted } from './quantile.js';
import { normalQuantile, tQuantile } from './t.js';

/**
 * Statistics of one metric across replications (one value per replication).
 *
 * Decisions, documented because reports and `expect:` bounds rely on them:
 * - `sd` is the sample standard deviation (divisor n − 1); `ci95` = mean ± t(0.975, n−1)·sd/√n,
 *   the Student-t interval for the mean, used for EVERY metric (0/1 metrics included) so all
 *   metrics read the same way.
 * - n = 1: sd = 0 and ci95 = [mean, mean] (one replication says nothing about spread; the
 *   interval is degenerate, not infinite, so it prints and charts, and a bound check on it is
 *   as strict as the single value).
 * - Non-finite values (Infinity = "never reached", NaN = undefined for that replication) are
 *   NOT folded into the moments, where they would turn mean/sd/CI into NaN or Infinity with no
 *   trace. All statistics are of the finite values; `n` counts them and `nonFinite` counts the
 *   rest, so a reader sees "n = 180, nonFinite = 20" instead of a silent NaN. With no finite
 *   value every statistic is NaN (null in JSON).
 * - Quantiles p50/p95/p99: `quantileSorted` (./quantile.ts), linear interpolation between
 *   order statistics (R type 7, numpy's default). min/max are the extreme finite values.
 * - 0/1 metrics: when every finite value is 0 or 1 (and n ≥ 1), `wilson95` is added — the
 *   Wilson score interval for the proportion. When a probability is estimated as 0 (or 1) the
 *   t interval collapses to [0, 0] although the data only show the probability is small;
 *   Wilson's upper bound (≈ 3.84/n at 0 of n, close to the rule of three) says how small.
 *   ci95 keeps the t interval, so the fields' meaning never depends on the metric.
 * Output is a function of the values in order only (plain loops, a numeric sort of a copy):
 * identical inputs give byte-identical JSON.
 */
export interface MetricSummary {
  n: number;
  mean: number;
  sd: number;
  ci95: [number, number];
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  /** Replications whose value was ±Infinity or NaN, left out of every statistic above. */
  nonFinite: number;
  /** Wilson 95 % interval of the proportion; present only when every finite value is 0 or 1. */
  wilson95?: [number, number];
}

export interface PairedDifference {
  /** Pairs used: both values finite. */
  n: number;
  mean: number;
  ci95: [number, number];
  /** Pairs left out because a or b was not finite. */
  nonFinite: number;
}

/** Finite values of `values`, in order, and the count of the others. */
function finite(values: ArrayLike<number>): { xs: Float64Array; nonFinite: number } {
  const xs = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) xs[n++] = v;
  }
  return { xs: xs.subarray(0, n), nonFinite: values.length - n };
}

/** Mean and sample sd (two passes: no catastrophic cancellation as with Σx² − n·mean²). */
function moments(xs: Float64Array): { mean: number; sd: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, sd: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i];
  const mean = sum / n;
  if (n === 1) return { mean, sd: 0 };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (n - 1)) };
}

/** mean ± t(0.975, n−1)·sd/√n; [mean, mean] when n = 1 or sd = 0. */
function tInterval(mean: number, sd: number, n: number): [number, number] {
  if (n === 0) return [NaN, NaN];
  if (n === 1 || sd === 0) return [mean, mean];
  const half = (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return [mean - half, mean + half];
}

/**
 * `proportion`: whether the metric is a 0/1 indicator (e.g. its unit is '0/1'). Left undefined,
 * it is inferred from the values (all 0 or 1), which also tags a count that happened to be 0
 * or 1 in every replication; pass it when the unit is known. `false` never adds wilson95; `true`
 * adds it only if the values really are 0/1.
 */
export function summarize(values: ArrayLike<number>, opts: { proportion?: boolean } = {}): MetricSummary {
  const { xs, nonFinite } = finite(values);
  const n = xs.length;
  const { mean, sd } = moments(xs);
  const sorted = Float64Array.from(xs).sort();
  const q = (p: number): number => quantileSorted(sorted, p);
  const out: MetricSummary = {
    n, mean, sd, ci95: tInterval(mean, sd, n),
    p50: q(0.5), p95: q(0.95), p99: q(0.99),
    min: n ? sorted[0] : NaN, max: n ? sorted[n - 1] : NaN,
    nonFinite,
  };
  let ones = 0, binary = n > 0 && opts.proportion !== false;
  for (let i = 0; i < n && binary; i++) {
    if (xs[i] === 1) ones++;
    else if (xs[i] !== 0) binary = false;
  }
  if (binary) out.wilson95 = proportionCi(ones, n);
  return out;
}

/**
 * Mean and 95 % t interval of the per-replication differences a[i] − b[i]. Index i is the same
 * replication in both designs (same streams: common random numbers), so the pairs share their
 * randomness and the interval is much narrower than comparing two independent CIs. Pairs where
 * either value is not finite are left out and counted.
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): PairedDifference {
  if (a.length !== b.length) {
    throw new RangeError(`pairedDifference: ${a.length} values vs ${b.length} (expected one per replication in both)`);
  }
  const d = new Float64Array(a.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) d[n++] = a[i] - b[i];
  }
  const xs = d.subarray(0, n);
  const { mean, sd } = moments(xs);
  return { n, mean, ci95: tInterval(mean, sd, n), nonFinite: a.length - n };
}

/**
 * Wilson score interval for a proportion (successes of n trials) at confidence `level`. Unlike
 * the normal/t interval it stays inside [0, 1] and does not collapse at 0 or n successes:
 * at 0 of n the upper end is z²/(n + z²) ≈ 3.84/n (the rule of three gives 3/n one-sided).
 */
export function proportionCi(successes: number, n: number, level = 0.95): [number, number] {
  if (!(n > 0)) return [NaN, NaN];
  if (!(successes >= 0 && successes <= n)) throw new RangeError(`proportionCi: ${successes} successes of ${n} trials`);
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamp to the exact ends: at 0 (or n) successes the lower (upper) end is 0 (1) in exact arithmetic.
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === n ? 1 : Math.min(1, centre + half)];
}
