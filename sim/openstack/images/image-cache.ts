import type { Simulation } from '../../engine/simulation.js';

/** State of one image's base file in one host's `_base` directory. */
export const ABSENT = 0;
export const FETCHING = 1;
export const PRESENT = 2;

/**
 * nova-compute's `_base` image cache on every host (docs/openstack-facts.md §9.1), one slot per
 * (host, image) pair, indexed `host * images + image`.
 *
 * - A base is fetched once under a per-image lock: boots arriving while it is FETCHING wait for
 *   that fetch instead of starting their own (imagebackend.py `cache`).
 * - The cache manager runs every `interval` seconds (`manager_interval`; 0 means 60 s) and removes
 *   a base that no instance on the host uses once it has gone `removeAfter` seconds
 *   (`remove_unused_original_minimum_age_seconds`, 86400 s) without use. "Use" is creating an
 *   instance from it, or the manager finding an instance on it (it touches in-use bases), so an
 *   image's age starts when its last instance is gone or it was last booted, whichever is later.
 *   [inferred: nova measures the age by the base file's mtime, refreshed while in use]
 * - All hosts run their pass at the same multiples of the interval (a fluid simplification of
 *   per-host periodic task phases; the pass costs nothing in simulated time).
 * - Passes are only scheduled while some base is present and unused: a pass changes nothing
 *   else (an in-use base's age restarts when its last instance goes, `unuse`), and this way the
 *   manager never keeps a finished simulation running.
 * - A pass does not scan every (host, image) pair: a base becomes unused (`unuse`, `markPresent`)
 *   at `lastUsed = now`, so bases enter the unused queue in order of their last use, and those
 *   old enough to go are a prefix of it. An entry whose base was used again (or removed) since
 *   it was queued no longer matches the base's `lastUsed`/state and is dropped when it reaches
 *   the front. A pass thus costs the entries it removes or drops, not hosts × images.
 *
 * Waiters of a fetch are a singly linked list through an Int32Array owned by the caller's boot
 * index space (`nextWaiter`), so queuing a boot allocates nothing.
 */
export class BaseImageCache {
  readonly state: Uint8Array;
  readonly inUse: Int32Array;
  readonly lastUsed: Float64Array;
  /** First waiting boot of a FETCHING pair (-1: none); the rest follow `nextWaiter`. */
  readonly waitHead: Int32Array;
  readonly waitTail: Int32Array;
  /** Bases removed by the cache manager so far. */
  evictions = 0;
  /** Bases present and used by no instance (what a pass may remove). */
  idle = 0;
  private readonly managerId: number;
  private managerPending = false;
  readonly interval: number;
  /** Unused queue (a ring buffer): pair and its `lastUsed` when it became unused, oldest first. */
  private queuePair = new Int32Array(64);
  private queueStamp = new Float64Array(64);
  private queueHead = 0;
  private queueLength = 0;

  /** `remove = false` (remove_unused_base_images off): bases are never removed, no pass runs. */
  constructor(private readonly sim: Simulation, readonly hosts: number, readonly images: number,
    interval: number, readonly removeAfter: number, private readonly remove = true) {
    const n = hosts * images;
    this.state = new Uint8Array(n);
    this.inUse = new Int32Array(n);
    this.lastUsed = new Float64Array(n);
    this.waitHead = new Int32Array(n).fill(-1);
    this.waitTail = new Int32Array(n).fill(-1);
    this.interval = interval > 0 ? interval : 60;
    this.managerId = sim.addHandler('image-cache-manager', () => this.managerPass());
  }

  pair(host: number, image: number): number {
    return host * this.images + image;
  }

  /** An instance starts using the base of `pair` (it is booted from it). */
  use(pair: number): void {
    if (this.inUse[pair]++ === 0 && this.state[pair] === PRESENT) this.idle--;
    this.lastUsed[pair] = this.sim.now;
  }

  /** An instance using the base of `pair` is deleted. */
  unuse(pair: number): void {
    if (this.inUse[pair] <= 0) throw new Error(`image cache: pair ${pair} released more often than used`);
    this.lastUsed[pair] = this.sim.now;
    if (--this.inUse[pair] === 0 && this.state[pair] === PRESENT) this.becameIdle(pair);
  }

  /** Marks the base present (its fetch finished). */
  markPresent(pair: number): void {
    this.state[pair] = PRESENT;
    this.lastUsed[pair] = Math.max(this.lastUsed[pair], this.sim.now);
    if (this.inUse[pair] === 0) this.becameIdle(pair);
  }

  private becameIdle(pair: number): void {
    this.enqueue(pair, this.lastUsed[pair]);
    this.idle++;
    if (this.remove && !this.managerPending) {
      this.managerPending = true;
      this.sim.at((Math.floor(this.sim.now / this.interval) + 1) * this.interval, this.managerId);
    }
  }

  /**
   * One cache-manager pass over every host: removes every base present, unused and unused for
   * at least `removeAfter` — the front of the unused queue (see the class comment).
   */
  private managerPass(): void {
    const now = this.sim.now;
    const { state, inUse, lastUsed, queuePair, queueStamp } = this;
    const mask = queuePair.length - 1;
    while (this.queueLength > 0) {
      const k = this.queueHead;
      const stamp = queueStamp[k];
      // now − stamp is non-increasing along the queue (stamps are non-decreasing), so the
      // entries old enough to go are a prefix.
      if (!(now - stamp >= this.removeAfter)) break;
      const p = queuePair[k];
      this.queueHead = (k + 1) & mask;
      this.queueLength--;
      if (state[p] !== PRESENT || inUse[p] > 0 || lastUsed[p] !== stamp) continue; // used again or removed since
      state[p] = ABSENT;
      this.evictions++;
      this.idle--;
    }
    if (this.idle > 0) this.sim.schedule(this.interval, this.managerId);
    else this.managerPending = false;
  }

  /** Entries in the unused queue, stale ones included (tests). */
  get queued(): number {
    return this.queueLength;
  }

  private enqueue(pair: number, stamp: number): void {
    if (!this.remove) return;
    let cap = this.queuePair.length;
    if (this.queueLength > 0) {
      const last = this.queueStamp[(this.queueHead + this.queueLength - 1) & (cap - 1)];
      if (stamp < last) throw new Error(`image cache: pair ${pair} became unused at ${stamp}, before the queue's last entry (${last})`);
    }
    if (this.queueLength === cap) {
      // Double, unrolling the ring so the oldest entry is at 0.
      const pairs = new Int32Array(cap * 2), stamps = new Float64Array(cap * 2);
      for (let j = 0; j < cap; j++) {
        const k = (this.queueHead + j) & (cap - 1);
        pairs[j] = this.queuePair[k];
        stamps[j] = this.queueStamp[k];
      }
      this.queuePair = pairs;
      this.queueStamp = stamps;
      this.queueHead = 0;
      cap *= 2;
    }
    const k = (this.queueHead + this.queueLength) & (cap - 1);
    this.queuePair[k] = pair;
    this.queueStamp[k] = stamp;
    this.queueLength++;
  }
}
