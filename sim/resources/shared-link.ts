import type { Simulation } from '../engine/simulation.js';
import { grown } from '../engine/grow.js';

/**
 * A link (a NIC, an NFS server, a Glance API, a Ceph network) shared by concurrent transfers:
 * processor sharing, max-min fair, with an optional rate cap per flow.
 *
 * Rates (water-filling): with link capacity C and n active flows, the fair level r* is the
 * largest r with Σ min(cap_i, r) ≤ C; flow i gets min(cap_i, r*). Capped flows below the level
 * keep their cap, the others share what is left equally, e.g. C = 10 with caps 1, 2, ∞, ∞ gives
 * 1, 2, 3.5, 3.5 (and caps 2, 3, ∞, ∞ give 2, 8/3, 8/3, 8/3: the cap of 3 does not bind). When
 * every flow is capped and the caps sum below C, each runs at its cap.
 *
 * One pending completion event, and O(log n) work per start/finish (not O(n)): flows fall in
 * two groups that each have a single clock.
 * - Level flows (cap ≥ r*, uncapped ones included) all run at r*. A virtual clock V advances at
 *   r* (bytes served to each level flow); a level flow that has R bytes left at virtual time V
 *   gets the finish tag F = V + R, and the earliest tag in a heap is the next level finish.
 *   Arrivals and departures change r*, not the tags.
 * - Capped flows (cap < r*) run at their own cap: their absolute finish time T = now + R/cap
 *   sits in a second heap.
 * Caps are kept as classes of equal value (few distinct values in practice: a NIC speed, a
 * convert throughput, one core). Whole classes are capped or not — the capped ones are the
 * smallest values, found by water-filling from where the last change left it — and a class that
 * crosses r* moves its flows between the heaps (converting R), the only O(class size) step.
 * The completion event is at min(T_min, now + (F_min − V)/r*), rescheduled on every change.
 *
 * Completion: every flow within a small tolerance of zero bytes left (1e-9 of its size, or less
 * than ~1e-14·now seconds of transfer at its rate, a few ulps of the clock) completes in the same
 * event, and they are notified in start order, so N equal transfers started together all finish
 * together at N·S/C. The done handler of each is called DIRECTLY (Simulation.fire) inside the
 * link's completion event, after the link's state is updated, so a done handler may start or
 * abort flows on this link. V restarts at 0 whenever no level flow is left, and is rebased to 0
 * when it passes 2^40 bytes, so tags stay small and exact on links that are never idle.
 *
 * The hot path allocates nothing: flows live in slots of typed arrays (recycled, growing by
 * doubling); flow ids name (slot, generation) so aborting a finished flow is a harmless no-op.
 */
const SLOT_BITS = 24;
const SLOT_LIMIT = 1 << SLOT_BITS;
const SLOT_MASK = SLOT_LIMIT - 1;
// Generations wrap at 2^29 so an id (generation·2^24 + slot) stays below 2^53, an exact double.
const GEN_MASK = (1 << 29) - 1;
const REL_EPS = 1e-9;
const TIME_EPS = 1e-14;
const CAPPED = 1, LEVEL = 2;
/** Virtual clock value (bytes) above which tags are rebased to 0 (2^40: ~1e-4 byte resolution). */
const V_REBASE = 2 ** 40;

/** An indexed binary min-heap of flow slots, ordered by (key, start sequence). */
class FlowHeap {
  items: Int32Array;
  size = 0;
  constructor(capacity: number, private readonly link: SharedLink) {
    this.items = new Int32Array(capacity);
  }

  grow(capacity: number): void {
    this.items = grown(this.items, capacity);
  }

  top(): number {
    return this.items[0];
  }

  push(slot: number): void {
    this.up(this.size++, slot);
  }

  remove(slot: number): void {
    const i = this.link.pos[slot];
    const last = this.items[--this.size];
    if (i === this.size) return;
    if (i > 0 && this.before(last, this.items[(i - 1) >> 1])) this.up(i, last);
    else this.down(i, last);
  }

  /** Rebuilds the heap order after items were replaced in bulk (Floyd, O(n)). */
  heapify(): void {
    const pos = this.link.pos;
    for (let i = 0; i < this.size; i++) pos[this.items[i]] = i;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.down(i, this.items[i]);
  }

  private before(a: number, b: number): boolean {
    const key = this.link.key, ka = key[a], kb = key[b];
    return ka < kb || (ka === kb && this.link.seq[a] < this.link.seq[b]);
  }

  private up(i: number, slot: number): void {
    const items = this.items, pos = this.link.pos;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ps = items[p];
      if (!this.before(slot, ps)) break;
      items[i] = ps; pos[ps] = i; i = p;
    }
    items[i] = slot; pos[slot] = i;
  }

  private down(i: number, slot: number): void {
    const items = this.items, pos = this.link.pos, n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.before(items[c + 1], items[c])) c++;
      const cs = items[c];
      if (!this.before(cs, slot)) break;
      items[i] = cs; pos[cs] = i; i = c;
    }
    items[i] = slot; pos[slot] = i;
  }
}

export class SharedLink {
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
  /** Virtual clock: bytes served to each level flow since it last restarted. */
  private v = 0;
  private level = Infinity;
  private n = 0;
  /** Weight of the permanent background demand sharing the level (see setBackground). */
  private background = 0;
  private nextSeq = 0;

  // Per-slot flow state (key: T for capped flows, F for level flows).
  /** @internal */ key: Float64Array;
  /** @internal */ seq: Float64Array;
  /** @internal */ pos: Int32Array;
  private size: Float64Array;
  private cap: Float64Array;
  private payload: Float64Array;
  private handler: Int32Array;
  private generation: Uint32Array;
  private group: Uint8Array;
  private free: Int32Array;
  private freeCount = 0;
  private used = 0;
  private readonly capped: FlowHeap;
  private readonly levelFlows: FlowHeap;

  // Cap classes: distinct finite cap values ascending, with flow counts. The first
  // `cappedClasses` are capped; they hold `cappedCount` flows whose caps sum to `cappedSum`.
  private classValue = new Float64Array(8);
  private classCount = new Int32Array(8);
  private classes = 0;
  private cappedClasses = 0;
  private cappedCount = 0;
  private cappedSum = 0;

  /** Scratch for the flows completing in one event. */
  private doneSlots: Int32Array;
  private doneHandler: Int32Array;
  private donePayload: Float64Array;

  constructor(sim: Simulation, capacityBytesPerSec: number, name = 'link', initialFlows = 64) {
    if (!(capacityBytesPerSec > 0) || !Number.isFinite(capacityBytesPerSec)) {
      throw new RangeError(`SharedLink ${name}: capacity must be a positive finite rate, got ${capacityBytesPerSec}`);
    }
    this.sim = sim;
    this.capacityBps = capacityBytesPerSec;
    this.name = name;
    this.selfId = sim.addHandler(`${name}.complete`, () => this.complete());
    this.last = sim.now;
    const m = Math.max(4, initialFlows);
    this.key = new Float64Array(m);
    this.seq = new Float64Array(m);
    this.pos = new Int32Array(m);
    this.size = new Float64Array(m);
    this.cap = new Float64Array(m);
    this.payload = new Float64Array(m);
    this.handler = new Int32Array(m);
    this.generation = new Uint32Array(m);
    this.group = new Uint8Array(m);
    this.free = new Int32Array(m);
    this.doneSlots = new Int32Array(m);
    this.doneHandler = new Int32Array(m);
    this.donePayload = new Float64Array(m);
    this.capped = new FlowHeap(m, this);
    this.levelFlows = new FlowHeap(m, this);
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
    const nl = this.n - this.cappedCount;
    return this.cappedSum + (nl > 0 ? this.level * nl : 0);
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
    this.cap[slot] = capBytesPerSec;
    this.payload[slot] = payload;
    this.handler[slot] = doneHandlerId;
    this.seq[slot] = this.nextSeq++;
    this.n++;
    if (capBytesPerSec !== Infinity && this.addToClass(capBytesPerSec)) {
      this.group[slot] = CAPPED;
      this.key[slot] = this.sim.now + bytes / capBytesPerSec;
      this.cappedCount++;
      this.cappedSum += capBytesPerSec;
      this.capped.push(slot);
    } else {
      this.group[slot] = LEVEL;
      this.key[slot] = this.v + bytes;
      this.levelFlows.push(slot);
    }
    this.rebalance();
    this.reschedule();
    return this.generation[slot] * SLOT_LIMIT + slot;
  }

  /** Stops a flow without notifying it. Returns false when the id names no active flow. */
  abort(flowId: number): boolean {
    const slot = this.slotOf(flowId);
    if (slot < 0) return false;
    this.advance();
    this.remove(slot);
    this.rebalance();
    this.reschedule();
    return true;
  }

  /** Current rate of a flow in bytes/s (0 when it is not active). */
  rate(flowId: number): number {
    const slot = this.slotOf(flowId);
    if (slot < 0) return 0;
    return this.group[slot] === CAPPED ? this.cap[slot] : this.level;
  }

  /** Bytes a flow still has to transfer, as of now (0 when it is not active). */
  remainingBytes(flowId: number): number {
    const slot = this.slotOf(flowId);
    if (slot < 0) return 0;
    const now = this.sim.now;
    const r = this.group[slot] === CAPPED
      ? (this.key[slot] - now) * this.cap[slot]
      : this.key[slot] - (this.v + this.levelRate() * (now - this.last));
    return r > 0 ? r : 0;
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
    this.rebalance();
    this.reschedule();
  }

  /**
   * Permanent background demand on the link, as `weight` uncapped consumers that never finish: a
   * host's running workload on its cores (`busy_cores`). They take part in the max-min level —
   * each flow not held lower by its cap gets (C − capped flows' caps) ÷ (uncapped flows +
   * weight) — but carry no bytes of their own: throughput, transferred() and utilisation()
   * count the flows only. With every flow capped at c, a flow runs at min(c, C ÷ (n + weight))
   * when the background consumers are capped at c too (threads of one core each: when the
   * level exceeds c they would take more than c each, which changes nothing for the flows).
   * Fractional weights are allowed.
   */
  setBackground(weight: number): void {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`SharedLink ${this.name}: background weight must be finite and >= 0, got ${weight}`);
    if (weight === this.background) return;
    this.advance();
    this.background = weight;
    this.rebalance();
    this.reschedule();
  }

  /** The current background weight. */
  get backgroundWeight(): number {
    return this.background;
  }

  /** Bytes transferred from time 0 to now, including the progress of flows still active. */
  transferred(): number {
    return this.bytesDone + this.throughput * (this.sim.now - this.last);
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

  /** The completion event (added by the constructor; model code does not call it). */
  private complete(): void {
    this.token = -1;
    this.advance();
    const now = this.sim.now;
    const timeTol = TIME_EPS * Math.max(now, 1);
    let done = 0;
    // Capped flows due now (their finish times are absolute).
    while (this.capped.size > 0) {
      const s = this.capped.top();
      const left = (this.key[s] - now) * this.cap[s];
      if (!(left <= REL_EPS * this.size[s] || this.key[s] - now <= timeTol)) break;
      this.doneSlots[done++] = s;
      this.remove(s);
    }
    // Level flows whose tag the virtual clock has reached (plus a few ulps of V itself).
    while (this.levelFlows.size > 0) {
      const s = this.levelFlows.top();
      const left = this.key[s] - this.v;
      if (!(left <= REL_EPS * this.size[s] || left <= this.level * timeTol || left <= this.v * 4e-16)) break;
      this.doneSlots[done++] = s;
      this.remove(s);
    }
    this.flowsCompleted += done;
    this.rebalance();
    this.reschedule();
    // Notify in start order. The slots are free now but their seq/handler/payload stay until a
    // start() reuses them, so copy those out before calling anyone.
    const ds = this.doneSlots, seq = this.seq;
    for (let i = 1; i < done; i++) {
      const s = ds[i], k = seq[s];
      let j = i - 1;
      while (j >= 0 && seq[ds[j]] > k) { ds[j + 1] = ds[j]; j--; }
      ds[j + 1] = s;
    }
    const dh = this.doneHandler, dp = this.donePayload;
    for (let i = 0; i < done; i++) { dh[i] = this.handler[ds[i]]; dp[i] = this.payload[ds[i]]; }
    for (let i = 0; i < done; i++) this.sim.fire(dh[i], dp[i]);
  }

  private levelRate(): number {
    return this.levelFlows.size > 0 ? this.level : 0;
  }

  /** Brings the virtual clock and the counters up to now. */
  private advance(): void {
    const now = this.sim.now;
    const dt = now - this.last;
    if (dt > 0 && this.n > 0) {
      if (this.levelFlows.size > 0) {
        this.v += this.level * dt;
        if (this.v > V_REBASE) this.rebase();
      }
      this.bytesDone += this.throughput * dt;
      this.busyTime += dt;
    }
    this.last = now;
  }

  /**
   * Shifts the virtual clock back to 0 (and every level tag with it) so tags keep their
   * precision on a link that is never idle: at V ≈ 1e18 a double resolves only ~128 bytes.
   */
  private rebase(): void {
    const h = this.levelFlows, key = this.key, v = this.v;
    for (let i = 0; i < h.size; i++) key[h.items[i]] -= v;
    this.v = 0;
    h.heapify(); // rounding may turn distinct tags equal; (key, seq) order is restored
  }

  /** Takes an active flow out of its heap and its cap class, and frees its slot. */
  private remove(slot: number): void {
    const c = this.cap[slot];
    if (this.group[slot] === CAPPED) {
      this.capped.remove(slot);
      this.cappedCount--;
      this.cappedSum -= c;
    } else this.levelFlows.remove(slot);
    if (c !== Infinity) this.removeFromClass(c);
    this.group[slot] = 0;
    this.generation[slot] = (this.generation[slot] + 1) & GEN_MASK;
    this.free[this.freeCount++] = slot;
    this.n--;
    if (this.n === 0) this.cappedSum = 0; // no drift from adding and removing caps
  }

  /**
   * Water-filling from the current split: cap the next class while its cap is within the equal
   * share of what the capped classes leave; uncap the last capped class when it no longer is.
   * The condition is monotone along ascending caps, so this reaches the unique max-min split.
   */
  private rebalance(): void {
    const C = this.capacityBps, bg = this.background;
    for (;;) {
      const m = this.n - this.cappedCount;
      if (this.cappedClasses < this.classes && m > 0) {
        const c = this.classValue[this.cappedClasses];
        if (c * (m + bg) <= C - this.cappedSum) { this.moveClass(this.cappedClasses, CAPPED); this.cappedClasses++; continue; }
      }
      if (this.cappedClasses > 0) {
        const j = this.cappedClasses - 1;
        const c = this.classValue[j], cnt = this.classCount[j];
        if (c * (m + cnt + bg) > C - (this.cappedSum - c * cnt)) { this.moveClass(j, LEVEL); this.cappedClasses--; continue; }
      }
      break;
    }
    const m = this.n - this.cappedCount;
    const left = C - this.cappedSum;
    this.level = m > 0 ? (left > 0 ? left / (m + bg) : 0) : Infinity;
    if (this.levelFlows.size === 0) this.v = 0;
  }

  /** Moves every flow of cap class j into `to`, converting its key at the current time. */
  private moveClass(j: number, to: number): void {
    const c = this.classValue[j], cnt = this.classCount[j];
    const from = to === CAPPED ? this.levelFlows : this.capped;
    const into = to === CAPPED ? this.capped : this.levelFlows;
    const now = this.sim.now, key = this.key, cap = this.cap;
    let kept = 0;
    for (let i = 0; i < from.size; i++) {
      const s = from.items[i];
      if (cap[s] !== c) { from.items[kept++] = s; continue; }
      if (to === CAPPED) {
        const r = key[s] - this.v;
        key[s] = now + (r > 0 ? r : 0) / c;
      } else {
        const r = (key[s] - now) * c;
        key[s] = this.v + (r > 0 ? r : 0);
      }
      this.group[s] = to;
      into.items[into.size++] = s;
    }
    from.size = kept;
    from.heapify();
    into.heapify();
    if (to === CAPPED) { this.cappedCount += cnt; this.cappedSum += c * cnt; }
    else { this.cappedCount -= cnt; this.cappedSum -= c * cnt; }
  }

  /** Counts a flow into the class of cap c (created if new). Returns true when that class is capped. */
  private addToClass(c: number): boolean {
    const i = this.classIndex(c);
    if (i < this.classes && this.classValue[i] === c) {
      this.classCount[i]++;
      return i < this.cappedClasses;
    }
    if (this.classes === this.classValue.length) {
      this.classValue = grown(this.classValue, this.classes * 2);
      this.classCount = grown(this.classCount, this.classes * 2);
    }
    this.classValue.copyWithin(i + 1, i, this.classes);
    this.classCount.copyWithin(i + 1, i, this.classes);
    this.classValue[i] = c;
    this.classCount[i] = 1;
    this.classes++;
    // A new value below the capped boundary is capped: it is smaller than a capped cap.
    if (i < this.cappedClasses) { this.cappedClasses++; return true; }
    return false;
  }

  private removeFromClass(c: number): void {
    const i = this.classIndex(c);
    if (--this.classCount[i] > 0) return;
    this.classValue.copyWithin(i, i + 1, this.classes);
    this.classCount.copyWithin(i, i + 1, this.classes);
    this.classes--;
    if (i < this.cappedClasses) this.cappedClasses--;
  }

  /** First class index with a value >= c. */
  private classIndex(c: number): number {
    let lo = 0, hi = this.classes;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.classValue[mid] < c) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Moves the one completion event to the earliest finish (or drops it when idle). */
  private reschedule(): void {
    let at = Infinity;
    if (this.capped.size > 0) at = this.key[this.capped.top()];
    if (this.levelFlows.size > 0 && this.level > 0) {
      const t = this.sim.now + (this.key[this.levelFlows.top()] - this.v) / this.level;
      if (t < at) at = t;
    }
    if (this.token >= 0) this.sim.cancel(this.token);
    this.token = at === Infinity ? -1 : this.sim.at(at > this.sim.now ? at : this.sim.now, this.selfId);
  }

  private slotOf(flowId: number): number {
    const slot = flowId & SLOT_MASK;
    if (!(flowId >= 0) || slot >= this.used || this.group[slot] === 0) return -1;
    return this.generation[slot] === Math.floor(flowId / SLOT_LIMIT) ? slot : -1;
  }

  private grow(): void {
    const m = this.size.length * 2;
    if (m > SLOT_LIMIT) throw new RangeError(`SharedLink ${this.name}: more than ${SLOT_LIMIT} concurrent flows`);
    this.key = grown(this.key, m);
    this.seq = grown(this.seq, m);
    this.pos = grown(this.pos, m);
    this.size = grown(this.size, m);
    this.cap = grown(this.cap, m);
    this.payload = grown(this.payload, m);
    this.handler = grown(this.handler, m);
    this.generation = grown(this.generation, m);
    this.group = grown(this.group, m);
    this.free = grown(this.free, m);
    this.doneSlots = new Int32Array(m);
    this.doneHandler = new Int32Array(m);
    this.donePayload = new Float64Array(m);
    this.capped.grow(m);
    this.levelFlows.grow(m);
  }
}

/**
 * Limited processor sharing (LPS-k): a SharedLink on which at most `limit` flows are served at
 * once; further flows wait in FIFO order and enter, one per completion, as served flows finish.
 * It is the shape of a backend with a bounded pool of workers in front of a shared resource: an
 * NFS server's nfsd threads, a glance-api node's WSGI worker pool, nova-compute's
 * `max_concurrent_builds` (docs/boot-and-storage.md §3 says which limits the model uses).
 *
 * limit = 1 is an M/G/1 FCFS queue, limit = ∞ the plain processor-sharing link; in between, with
 * Poisson arrivals and exponential sizes, the number in system is that of M/M/1 whatever the
 * limit (the link is work-conserving and service memoryless), so E[T] = E[S]/(1 − ρ).
 *
 * A waiting flow keeps its cap; it is started on the inner link, with its full size, when it
 * enters. The done handler is fired DIRECTLY inside the inner link's completion event, after the
 * next waiting flow (if any) has entered. Nothing is allocated per flow (ring buffer and slot
 * arrays on typed arrays, grown by doubling).
 */
export class LimitedLink {
  readonly link: SharedLink;
  readonly limit: number;
  /** Flows that had to wait for a place, so far. */
  queuedFlows = 0;
  /** Time-integral of the number of waiting flows (seconds × flows), up to the last change. */
  waitArea = 0;
  private readonly sim: Simulation;
  private readonly doneId: number;
  private served = 0;
  private waitChanged = 0;
  // Served flows: slot → (handler, payload); free slots on a stack.
  private sHandler: Int32Array;
  private sPayload: Float64Array;
  private sFree: Int32Array;
  private sFreeCount = 0;
  private sUsed = 0;
  // Waiting flows: a ring buffer.
  private qBytes: Float64Array;
  private qCap: Float64Array;
  private qHandler: Int32Array;
  private qPayload: Float64Array;
  private qHead = 0;
  private qCount = 0;

  constructor(sim: Simulation, capacityBytesPerSec: number, limit: number, name = 'link', initialFlows = 64) {
    if (!(limit >= 1) || !(Number.isInteger(limit) || limit === Infinity)) {
      throw new RangeError(`LimitedLink ${name}: limit must be an integer >= 1 or Infinity, got ${limit}`);
    }
    this.sim = sim;
    this.limit = limit;
    this.link = new SharedLink(sim, capacityBytesPerSec, name, initialFlows);
    this.doneId = sim.addHandler(`${name}.served`, (slot) => this.flowServed(slot));
    const m = Math.max(4, Math.min(initialFlows, limit));
    this.sHandler = new Int32Array(m);
    this.sPayload = new Float64Array(m);
    this.sFree = new Int32Array(m);
    this.qBytes = new Float64Array(16);
    this.qCap = new Float64Array(16);
    this.qHandler = new Int32Array(16);
    this.qPayload = new Float64Array(16);
  }

  get name(): string { return this.link.name; }
  get capacity(): number { return this.link.capacity; }
  /** Flows being served (at most `limit`). */
  get activeFlows(): number { return this.served; }
  /** Flows waiting for a place. */
  get waiting(): number { return this.qCount; }

  /** Starts (or queues) a transfer; handler `doneHandlerId` fires with `payload` when it completes. */
  start(bytes: number, capBytesPerSec: number, doneHandlerId: number, payload: number): void {
    if (this.served < this.limit) {
      this.enter(bytes, capBytesPerSec, doneHandlerId, payload);
      return;
    }
    this.accountWait();
    if (this.qCount === this.qBytes.length) this.growQueue();
    const k = (this.qHead + this.qCount) & (this.qBytes.length - 1);
    this.qBytes[k] = bytes;
    this.qCap[k] = capBytesPerSec;
    this.qHandler[k] = doneHandlerId;
    this.qPayload[k] = payload;
    this.qCount++;
    this.queuedFlows++;
  }

  /** Inner completion of the flow in slot `slot` (added by the constructor). */
  private flowServed(slot: number): void {
    const h = this.sHandler[slot], p = this.sPayload[slot];
    this.sFree[this.sFreeCount++] = slot;
    this.served--;
    if (this.qCount > 0) {
      this.accountWait();
      const k = this.qHead;
      this.qHead = (k + 1) & (this.qBytes.length - 1);
      this.qCount--;
      this.enter(this.qBytes[k], this.qCap[k], this.qHandler[k], this.qPayload[k]);
    }
    this.sim.fire(h, p);
  }

  private enter(bytes: number, cap: number, handler: number, payload: number): void {
    let slot: number;
    if (this.sFreeCount > 0) slot = this.sFree[--this.sFreeCount];
    else {
      if (this.sUsed === this.sHandler.length) this.growSlots();
      slot = this.sUsed++;
    }
    this.sHandler[slot] = handler;
    this.sPayload[slot] = payload;
    this.served++;
    this.link.start(bytes, cap, this.doneId, slot);
  }

  private accountWait(): void {
    const now = this.sim.now;
    this.waitArea += this.qCount * (now - this.waitChanged);
    this.waitChanged = now;
  }

  private growSlots(): void {
    const m = this.sHandler.length * 2;
    this.sHandler = grown(this.sHandler, m);
    this.sPayload = grown(this.sPayload, m);
    this.sFree = grown(this.sFree, m);
  }

  private growQueue(): void {
    const cap = this.qBytes.length, m = cap * 2;
    const b = new Float64Array(m), c = new Float64Array(m), h = new Int32Array(m), p = new Float64Array(m);
    for (let j = 0; j < cap; j++) {
      const k = (this.qHead + j) & (cap - 1);
      b[j] = this.qBytes[k]; c[j] = this.qCap[k]; h[j] = this.qHandler[k]; p[j] = this.qPayload[k];
    }
    this.qBytes = b; this.qCap = c; this.qHandler = h; this.qPayload = p;
    this.qHead = 0;
  }
}
