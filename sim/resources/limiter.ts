import type { Simulation } from '../engine/simulation.js';
import { TimeWeighted } from './monitors.js';

/**
 * A FIFO concurrency limiter (a counting semaphore with a queue): nova-compute's
 * `max_concurrent_builds`, c servers of a queue, parallel evacuations…
 *
 * `request(handlerId, payload)` asks for one slot. The slot is taken at once when one is free,
 * otherwise the request waits in FIFO order; `release()` hands the freed slot to the oldest
 * waiter. Either way the grant is notified by SCHEDULING handler `handlerId` with `payload` at
 * the current time (sim.schedule(0, …, grantPriority)), never by calling it from inside
 * request()/release(): the requester's own handler finishes first, and grants at one time fire
 * in the order they were made. The slot counts as in use from the moment it is granted.
 *
 * The queue is a ring buffer on typed arrays (grows by doubling): no allocation per request.
 * `busy` and `queue` are time-weighted monitors of slots in use and of waiting requests.
 */
export class Limiter {
  readonly busy: TimeWeighted;
  readonly queue: TimeWeighted;
  /** Requests granted so far. */
  granted = 0;
  private used = 0;
  private qHandler: Int32Array;
  private qPayload: Float64Array;
  private head = 0;
  private count = 0;

  constructor(
    private readonly sim: Simulation,
    private cap: number,
    readonly name = 'limiter',
    private readonly grantPriority = 0,
  ) {
    if (!(cap >= 1) || !Number.isInteger(cap)) throw new RangeError(`Limiter ${name}: capacity must be an integer >= 1, got ${cap}`);
    this.busy = new TimeWeighted(sim);
    this.queue = new TimeWeighted(sim);
    this.qHandler = new Int32Array(16);
    this.qPayload = new Float64Array(16);
  }

  get capacity(): number {
    return this.cap;
  }

  /** Slots granted and not yet released. */
  get inUse(): number {
    return this.used;
  }

  /** Requests waiting for a slot. */
  get queueLength(): number {
    return this.count;
  }

  /** Asks for a slot; handler `handlerId` fires with `payload` once it is granted. */
  request(handlerId: number, payload: number): void {
    if (this.used < this.cap) {
      this.grant(handlerId, payload);
      return;
    }
    if (this.count === this.qHandler.length) this.grow();
    const tail = (this.head + this.count) % this.qHandler.length;
    this.qHandler[tail] = handlerId;
    this.qPayload[tail] = payload;
    this.count++;
    this.queue.set(this.count);
  }

  /** Takes a slot now if one is free (no queueing, no event). */
  tryAcquire(): boolean {
    if (this.used >= this.cap) return false;
    this.used++;
    this.granted++;
    this.busy.set(this.used);
    return true;
  }

  /** Returns a slot; the oldest waiter (if any) gets it. */
  release(): void {
    if (this.used <= 0) throw new Error(`Limiter ${this.name}: release() without a slot in use`);
    this.used--;
    this.busy.set(this.used);
    this.serveQueue();
  }

  /**
   * Removes a waiting request (the requester gave up: its host died, the boot was deleted).
   * Returns false when no such request is waiting (it may already have been granted).
   */
  withdraw(handlerId: number, payload: number): boolean {
    const n = this.qHandler.length;
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) % n;
      if (this.qHandler[at] === handlerId && this.qPayload[at] === payload) {
        for (let j = i; j < this.count - 1; j++) {
          const to = (this.head + j) % n, from = (this.head + j + 1) % n;
          this.qHandler[to] = this.qHandler[from];
          this.qPayload[to] = this.qPayload[from];
        }
        this.count--;
        this.queue.set(this.count);
        return true;
      }
    }
    return false;
  }

  /** Changes the number of slots; extra slots serve waiters at once, fewer slots apply as slots free up. */
  setCapacity(capacity: number): void {
    if (!(capacity >= 1) || !Number.isInteger(capacity)) throw new RangeError(`Limiter ${this.name}: capacity must be an integer >= 1, got ${capacity}`);
    this.cap = capacity;
    this.serveQueue();
  }

  private serveQueue(): void {
    while (this.count > 0 && this.used < this.cap) {
      const h = this.qHandler[this.head], p = this.qPayload[this.head];
      this.head = (this.head + 1) % this.qHandler.length;
      this.count--;
      this.queue.set(this.count);
      this.grant(h, p);
    }
  }

  private grant(handlerId: number, payload: number): void {
    this.used++;
    this.granted++;
    this.busy.set(this.used);
    this.sim.schedule(0, handlerId, payload, this.grantPriority);
  }

  private grow(): void {
    const n = this.qHandler.length;
    const h = new Int32Array(n * 2), p = new Float64Array(n * 2);
    for (let i = 0; i < this.count; i++) {
      h[i] = this.qHandler[(this.head + i) % n];
      p[i] = this.qPayload[(this.head + i) % n];
    }
    this.qHandler = h;
    this.qPayload = p;
    this.head = 0;
  }
}
