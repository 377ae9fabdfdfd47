import type { Rng } from '../sim/random/streams.js';

/**
 * The practical ceiling for a future-event list in this process: the hold model on a bare
 * binary heap of times in a Float64Array (plus an Int32Array of entity ids), with no priority,
 * no insertion sequence, no cancel, no handler dispatch. Whatever the engine does beyond this
 * (documented tie order, cancellable tokens, handler calls) is what its ratio to this loop costs.
 */
export class HeapLoop {
  private time: Float64Array;
  private id: Int32Array;
  private n = 0;

  constructor(capacity: number) {
    this.time = new Float64Array(capacity);
    this.id = new Int32Array(capacity);
  }

  push(t: number, who: number): void {
    const time = this.time, id = this.id;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (time[parent] <= t) break;
      time[i] = time[parent];
      id[i] = id[parent];
      i = parent;
    }
    time[i] = t;
    id[i] = who;
  }

  /** Removes the minimum; its time and id are left in `lastTime` / `lastId`. */
  lastTime = 0;
  lastId = 0;
  pop(): void {
    const time = this.time, id = this.id;
    this.lastTime = time[0];
    this.lastId = id[0];
    const n = --this.n;
    const t = time[n], who = id[n];
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      if (c + 1 < n && time[c + 1] < time[c]) c++;
      if (time[c] >= t) break;
      time[i] = time[c];
      id[i] = id[c];
      i = c;
    }
    time[i] = t;
    id[i] = who;
  }

  get size(): number {
    return this.n;
  }
}

/**
 * Hold model on the bare heap: `pending` entities, each holding for Exp(mean 1) and then
 * rescheduling itself; runs `events` pops. Returns the final clock (so the work is not dead code).
 */
export function heapHold(pending: number, events: number, rng: Rng): number {
  const h = new HeapLoop(pending);
  for (let i = 0; i < pending; i++) h.push(-Math.log(1 - rng.next()), i);
  let now = 0;
  for (let e = 0; e < events; e++) {
    h.pop();
    now = h.lastTime;
    h.push(now - Math.log(1 - rng.next()), h.lastId);
  }
  return now;
}

/**
 * M/M/c on the bare heap: the ceiling for bench/engine.ts mmcEvents. Arrivals at rate `lambda`,
 * `c` servers of rate `mu`, FIFO, `jobs` arrivals (the first at t = 0, like the engine's).
 * Only arrivals and departures go through the heap (id −1 = the arrival stream, else the job
 * leaving); a service starts inline, on the arrival that finds a free server or on the departure
 * that frees one. Jobs start in arrival order, so the waiting line is the range
 * [started, arrived) of `arrivedAt`. Events are counted as in the engine and in SimPy's
 * bench/simpy/mmc.py: arrival, service start and departure, 3 per job. Returns the mean wait
 * (time in queue) so the work is not dead code and can be checked against Wq = 0.509434.
 */
export function heapMmc(lambda: number, mu: number, c: number, jobs: number, rng: Rng): { events: number; meanWait: number } {
  const h = new HeapLoop(c + 1);
  const arrivedAt = new Float64Array(jobs);
  let arrived = 0, started = 0, busy = 0, totalWait = 0;
  h.push(0, -1);
  while (h.size > 0) {
    h.pop();
    const now = h.lastTime;
    if (h.lastId < 0) {
      arrivedAt[arrived++] = now;
      if (arrived < jobs) h.push(now - Math.log(1 - rng.next()) / lambda, -1);
      if (busy < c) {
        busy++;
        h.push(now - Math.log(1 - rng.next()) / mu, started++);
      }
    } else if (started < arrived) {
      totalWait += now - arrivedAt[started];
      h.push(now - Math.log(1 - rng.next()) / mu, started++);
    } else {
      busy--;
    }
  }
  return { events: 3 * jobs, meanWait: totalWait / jobs };
}
