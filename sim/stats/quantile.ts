/**
 * The one quantile of the project: linear interpolation between order statistics (R type 7,
 * numpy's default; the definition simple-statistics uses too). For an ascending-sorted sample of
 * any array type; `empty` (NaN unless the caller says otherwise where it calls, e.g. 0 s of
 * freeze when no guest froze) when the sample is empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number, empty = NaN): number {
  const n = sorted.length;
  if (n === 0) return empty;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
