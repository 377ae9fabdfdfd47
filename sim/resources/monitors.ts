/**
 * Statistics collected inside one replication (allocation-free updates).
 *
 * TimeWeighted: the time average of a piecewise-constant level — servers busy, queue length,
 * instances down — as ∫ level dt / elapsed. Utilisation is the time-weighted mean of "busy
 * servers / servers"; Lq is the time-weighted mean of the queue length. `reset()` drops a
 * warm-up period while keeping the current level.
 *
 * Tally: count, mean and variance of observations (wait times, boot times) by Welford's update,
 * which stays accurate where the naive Σx² − n·mean² loses all digits (large means, small spread).
 */
export interface Clock {
  readonly now: number;
}

export class TimeWeighted {
  private level: number;
  private area = 0;
  private since: number;
  private start: number;
  /** Largest level seen since the last reset. */
  max: number;

  constructor(private readonly clock: Clock, initial = 0) {
    this.level = initial;
    this.since = this.start = clock.now;
    this.max = initial;
  }

  /** The current level. */
  get value(): number {
    return this.level;
  }

  /** Sets the level from now on. */
  set(value: number): void {
    const now = this.clock.now;
    this.area += this.level * (now - this.since);
    this.since = now;
    this.level = value;
    if (value > this.max) this.max = value;
  }

  add(delta: number): void {
    this.set(this.level + delta);
  }

  /** ∫ level dt from the last reset to now. */
  integral(): number {
    return this.area + this.level * (this.clock.now - this.since);
  }

  /** Time elapsed since the last reset. */
  elapsed(): number {
    return this.clock.now - this.start;
  }

  /** Time-weighted mean since the last reset (the current level when no time has passed). */
  mean(): number {
    const span = this.elapsed();
    return span > 0 ? this.integral() / span : this.level;
  }

  /** Starts a new observation window now (e.g. after a warm-up), keeping the current level. */
  reset(): void {
    this.area = 0;
    this.since = this.start = this.clock.now;
    this.max = this.level;
  }
}

export class Tally {
  count = 0;
  private m = 0;
  private s = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;

  add(x: number): void {
    this.count++;
    this.sum += x;
    const d = x - this.m;
    this.m += d / this.count;
    this.s += d * (x - this.m);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** Mean of the observations (NaN when there are none). */
  get mean(): number {
    return this.count > 0 ? this.m : NaN;
  }

  /** Sample variance (n − 1 denominator; NaN below two observations). */
  get variance(): number {
    return this.count > 1 ? this.s / (this.count - 1) : NaN;
  }

  get sd(): number {
    return Math.sqrt(this.variance);
  }

  reset(): void {
    this.count = 0;
    this.m = this.s = this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}
