/**
 * Future-event list: an indexed binary min-heap on flat typed arrays.
 *
 * Order: time, then priority (lower fires first), then insertion sequence (FIFO). That makes
 * equal-time events deterministic and documented: a model that schedules A then B at the same
 * time and priority sees A fire first, always.
 *
 * Each pending event lives in a slot (parallel typed arrays); the heap holds slot numbers and
 * `pos` maps a slot back to its heap position so cancel is O(log n). Slots are recycled through
 * a free list, and arrays only grow (doubling), so steady-state scheduling allocates nothing.
 * Memory per pending event: 8 (time) + 8 (seq) + 8 (payload) + 4 (priority) + 4 (handler)
 * + 4 (generation) + 4 (heap) + 4 (pos) + 4 (free list) = 48 bytes at full occupancy.
 *
 * A token returned by `push` names (slot, generation), so cancelling an event that already fired
 * (whose slot now holds a different event) is a harmless no-op instead of a wrong cancel.
 */
const SLOT_BITS = 24;
const SLOT_LIMIT = 1 << SLOT_BITS;
const SLOT_MASK = SLOT_LIMIT - 1;

export class EventList {
  time: Float64Array;
  seq: Float64Array;
  payload: Float64Array;
  priority: Int32Array;
  handler: Int32Array;
  generation: Uint32Array;
  heap: Int32Array;
  pos: Int32Array;
  free: Int32Array;
  size = 0;
  private freeCount = 0;
  private used = 0; // slots ever handed out
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.time = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.payload = new Float64Array(n);
    this.priority = new Int32Array(n);
    this.handler = new Int32Array(n);
    this.generation = new Uint32Array(n);
    this.heap = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.free = new Int32Array(n);
  }

  get capacity(): number {
    return this.time.length;
  }

  /** Bytes held by the typed arrays (for the bytes-per-pending-event figure). */
  get bytes(): number {
    return this.capacity * 48;
  }

  /** Adds an event; returns a cancel token. */
  push(time: number, handler: number, payload: number, priority: number): number {
    let slot: number;
    if (this.freeCount > 0) slot = this.free[--this.freeCount];
    else {
      if (this.used === this.capacity) this.grow();
      slot = this.used++;
    }
    this.time[slot] = time;
    this.seq[slot] = this.nextSeq++;
    this.payload[slot] = payload;
    this.priority[slot] = priority;
    this.handler[slot] = handler;
    const i = this.size++;
    this.heap[i] = slot;
    this.pos[slot] = i;
    this.siftUp(i);
    return this.generation[slot] * SLOT_LIMIT + slot;
  }

  /** Slot of the earliest event (the heap must not be empty). */
  peek(): number {
    return this.heap[0];
  }

  /** Removes the earliest event and returns its slot; its fields stay readable until the next push. */
  pop(): number {
    const slot = this.heap[0];
    this.removeAt(0);
    return slot;
  }

  /** Cancels a pending event. Returns false when the token no longer names a pending event. */
  cancel(token: number): boolean {
    const slot = token & SLOT_MASK;
    const gen = Math.floor(token / SLOT_LIMIT);
    if (slot >= this.used || this.generation[slot] !== gen || this.pos[slot] < 0) return false;
    this.removeAt(this.pos[slot]);
    return true;
  }

  /** True when the token names an event that has not fired or been cancelled. */
  isPending(token: number): boolean {
    const slot = token & SLOT_MASK;
    return slot < this.used && this.generation[slot] === Math.floor(token / SLOT_LIMIT) && this.pos[slot] >= 0;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) {
      const s = this.heap[i];
      this.pos[s] = -1;
      this.generation[s] = (this.generation[s] + 1) >>> 0;
      this.free[this.freeCount++] = s;
    }
    this.size = 0;
  }

  private removeAt(i: number): void {
    const slot = this.heap[i];
    this.pos[slot] = -1;
    this.generation[slot] = (this.generation[slot] + 1) >>> 0;
    this.free[this.freeCount++] = slot;
    const last = --this.size;
    if (i !== last) {
      const moved = this.heap[last];
      this.heap[i] = moved;
      this.pos[moved] = i;
      if (i > 0 && this.less(moved, this.heap[(i - 1) >> 1])) this.siftUp(i);
      else this.siftDown(i);
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a], tb = this.time[b];
    if (ta !== tb) return ta < tb;
    const pa = this.priority[a], pb = this.priority[b];
    if (pa !== pb) return pa < pb;
    return this.seq[a] < this.seq[b];
  }

  private siftUp(i: number): void {
    const heap = this.heap, pos = this.pos;
    const slot = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (!this.less(slot, p)) break;
      heap[i] = p;
      pos[p] = i;
      i = parent;
    }
    heap[i] = slot;
    pos[slot] = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap, pos = this.pos, n = this.size;
    const slot = heap[i];
    const half = n >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      const right = child + 1;
      if (right < n && this.less(heap[right], heap[child])) child = right;
      const c = heap[child];
      if (!this.less(c, slot)) break;
      heap[i] = c;
      pos[c] = i;
      i = child;
    }
    heap[i] = slot;
    pos[slot] = i;
  }

  private grow(): void {
    const n = this.capacity * 2;
    if (n > SLOT_LIMIT) throw new RangeError(`event list full: more than ${SLOT_LIMIT} pending events`);
    const f64 = (a: Float64Array) => { const b = new Float64Array(n); b.set(a); return b; };
    const i32 = (a: Int32Array, fill = 0) => { const b = new Int32Array(n); if (fill) b.fill(fill); b.set(a); return b; };
    this.time = f64(this.time);
    this.seq = f64(this.seq);
    this.payload = f64(this.payload);
    this.priority = i32(this.priority);
    this.handler = i32(this.handler);
    const g = new Uint32Array(n); g.set(this.generation); this.generation = g;
    this.heap = i32(this.heap);
    this.pos = i32(this.pos, -1);
    this.free = i32(this.free);
  }
}
