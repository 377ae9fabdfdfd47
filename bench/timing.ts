import { performance } from 'node:perf_hooks';

/** Timing helpers shared by the bench suites: medians of wall times, so one disturbed run does not decide a figure. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function timeMs(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * Calls `fn(r)` for r = first … first + reps − 1 and returns the median wall ms per call and the
 * mean process CPU ms per call (user time of the whole process: beside the wall time it shows
 * how much a loaded machine inflated the wall time).
 */
export function perCall(reps: number, fn: (r: number) => unknown, first = 1): { medianMs: number; cpuMs: number; samples: number[] } {
  const samples: number[] = [];
  const c0 = process.cpuUsage();
  for (let r = first; r < first + reps; r++) samples.push(timeMs(() => fn(r)));
  return { medianMs: median(samples), cpuMs: process.cpuUsage(c0).user / 1000 / reps, samples };
}
