import type { Simulation } from '../engine/simulation.js';
import { grown } from '../engine/grow.js';

/**
 * A condition that waiters sleep on until someone calls `notifyAll()` (the image is in the
 * cache, the host is back up). Like Limiter grants, wake-ups are scheduled at the current time
 * in the order the waiters arrived, so the notifier's handler finishes first.
 * Waiters live in typed arrays (no allocation per wait once grown).
 */
export class Signal {
  private wHandler = new Int32Array(8);
  private wPayload = new Float64Array(8);
  private count = 0;
  /** Times notifyAll() was called. */
  notifications = 0;

  constructor(private readonly sim: Simulation, readonly name = 'signal') {}

  get waiting(): number {
    return this.count;
  }

  wait(handlerId: number, payload: number): void {
    if (this.count === this.wHandler.length) {
      this.wHandler = grown(this.wHandler, this.count * 2);
      this.wPayload = grown(this.wPayload, this.count * 2);
    }
    this.wHandler[this.count] = handlerId;
    this.wPayload[this.count] = payload;
    this.count++;
  }

  /** Wakes every current waiter (waiters added while waking wait for the next notification). */
  notifyAll(): number {
    const n = this.count;
    this.count = 0;
    this.notifications++;
    for (let i = 0; i < n; i++) this.sim.schedule(0, this.wHandler[i], this.wPayload[i]);
    return n;
  }
}
