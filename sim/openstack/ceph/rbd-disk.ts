import { Groups, bitsFrom, highestBit, lowestBit, lowestSetBits, popcount } from './rbd-bits.js';

/**
 * One thin-provisioned RBD image and the guest filesystem on it, at the granularity the OSDs'
 * object store allocates space in (docs/openstack-facts.md §5, §10; docs/boot-and-storage.md §6): the allocation
 * unit. On FileStore it is the RADOS object (what `rbd du` reports: existing objects); on
 * BlueStore it is `bluestore_min_alloc_size`, never finer than the model block.
 *
 * Bitsets over the disk's filesystem blocks (`blockBytes`, a coarse block: default 1 MiB):
 * - `live`: blocks the guest filesystem holds data in;
 * - `alloc`: blocks whose allocation unit holds space. A unit covers `blocksPerUnit` consecutive
 *   blocks and all of them carry the same bit, so the space used = popcount(alloc) × blockBytes
 *   and every unit update is a few word operations (no per-unit loop).
 * - `touched`: blocks the guest filesystem has ever held data in. Free touched blocks are space
 *   freed by deleted files, where the allocator's reuse writes go (`writeFreed`); never-touched
 *   blocks are reached only by the rotating cursor.
 *
 * Rules, each with its reason:
 * - A write to a block allocates its whole unit. On FileStore the unit is the object: RBD objects
 *   are created on first write. In a clone, the first write to an object still backed by the
 *   parent copies the whole object up (copy-up), so inside the parent overlap a write allocates
 *   the whole object on either store.
 * - Deleting files clears `live` only: Ceph cannot see filesystem deletes (§5).
 * - A discard frees a unit only when one discard request covers all of it. On FileStore that is
 *   the whole object (removed or truncated); a partial discard becomes a zero op, which FileStore
 *   writes as zeroes (`filestore_punch_hole` is off by default), so the object keeps its space.
 *   On BlueStore a partial discard releases the min_alloc units it covers (librbd's zero/truncate
 *   ops become punched holes in the object). Online discard (`mount -o discard`) sends each freed
 *   extent at once, so FileStore objects that empty piece by piece stay while BlueStore units
 *   go; discards shorter than `minDiscardBlocks` are dropped (issue 5); fstrim sends whole free
 *   ranges, so every unit with no live block goes (the block groups with frees since the last
 *   fstrim, as ext4 only re-trims those).
 * - Inside a clone's parent overlap no discard frees space: the child must keep an object there
 *   or reads would fall through to the parent's data [inferred].
 */
export class RbdDisk {
  readonly blocks: number;
  readonly words: number;
  readonly blocksPerObject: number;
  /** Blocks per allocation unit (= blocksPerObject on FileStore). */
  readonly blocksPerUnit: number;
  readonly objects: number;
  /** Parent overlap of a clone, in blocks (whole objects); 0 for a plain image. */
  readonly overlapBlocks: number;
  readonly live: Uint32Array;
  readonly alloc: Uint32Array;
  /** Blocks the guest filesystem has ever held data in (image data included): where freed space is. */
  readonly touched: Uint32Array;
  /** One bit per trim unit (a word, or one object when objects span words) freed since the last fstrim. */
  readonly dirty: Uint32Array;
  /** One bit per word of `live` that has a free block (the cursor skips full words 32 at a time). */
  private readonly notFull: Uint32Array;
  liveBlocks = 0;
  allocBlocks = 0;
  /** Blocks of units freed by discard, cumulative. */
  reclaimedBlocks = 0;
  /** Next-fit position of the fresh-block allocator (a block index). */
  cursor = 0;
  private readonly tailMask: number;
  /** Allocation-unit groups within a word (units of ≤ 32 blocks), else undefined. */
  private readonly groups: Groups | undefined;
  /** Object groups for copy-up inside the parent overlap, when units are smaller than objects. */
  private readonly objectGroups: Groups | undefined;
  /** Units are smaller than objects and the disk has a parent overlap (copy-up differs from a unit write). */
  private readonly splitCopyUp: boolean;
  /** Words per unit when units span several words (blocksPerUnit > 32), else 1. */
  private readonly unitWords: number;
  /** log2(unitWords): a word's trim unit is w >>> unitShift. */
  private readonly unitShift: number;

  constructor(
    provisionedBytes: number,
    readonly objectBytes: number,
    readonly blockBytes: number,
    overlapBytes = 0,
    pool: WordPool = defaultPool,
    /** Allocation unit (bytes): the object on FileStore, max(min_alloc_size, block) on BlueStore. */
    readonly unitBytes = objectBytes,
  ) {
    const bpo = objectBytes / blockBytes;
    if (!(Number.isInteger(bpo) && bpo >= 1 && (bpo & (bpo - 1)) === 0)) {
      throw new RangeError(`object size ${objectBytes} must be a power-of-two multiple of the block size ${blockBytes}`);
    }
    const bpu = unitBytes / blockBytes;
    if (!(Number.isInteger(bpu) && bpu >= 1 && (bpu & (bpu - 1)) === 0 && bpu <= bpo)) {
      throw new RangeError(`allocation unit ${unitBytes} must be a power-of-two multiple of the block size ${blockBytes}, at most the object size ${objectBytes}`);
    }
    this.blocksPerObject = bpo;
    this.blocksPerUnit = bpu;
    this.objects = Math.max(1, Math.ceil(provisionedBytes / objectBytes));
    this.blocks = this.objects * bpo;
    this.words = Math.ceil(this.blocks / 32);
    const rem = this.blocks & 31;
    this.tailMask = rem === 0 ? ~0 : (1 << rem) - 1;
    this.groups = bpu <= 32 ? new Groups(bpu) : undefined;
    this.unitWords = bpu <= 32 ? 1 : bpu / 32;
    this.unitShift = 31 - Math.clz32(this.unitWords);
    this.overlapBlocks = Math.min(this.blocks, Math.ceil(overlapBytes / objectBytes) * bpo);
    this.splitCopyUp = bpu < bpo && this.overlapBlocks > 0;
    this.objectGroups = this.splitCopyUp && bpo <= 32 ? new Groups(bpo) : undefined;
    this.live = pool.acquire(this.words);
    this.alloc = pool.acquire(this.words);
    this.touched = pool.acquire(this.words);
    this.dirty = pool.acquire(Math.ceil(this.words / this.unitWords / 32));
    this.notFull = pool.acquire(Math.ceil(this.words / 32));
    for (let w = 0; w < this.words; w++) this.notFull[w >>> 5] |= 1 << (w & 31);
  }

  get provisionedBytes(): number { return this.blocks * this.blockBytes; }
  /** Allocated units (existing objects on FileStore). */
  get allocatedUnits(): number { return this.allocBlocks / this.blocksPerUnit; }
  /** Space the object store holds for the image: allocated units × unit size (FileStore: what `rbd du` reports). */
  get allocatedBytes(): number { return this.allocBlocks * this.blockBytes; }
  get liveBytes(): number { return this.liveBlocks * this.blockBytes; }

  /** Gives the bitsets back to the pool (the disk must not be used afterwards). */
  release(pool: WordPool = defaultPool): void {
    pool.release(this.live);
    pool.release(this.alloc);
    pool.release(this.touched);
    pool.release(this.dirty);
    pool.release(this.notFull);
  }

  /**
   * The guest writes `n` blocks of new data into the free blocks from the rotating cursor on
   * (next fit, wrapping once): the cursor sweeps the whole disk, so without discard touched
   * blocks climb to the high-water mark. Returns the blocks written (fewer only when the
   * filesystem is full).
   */
  write(n: number): number {
    return this.fill(this.cursor, n, true);
  }

  /**
   * The guest writes up to `n` blocks into freed blocks — free now, held data before — from block
   * `start` on, looking at most `span` words ahead and not past the end; returns the blocks
   * written (the caller puts the rest at the cursor). Never-touched blocks are the cursor's.
   */
  writeFreed(start: number, n: number, span = 64): number {
    const live = this.live, touched = this.touched;
    let w = start >>> 5, mask = bitsFrom(start & 31), remaining = n;
    for (const end = Math.min(this.words, w + span); w < end && remaining > 0; w++, mask = ~0) {
      const freed = touched[w] & ~live[w] & mask;
      if (freed === 0) continue;
      const c = popcount(freed);
      const take = c > remaining ? lowestSetBits(freed, remaining) : freed;
      remaining -= c > remaining ? remaining : c;
      live[w] |= take;
      if (this.wordFull(w)) this.notFull[w >>> 5] &= ~(1 << (w & 31));
      this.allocate(w, take);
    }
    const written = n - remaining;
    this.liveBlocks += written;
    return written;
  }

  /** Blocks `take` of word w were written: their units hold space from now on (written, or a whole object copied up in a clone's overlap). */
  private allocate(w: number, take: number): void {
    const alloc = this.alloc, groups = this.groups;
    if (this.splitCopyUp && (w << 5) < this.overlapBlocks) {
      this.copyUp(w, take);
      return;
    }
    if (groups !== undefined) {
      const fresh = (take === -1 ? -1 : groups.anyOf(take)) & ~alloc[w];
      if (fresh !== 0) {
        alloc[w] |= fresh;
        this.allocBlocks += popcount(fresh);
      }
    } else {
      const g0 = w - (w % this.unitWords);
      if (alloc[g0] === 0) {
        alloc.fill(~0 >>> 0, g0, g0 + this.unitWords);
        this.allocBlocks += this.blocksPerUnit;
      }
    }
  }

  /**
   * A write inside a clone's parent overlap when units are smaller than objects: the written
   * blocks' objects are copied up whole (the overlap ends on an object boundary, so a word's
   * blocks past it are written as plain units).
   */
  private copyUp(w: number, take: number): void {
    const alloc = this.alloc, bpo = this.blocksPerObject;
    const inside = take & this.overlapMask(w), outside = take & ~this.overlapMask(w);
    let fresh = 0;
    if (this.objectGroups !== undefined) fresh = this.objectGroups.anyOf(inside);
    else if (inside !== 0) {
      // Objects span words: copy up the whole object of word w.
      const w0 = w - (w % (bpo / 32));
      for (let k = w0; k < w0 + bpo / 32; k++) {
        const f = ~alloc[k];
        if (f !== 0) { this.allocBlocks += popcount(f); alloc[k] = ~0; }
      }
    }
    if (outside !== 0) fresh |= this.groups !== undefined ? this.groups.anyOf(outside) : 0;
    fresh &= ~alloc[w];
    if (fresh !== 0) {
      alloc[w] |= fresh;
      this.allocBlocks += popcount(fresh);
    }
  }

  /** Data present without a write to this image: a clone's parent data (shared, no object here). */
  markParentData(n: number): void {
    this.fill(this.cursor, Math.min(n, this.overlapBlocks), false);
  }

  /** Core of write: sets up to `n` free blocks from `start` on (wrapping once); the cursor follows. */
  private fill(start: number, n: number, allocate: boolean): number {
    const live = this.live, touched = this.touched, notFull = this.notFull, words = this.words;
    const tailFill = ~this.tailMask; // the last word's bits past the disk's end count as full
    let w = start >>> 5;
    if (w >= words) { w = 0; start = 0; }
    let mask = bitsFrom(start & 31);
    let remaining = n;
    let lastW = -1, lastTake = 0, wrapped = false;
    const startWord = w;
    while (remaining > 0) {
      let free = ~live[w] & mask;
      if (w === words - 1) free &= this.tailMask;
      if (free !== 0) {
        const c = free === -1 ? 32 : popcount(free); // a wholly free word is the common case of fresh writes
        const take = c > remaining ? lowestSetBits(free, remaining) : free;
        remaining -= c > remaining ? remaining : c;
        const now = (live[w] |= take);
        touched[w] |= take;
        if ((w === words - 1 ? now | tailFill : now) === -1) notFull[w >>> 5] &= ~(1 << (w & 31));
        lastW = w;
        lastTake = take;
        if (allocate) this.allocate(w, take);
      }
      mask = ~0;
      // Skip full words 32 at a time; wrap once, back up to the start word. The next word is
      // usually not full (a fresh write sweeps partly used words): tried first without the index.
      let next = w + 1 < words && ~live[w + 1] !== 0 ? w + 1 : this.nextNotFull(w + 1);
      if (next < 0 && !wrapped) {
        wrapped = true;
        next = this.nextNotFull(0);
      }
      if (next < 0 || (wrapped && next > startWord)) break;
      w = next;
    }
    const written = n - remaining;
    this.liveBlocks += written;
    if (lastW >= 0) {
      const end = (lastW << 5) + highestBit(lastTake) + 1;
      this.cursor = end >= this.blocks ? 0 : end;
    }
    return written;
  }

  /**
   * The guest deletes `n` blocks of data: the live blocks from `start` on (wrapping), as a
   * deleted file's extents. `online`: the filesystem discards each freed extent at once.
   * Returns the blocks freed.
   */
  free(start: number, n: number, online: boolean, minDiscardBlocks = 1): number {
    const live = this.live, alloc = this.alloc, words = this.words, groups = this.groups;
    const notFull = this.notFull, dirty = this.dirty, unitShift = this.unitShift;
    let w = (start >>> 5) % words;
    let mask = bitsFrom(start & 31);
    let remaining = n;
    const wordRuns = online && (groups === undefined || minDiscardBlocks > this.blocksPerUnit);
    const wordObjects = online && !wordRuns;
    let runStart = -1, runEnd = -1;
    for (let visited = 0; remaining > 0 && visited <= words; visited++) {
      const x = live[w] & mask;
      if (x !== 0) {
        const c = x === -1 ? 32 : popcount(x);
        const take = c > remaining ? lowestSetBits(x, remaining) : x;
        remaining -= c > remaining ? remaining : c;
        live[w] &= ~take;
        notFull[w >>> 5] |= 1 << (w & 31);
        const u = w >>> unitShift;
        dirty[u >>> 5] |= 1 << (u & 31);
        if (wordObjects) {
          // Fast path: a whole unit freed by this request is inside one discard range.
          const gone = alloc[w] & (take === -1 ? -1 : groups!.allOf(take));
          if (gone !== 0) this.removeObjectsIn(w, gone);
        } else if (wordRuns) {
          // Slow path (units spanning words, or discards dropped below a unit's size):
          // follow the contiguous runs of freed blocks across words.
          let t = take;
          while (t !== 0) {
            const lo = lowestBit(t);
            const rest = ~(t >>> lo);
            const len = rest === 0 ? 32 - lo : lowestBit(rest);
            const s = (w << 5) + lo;
            if (s === runEnd) runEnd = s + len;
            else {
              if (runStart >= 0) this.discardRange(runStart, runEnd, minDiscardBlocks);
              runStart = s;
              runEnd = s + len;
            }
            t = len === 32 ? 0 : t & ~(((1 << len) - 1) << lo);
          }
        }
      }
      mask = ~0;
      if (++w === words) {
        w = 0;
        if (runStart >= 0) this.discardRange(runStart, runEnd, minDiscardBlocks);
        runStart = runEnd = -1;
      }
    }
    if (runStart >= 0) this.discardRange(runStart, runEnd, minDiscardBlocks);
    const freed = n - remaining;
    this.liveBlocks -= freed;
    return freed;
  }

  /** One discard request for blocks [s, e): frees the units it covers whole (§5). */
  private discardRange(s: number, e: number, minDiscardBlocks: number): void {
    if (e - s < minDiscardBlocks) return;
    const bpu = this.blocksPerUnit;
    const firstUnit = Math.max(Math.ceil(s / bpu), Math.ceil(this.overlapBlocks / bpu));
    const endUnit = Math.floor(e / bpu);
    for (let o = firstUnit; o < endUnit; o++) this.removeObject(o);
  }

  /** Frees the allocated units of word w whose blocks are all in `covered` (units within a word). */
  private removeObjectsIn(w: number, covered: number): void {
    const gone = this.alloc[w] & covered & ~this.overlapMask(w);
    if (gone === 0) return;
    this.alloc[w] &= ~gone;
    const k = popcount(gone);
    this.allocBlocks -= k;
    this.reclaimedBlocks += k;
  }

  /** Frees allocation unit o (an object on FileStore). */
  private removeObject(o: number): void {
    const bpo = this.blocksPerUnit, alloc = this.alloc;
    const b = o * bpo;
    if (bpo >= 32) {
      const w = b >>> 5;
      if (alloc[w] === 0) return;
      alloc.fill(0, w, w + bpo / 32);
    } else {
      const w = b >>> 5;
      const m = ((1 << bpo) - 1) << (b & 31);
      if ((alloc[w] & m) === 0) return;
      alloc[w] &= ~m;
    }
    this.allocBlocks -= bpo;
    this.reclaimedBlocks += bpo;
  }

  /** fstrim: every allocated unit without live data (outside a clone's parent overlap) is freed. Returns blocks reclaimed. */
  trim(): number {
    const before = this.reclaimedBlocks;
    const dirty = this.dirty, live = this.live, groups = this.groups, uw = this.unitWords;
    for (let dw = 0; dw < dirty.length; dw++) {
      let d = dirty[dw];
      while (d !== 0) {
        const bit = lowestBit(d);
        d &= d - 1;
        const u = (dw << 5) + bit;
        if (groups !== undefined) {
          this.removeObjectsIn(u, ~groups.anyOf(live[u]));
        } else {
          const w0 = u * uw;
          let any = 0;
          for (let w = w0; w < w0 + uw; w++) any |= live[w];
          if (any === 0 && (w0 << 5) >= this.overlapBlocks) this.removeObject((w0 << 5) / this.blocksPerUnit);
        }
      }
      dirty[dw] = 0;
    }
    return this.reclaimedBlocks - before;
  }

  /** The first word from `from` on with a free block, or -1. */
  private nextNotFull(from: number): number {
    if (from >= this.words) return -1;
    const nf = this.notFull;
    let sw = from >>> 5;
    let m = nf[sw] & bitsFrom(from & 31);
    while (m === 0) {
      if (++sw >= nf.length) return -1;
      m = nf[sw];
    }
    return (sw << 5) + lowestBit(m);
  }

  private wordFull(w: number): boolean {
    const m = w === this.words - 1 ? this.tailMask : ~0;
    return (this.live[w] & m) === m;
  }

  /** Blocks of word w inside the parent overlap. */
  private overlapMask(w: number): number {
    const ob = this.overlapBlocks;
    const ow = ob >>> 5;
    if (w < ow) return ~0;
    if (w > ow) return 0;
    const r = ob & 31;
    return r === 0 ? 0 : (1 << r) - 1;
  }

  /** Whether block b holds live data / belongs to an existing object (for tests and tracing). */
  isLive(b: number): boolean { return (this.live[b >>> 5] & (1 << (b & 31))) !== 0; }
  isAllocated(b: number): boolean { return (this.alloc[b >>> 5] & (1 << (b & 31))) !== 0; }
  isTouched(b: number): boolean { return (this.touched[b >>> 5] & (1 << (b & 31))) !== 0; }
}

/**
 * Reuses bitset arrays between disks and replications, so a replication that creates thousands of
 * 100 GiB disks does not allocate (and zero) tens of megabytes each time. Arrays come back zeroed.
 */
export class WordPool {
  private readonly free = new Map<number, Uint32Array[]>();
  acquire(words: number): Uint32Array {
    const list = this.free.get(words);
    const a = list?.pop();
    return a ?? new Uint32Array(words);
  }
  release(a: Uint32Array): void {
    a.fill(0);
    let list = this.free.get(a.length);
    if (list === undefined) this.free.set(a.length, (list = []));
    if (list.length < 8192) list.push(a);
  }
}

export const defaultPool = new WordPool();
