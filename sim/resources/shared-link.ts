import type { Handler, Simulation } from '../engine/simulation.js';

/**
 * A link (a NIC, an NFS server, a Glance API) shared by concurrent transfers: processor sharing,
 * max-min fair, with an optional rate cap per flow.
 *
 * Rates (water-filling): with link capacity C and n active flows, the fair level r* is the
 * largest r with Σ min(cap_i, r) ≤ C; flow i gets min(cap_i, r*). Capped flows below the level
 * keep their cap, the others share what is left equally, e.g. C = 10 with caps 2, 3, ∞, ∞ gives
 * 2, 3, 2.5, 2.5. When every flow is capped and the caps sum below C, each runs at its cap.
 *
 * Rates only change when a flow starts, finishes or is aborted, so between changes every flow
 * progresses linearly. On each change the link brings every flow's remaining bytes up to now
 * (O(n)), recomputes the level and keeps ONE pending completion event, at the earliest finish —
 * not one event per flow, which would have to be rescheduled on every change anyway. (A single
 * virtual-time counter — service received by every flow — suffices only when all flows run at
 * the same rate; per-flow caps break that, and at the sizes modelled, tens to a few thousand
 * concurrent flows, the O(n) pass costs less than the events it replaces.)
 *
 * Completion: when that event fires, every flow whose remaining bytes are within a small
 * tolerance of zero (1e-9 of its size, or less than ~1e-14·now seconds of transfer at its
 * rate, i.e. a few ulps of the clock) completes at that same time, in start order, so N equal
 * transfers started together all finish together at N·S/C. The done handler of each is called
 * DIRECTLY (Simulation.fire) inside the link's completion event, after the link's state is
 * updated, so a done handler may start or abort flows on this link.
 *
 * The hot path allocates nothing: flows live in slots of typed arrays (recycled, growing by
 * doubling); flow ids name (slot, generation) so aborting a finished flow is a harmless no-op.
 */
const SLOT_BITS = 24;
const SLOT_LIMIT = 1 << SLOT_BITS;
const SLOT_MASK = SLOT_LIMIT - 1;
// Generations wrap at 2^29 so a token (generation·2^24 + slot) stays below 2^53, an exact double.
// A stale token could only be mistaken for a live one after exactly 2^29 reuses of its slot.
const GEN_MASK = (1 << 29) - 1;
const REL_EPS = 1e-9;
const TIME_EPS = 1e-14;

export class SharedLink implements Handler {
  readonly name: string;
  /** Bytes transferred up to the last start/abort/completion (including the part of aborted flows); transferred() is up to now. */
  bytesDone = 0;
  /** Time with at least one active flow (seconds), up to the last start/abort/completion. */
  busyTime = 0;
  /** Flows completed (not aborted). */
  flowsCompleted = 0;

  private capacityBps: number;
  private readonly sim: Simulation;
  private readonly selfId: number;
  private token = -1;
  private last = 0;
  private totalRate = 0;
  private level = Infinity;

  // Per-slot flow state.
  private size: Float64Array;
  private remaining: Float64Array;
  private cap: Float64Array;
  private rateOf: Float64Array;
  private payload: Float64Array;
  private handler: Int32Array;
  private generation: Uint32Array;
  private active: Uint8Array;
  private free: Int32Array;
  private freeCount = 0;
  private used = 0;

  /** Active slots in start order (completions at one time are notified in this order). */
  private order: Int32Array;
  private n = 0;
  /** Finite caps of active flows, ascending (for the water-filling level). */
  private caps: Float64Array;
  private k = 0;
  /** Scratch for the flows completing in one event. */
  private doneHandler: Int32Array;
  private donePayload: Float64Array;

  constructor(sim: Simulation, capacityBytesPerSec: number, name = 'link', initialFlows = 64) {
    if (!(capacityBytesPerSec > 0) || !Number.isFinite(capacityBytesPerSec)) {
      throw new RangeError(`SharedLink ${name}: capacity must be a positive finite rate, got ${capacityBytesPerSec}`);
    }
    this.sim = sim;
    this.capacityBps = capacityBytesPerSec;
    this.name = name;
    this.selfId = sim.register(this, `${name}.complete`);
    this.last = sim.now;
    const m = Math.max(4, initialFlows);
    this.size = new Float64Array(m);
    this.remaining = new Float64Array(m);
    this.cap = new Float64Array(m);
    this.rateOf = new Float64Array(m);
    this.payload = new Float64Array(m);
    this.handler = new Int32Array(m);
    this.generation = new Uint32Array(m);
    this.active = new Uint8Array(m);
    this.free = new Int32Array(m);
    this.order = new Int32Array(m);
    this.caps = new Float64Array(m);
    this.doneHandler = new Int32Array(m);
    this.donePayload = new Float64Array(m);
  }

  get capacity(): number {
    return this.capacityBps;
  }

  /** Number of flows in progress. */
  get activeFlows(): number {
    return this.n;
  }

  /** The current max-min fair level: the rate of every flow not held lower by its cap. */
  get fairShare(): number {
    return this.level;
  }

  /** Sum of the current flow rates (bytes/s); equals the capacity unless caps hold it lower. */
  get throughput(): number {
    return this.totalRate;
  }

  /**
   * Starts a transfer of `bytes` with an optional per-flow cap (Infinity = none). When it
   * completes, handler `doneHandlerId` fires with `payload`. Returns the flow id.
   */
  start(bytes: number, capBytesPerSec: number, doneHandlerId: number, payload: number): number {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`SharedLink ${this.name}: bytes must be finite and >= 0, got ${bytes}`);
    if (!(capBytesPerSec > 0)) throw new RangeError(`SharedLink ${this.name}: cap must be > 0 (Infinity for none), got ${capBytesPerSec}`);
    this.advance();
    let slot: number;
    if (this.freeCount > 0) slot = this.free[--this.freeCount];
    else {
      if (this.used === this.size.length) this.grow();
      slot = this.used++;
    }
    this.size[slot] = bytes;
    this.remaining[slot] = bytes;
    this.cap[slot] = capBytesPerSec;
    this.payload[slot] = payload;
    this.handler[slot] = doneHandlerId;
    this.active[slot] = 1;
    this.order[this.n++] = slot;
    if (capBytesPerSec !== Infinity) this.insertCap(capBytesPerSec);
    this.reschedule();
    return this.generation[slot] * SLOT_LIMIT + slot;
  }

  /** Stops a flow without notifying it. Returns false when the id names no active flow. */
  abort(flowId: number): boolean {
    const slot = this.slotOf(flowId);
    if (slot < 0) return false;
    this.advance();
    let i = 0;
    while (this.order[i] !== slot) i++;
    this.order.copyWithin(i, i + 1, this.n);
    this.n--;
    this.release(slot);
    this.reschedule();
    return true;
  }

  /** Current rate of a flow in bytes/s (0 when it is not active). */
  rate(flowId: number): number {
    const slot = this.slotOf(flowId);
    return slot < 0 ? 0 : this.rateOf[slot];
  }

  /** Bytes a flow still has to transfer, as of now (0 when it is not active). */
  remainingBytes(flowId: number): number {
    const slot = this.slotOf(flowId);
    if (slot < 0) return 0;
    return Math.max(0, this.remaining[slot] - this.rateOf[slot] * (this.sim.now - this.last));
  }

  isActive(flowId: number): boolean {
    return this.slotOf(flowId) >= 0;
  }

  /** Changes the link capacity from now on (a degraded NIC, a throttled server). */
  setCapacity(capacityBytesPerSec: number): void {
    if (!(capacityBytesPerSec > 0) || !Number.isFinite(capacityBytesPerSec)) {
      throw new RangeError(`SharedLink ${this.name}: capacity must be a positive finite rate, got ${capacityBytesPerSec}`);
    }
    this.advance();
    this.capacityBps = capacityBytesPerSec;
    this.reschedule();
  }

  /** Bytes transferred from time 0 to now, including the progress of flows still active. */
  transferred(): number {
    return this.bytesDone + this.totalRate * (this.sim.now - this.last);
  }

  /**
   * Utilisation of the link over [since, now]: bytes moved / (capacity × elapsed), given
   * `bytesAtSince` = transferred() read at `since`. With the defaults, over [0, now].
   */
  utilisation(since = 0, bytesAtSince = 0): number {
    const span = this.sim.now - since;
    if (!(span > 0)) return 0;
    return (this.transferred() - bytesAtSince) / (this.capacityBps * span);
  }

  /** The completion event (registered by the constructor; model code does not call it). */
  fire(): void {
    this.token = -1;
    this.advance();
    const now = this.sim.now;
    const timeTol = TIME_EPS * Math.max(now, 1);
    const order = this.order;
    let kept = 0;
    let done = 0;
    for (let i = 0; i < this.n; i++) {
      const s = order[i];
      const r = this.remaining[s];
      if (r <= REL_EPS * this.size[s] || r <= this.rateOf[s] * timeTol) {
        this.doneHandler[done] = this.handler[s];
        this.donePayload[done] = this.payload[s];
        done++;
        this.release(s);
      } else order[kept++] = s;
    }
    this.n = kept;
    this.flowsCompleted += done;
    this.reschedule();
    // Local references: a done handler that starts flows may grow (replace) the scratch arrays.
    const dh = this.doneHandler, dp = this.donePayload;
    for (let i = 0; i < done; i++) this.sim.fire(dh[i], dp[i]);
  }

  /** Brings every active flow's remaining bytes and the counters up to now. */
  private advance(): void {
    const now = this.sim.now;
    const dt = now - this.last;
    if (dt > 0 && this.n > 0) {
      const order = this.order, rem = this.remaining, rate = this.rateOf;
      for (let i = 0; i < this.n; i++) {
        const s = order[i];
        const r = rem[s] - rate[s] * dt;
        rem[s] = r > 0 ? r : 0;
      }
      this.bytesDone += this.totalRate * dt;
      this.busyTime += dt;
    }
    this.last = now;
  }

  /** Recomputes the max-min fair rates and moves the one completion event to the earliest finish. */
  private reschedule(): void {
    // Water-filling over the ascending finite caps: a cap below the equal share of what is left
    // is granted in full; the first cap above it fixes the level for everyone else.
    let left = this.capacityBps;
    let m = this.n;
    for (let j = 0; j < this.k; j++) {
      const c = this.caps[j];
      if (c * m > left) break;
      left -= c;
      m--;
    }
    const level = m > 0 ? left / m : Infinity;
    this.level = level;
    let total = 0;
    let soonest = Infinity;
    const order = this.order, rem = this.remaining, rate = this.rateOf, cap = this.cap;
    for (let i = 0; i < this.n; i++) {
      const s = order[i];
      const r = cap[s] < level ? cap[s] : level;
      rate[s] = r;
      total += r;
      const t = rem[s] / r;
      if (t < soonest) soonest = t;
    }
    this.totalRate = total;
    if (this.token >= 0) this.sim.cancel(this.token);
    this.token = soonest === Infinity ? -1 : this.sim.schedule(soonest, this.selfId);
  }

  private slotOf(flowId: number): number {
    const slot = flowId & SLOT_MASK;
    if (!(flowId >= 0) || slot >= this.used || this.active[slot] === 0) return -1;
    return this.generation[slot] === Math.floor(flowId / SLOT_LIMIT) ? slot : -1;
  }

  /** Frees a slot (the caller removes it from `order`). */
  private release(slot: number): void {
    this.active[slot] = 0;
    this.rateOf[slot] = 0;
    this.generation[slot] = (this.generation[slot] + 1) & GEN_MASK;
    this.free[this.freeCount++] = slot;
    const c = this.cap[slot];
    if (c !== Infinity) this.removeCap(c);
  }

  /** First index of the sorted caps holding a value >= c. */
  private lowerBound(c: number): number {
    const caps = this.caps;
    let lo = 0, hi = this.k;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (caps[mid] < c) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  private insertCap(c: number): void {
    const i = this.lowerBound(c);
    this.caps.copyWithin(i + 1, i, this.k);
    this.caps[i] = c;
    this.k++;
  }

  private removeCap(c: number): void {
    const i = this.lowerBound(c);
    this.caps.copyWithin(i, i + 1, this.k);
    this.k--;
  }

  private grow(): void {
    const m = this.size.length * 2;
    if (m > SLOT_LIMIT) throw new RangeError(`SharedLink ${this.name}: more than ${SLOT_LIMIT} concurrent flows`);
    const f64 = (a: Float64Array) => { const b = new Float64Array(m); b.set(a); return b; };
    const i32 = (a: Int32Array) => { const b = new Int32Array(m); b.set(a); return b; };
    this.size = f64(this.size);
    this.remaining = f64(this.remaining);
    this.cap = f64(this.cap);
    this.rateOf = f64(this.rateOf);
    this.payload = f64(this.payload);
    this.handler = i32(this.handler);
    const g = new Uint32Array(m); g.set(this.generation); this.generation = g;
    const a = new Uint8Array(m); a.set(this.active); this.active = a;
    this.free = i32(this.free);
    this.order = i32(this.order);
    this.caps = f64(this.caps);
    this.doneHandler = new Int32Array(m);
    this.donePayload = new Float64Array(m);
  }
}
