/**
 * The one quantile of the project: linear interpolation between order statistics (R type 7,
 * numpy's default; the definition simple-statistics uses too). For an ascending-sorted sample of
 * any array type; NaN when the sample is empty — a caller that wants another value for "no data"
 * (0 freezes when no guest froze) says so where it calls.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
