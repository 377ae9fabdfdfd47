import { performance } from 'node:perf_hooks';

/** Timing helpers shared by the bench suites: medians, so one disturbed run does not decide a figure. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * CPU milliseconds of the process (user + system, all its threads: V8's GC helpers included)
 * spent in `fn`. On a shared machine the bench rates by CPU time rather than wall time: another
 * process taking the core stretches the wall time of a run but not its CPU time. On an idle
 * machine the two agree within a few percent for these single-threaded runs.
 */
export function cpuMs(fn: () => unknown): number {
  const c0 = cpuNowMs();
  fn();
  return cpuNowMs() - c0;
}

/** The process's CPU clock in ms (user + system), also tinybench's `now` for CPU-time tasks. */
export function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Calls `fn(r)` for r = first … first + reps − 1 and returns the median CPU ms per call (see
 * cpuMs; the figure) and the median wall ms per call (for the notes: how much the load on the
 * machine stretched it).
 */
export function perCall(reps: number, fn: (r: number) => unknown, first = 1): { cpuMedianMs: number; wallMedianMs: number; cpuSamples: number[] } {
  const cpu: number[] = [], wall: number[] = [];
  for (let r = first; r < first + reps; r++) {
    const c0 = cpuNowMs(), t0 = performance.now();
    fn(r);
    wall.push(performance.now() - t0);
    cpu.push(cpuNowMs() - c0);
  }
  return { cpuMedianMs: median(cpu), wallMedianMs: median(wall), cpuSamples: cpu };
}
