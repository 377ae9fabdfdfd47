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
