import type { Rng } from '../../random/streams.js';
import type { ComputeState } from './compute-state.js';
import { BLOCK, HostIndex, HostIndexes, SUPER, Summaries, type Weighing } from './host-index.js';

/**
 * Placement's order of allocation candidates for one request shape: hosts by a 32-bit hash of
 * (key, host, MEMORY_MB, VCPU). Since Stein placement builds the candidates in a Python set
 * whose members hash (provider id, resource class, amount) with the process's string-hash seed
 * (docs/scale.md §2): a fixed, pseudo-random order per placement process and request shape.
 * `key` stands for that seed.
 */
export function placementOrder(key: number, hostCount: number, ramMb: number, vcpus: number): Int32Array {
  const hash = new Uint32Array(hostCount);
  for (let h = 0; h < hostCount; h++) {
    let x = key ^ Math.imul(h + 1, 0x9e3779b1) ^ Math.imul(ramMb | 0, 0x85ebca6b) ^ Math.imul(vcpus | 0, 0xc2b2ae35);
    x ^= x >>> 16; x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15; x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    hash[h] = x >>> 0;
  }
  // Hosts by hash: a radix sort, 11 bits a pass (~3× faster on 10,000 hosts than the sort of
  // doubles hash · 2^21 + host it replaced). For one key and shape the hash is a bijection of the
  // host number (odd multiplier, xor-shift-multiply steps), so no two hosts tie.
  let order = new Int32Array(hostCount), spare = new Int32Array(hostCount);
  for (let h = 0; h < hostCount; h++) order[h] = h;
  const count = new Int32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let p = 0; p < hostCount; p++) count[(hash[order[p]] >>> shift) & 2047]++;
    for (let d = 0, sum = 0; d < 2048; d++) { const c = count[d]; count[d] = sum; sum += c; }
    for (let p = 0; p < hostCount; p++) { const h = order[p]; spare[count[(hash[h] >>> shift) & 2047]++] = h; }
    const t = order; order = spare; spare = t;
  }
  return order;
}

/**
 * Bounds kept from earlier placements on one index: superBound[S] (and blockBound[b]) were
 * computed for the weighing in `scales` when the index's change counter of S (of b) read
 * superVersion[S] (blockVersion[b]). In a burst of evacuations the scales rarely move (the
 * extremes over passing hosts stay put) and a placement changes one superblock, so most bounds
 * are reused: same inputs, same value.
 */
class Search {
  /** The request shape of a shape's index (−1: the index in the hosts' own order). */
  readonly superBound: Float64Array;
  readonly superVersion: Float64Array;
  readonly blockBound: Float64Array;
  readonly blockVersion: Float64Array;
  readonly blockIsExact: Uint8Array;
  readonly scales = new Float64Array(5).fill(NaN);

  constructor(readonly index: HostIndex, readonly ramMb = -1, readonly vcpus = -1) {
    const nb = index.blocks.count, ns = index.supers.count;
    this.superBound = new Float64Array(ns);
    this.superVersion = new Float64Array(ns).fill(-1);
    this.blockBound = new Float64Array(nb);
    this.blockVersion = new Float64Array(nb).fill(-1);
    this.blockIsExact = new Uint8Array(nb);
  }

  /** Forgets every bound unless they were computed for this weighing. */
  use(w: Weighing): void {
    const sc = this.scales;
    if (Object.is(sc[0], w.ramLow) && Object.is(sc[1], w.ramScale) && Object.is(sc[2], w.cpuLow)
      && Object.is(sc[3], w.cpuScale) && Object.is(sc[4], w.ioScale)) return;
    sc[0] = w.ramLow; sc[1] = w.ramScale; sc[2] = w.cpuLow; sc[3] = w.cpuScale; sc[4] = w.ioScale;
    this.superVersion.fill(-1);
    this.blockVersion.fill(-1);
  }
}

/** The passing candidates' extremes the weighing reads (Scheduler.passing). */
const enum Passing { MaxRam = 0, MinRam = 1, MaxCpu = 2, MinCpu = 3, MaxIo = 4 }

/** Pass 1's verdict on a block or superblock. */
const enum Pass {
  /** No host passes (or none is a candidate). */
  None = 0,
  /** Some hosts pass: weigh them one by one. */
  Some = 1,
  /** Every eligible host passes. */
  All = 2,
  /** Some hosts pass (a superblock's maxima do); its blocks are sorted out when it is weighed. */
  Lazy = 3,
}

export interface SchedulerOptions {
  /** false: every placement goes through selectScan (tests). */
  indexed?: boolean;
  /**
   * Placement's randomness (stream `placement`): the key of its candidate order, drawn once,
   * or the samples of randomize_allocation_candidates. Without it the key is 0.
   */
  placement?: Rng;
}

/**
 * nova's filter scheduler for one instance (docs/openstack-facts.md §6.1, §7):
 *
 * - placement: MEMORY_MB and VCPU fit (used + requested ≤ capacity, requested ≤ max_unit), and
 *   at most `max_placement_results` candidates (docs/scale.md): the first in placement's order
 *   (placementOrder) that it offers — enabled hosts that fit, in the requested zone — or, with
 *   randomize_allocation_candidates, a uniform sample of them. Only those are filtered and
 *   weighed: with more hosts than the limit, which hosts a request sees depends on its shape;
 * - ComputeFilter: service up AND enabled;
 * - `ignore_hosts` (the evacuation source), AvailabilityZone, ServerGroupAntiAffinity;
 * - RAMWeigher on physical free RAM (total − reserved − used, NOT scaled by the ratio, §13.2),
 *   CPUWeigher on vcpus × ratio − used and IoOpsWeigher on num_io_ops (ComputeState.ioOps), each
 *   normalised as nova's weights.py does with minval 0: (x − min(0, xmin)) / (xmax − min(0, xmin)),
 *   all equal ⇒ 0; times its multiplier; summed in that order. The I/O count is never negative,
 *   so its normalisation is io / iomax. (DiskWeigher: not modelled, hosts have no disk size);
 * - the winner is drawn uniformly among the `host_subset_size` best (ties keep host order, as
 *   Python's stable sort does); the caller claims it before the next request, which is how the
 *   instances of one request consume host state one after another.
 *
 * `select` works on a HostIndex: the hosts' own order, or with more hosts than the limit one
 * index per request shape in placement's order, so that the candidates are a prefix of its
 * positions (HostIndex.candidatesEnd). Pass 1 takes the weighers' extremes over the passing
 * candidates a whole superblock (or block) at a time where every host passes; pass 2 weighs the
 * superblock with the best exact bound first, then skips superblocks, and within a superblock
 * blocks, whose weight bound cannot beat the k-th best. `selectScan` recomputes everything from
 * the raw host state, host by host: it is the reference `select` is tested against
 * (test/evacuation/scheduler.test.ts, test/evacuation/placement-limit.test.ts).
 */
export class Scheduler {
  private readonly mark: Int32Array;
  private stamp = 0;
  private ignore = -1;
  private readonly excluded: Int32Array;
  private nExcluded = 0;
  /** Positions of the excluded hosts that are eligible and among the candidates (set by select). */
  private readonly spoilers: Int32Array;
  private nSpoilers = 0;
  private readonly cand: Int32Array;
  private readonly bestHosts: Int32Array;
  private readonly bestWeights: Float64Array;
  private readonly isExcluded = (h: number): boolean => h === this.ignore || this.mark[h] === this.stamp;
  private readonly blockStatus: Uint8Array;
  private readonly cheapBound: Float64Array;
  private readonly superStatus: Uint8Array;
  private readonly superByBlocks: Uint8Array;
  /** Extremes of the passing candidates (pass 1): what the weighing reads, indexed by `Passing`. */
  private readonly passing = new Float64Array(5);
  private countExact = true;
  /** Pass 1: blocks whose look is put off, and hosts counted by scanPassing. */
  private readonly deferred: Int32Array;
  private counted = 0;
  private readonly w: Weighing = { ramLow: 0, ramScale: 0, cpuLow: 0, cpuScale: 0, ioScale: 0 };
  /** Candidates placement returns per request (Infinity: every host). */
  private readonly limit: number;
  /** More hosts than the limit: the order of placement's candidates matters. */
  private readonly limited: boolean;
  private readonly scanOnly: boolean;
  private readonly orderKey: number;
  private readonly indexes: HostIndexes | undefined;
  /** The index in the hosts' own order (no limit), or one per request shape (limited). */
  private readonly whole: Search | undefined;
  private readonly shapes: Search[] = [];
  private readonly orders = new Map<number, Int32Array>();
  /** Index and end of the candidates of the current placement. */
  private search!: Search;
  private ix!: HostIndex;
  private end = 0;
  /** Number of placements asked for (for benches). */
  requests = 0;

  constructor(private readonly s: ComputeState, private readonly rng: Rng | undefined, private readonly options: SchedulerOptions = {}) {
    const H = s.hostCount;
    this.mark = new Int32Array(H);
    this.cand = new Int32Array(H);
    this.excluded = new Int32Array(H + 1);
    this.spoilers = new Int32Array(H + 1);
    const k = Math.max(1, s.nova.hostSubsetSize);
    this.bestHosts = new Int32Array(k);
    this.bestWeights = new Float64Array(k);
    const nb = Math.ceil(H / BLOCK);
    this.blockStatus = new Uint8Array(nb);
    this.cheapBound = new Float64Array(nb);
    this.deferred = new Int32Array(nb);
    this.superStatus = new Uint8Array(Math.ceil(nb / SUPER));
    this.superByBlocks = new Uint8Array(this.superStatus.length);
    this.limit = s.nova.maxPlacementResults;
    this.limited = this.limit < H;
    const sample = this.limited && s.nova.randomizeAllocationCandidates;
    this.scanOnly = options.indexed === false || sample;
    this.orderKey = this.limited && !sample && options.placement !== undefined ? (options.placement.next() * 2 ** 32) | 0 : 0;
    if (this.scanOnly) return;
    // A state reused across replications keeps its indexes (same hosts, same settings), which a
    // new scheduler rebuilds from the state: the whole one at once, a shape's in this run's order
    // at its first request (workingState copies the state in while they are released).
    const kept = s.index;
    this.indexes = kept ?? new HostIndexes(H);
    kept?.release();
    s.index = this.indexes;
    if (!this.limited) {
      let ix = this.indexes.reuse();
      if (ix === undefined) { ix = new HostIndex(s); this.indexes.add(ix); } else ix.rebuild();
      this.whole = new Search(ix);
    }
  }

  /** The index of a request shape, in placement's order (built at its first request). */
  private shape(ramMb: number, vcpus: number): Search {
    // A cloud has a handful of flavors: a linear search beats hashing the pair.
    const shapes = this.shapes;
    for (let i = 0; i < shapes.length; i++) {
      const sh = shapes[i];
      if (sh.ramMb === ramMb && sh.vcpus === vcpus) return sh;
    }
    const order = this.order(ramMb, vcpus);
    let ix = this.indexes!.reuse(ramMb, vcpus);
    if (ix === undefined) { ix = new HostIndex(this.s, order, { ramMb, vcpus }); this.indexes!.add(ix); }
    else ix.layout(order);
    const sh = new Search(ix, ramMb, vcpus);
    shapes.push(sh);
    return sh;
  }

  private order(ramMb: number, vcpus: number): Int32Array {
    const key = ramMb * 65536 + vcpus;
    let o = this.orders.get(key);
    if (o === undefined) {
      o = placementOrder(this.orderKey, this.s.hostCount, ramMb, vcpus);
      this.orders.set(key, o);
    }
    return o;
  }

  /** Marks the hosts excluded by ignore_hosts and the anti-affinity group. */
  private exclusions(ignoreHost: number, group: number, self: number): void {
    const s = this.s;
    this.stamp++;
    this.ignore = ignoreHost;
    this.nExcluded = 0;
    if (ignoreHost >= 0) this.excluded[this.nExcluded++] = ignoreHost;
    if (group < 0) return;
    const members = s.groups[group];
    for (let m = 0; m < members.length; m++) {
      const i = members[m];
      const h = s.hostOf[i];
      if (i !== self && s.groupOf[i] === group && h >= 0 && this.mark[h] !== this.stamp) {
        this.mark[h] = this.stamp;
        this.excluded[this.nExcluded++] = h;
      }
    }
  }

  /**
   * Chooses a host for a `ramMb`/`vcpus` request, or returns −1 (NoValidHost).
   * `ignoreHost`: −1 or the host to exclude; `group`: −1 or an anti-affinity group whose
   * members' hosts are excluded (`self` is not counted); `az`: −1 or the requested zone.
   */
  select(ramMb: number, vcpus: number, ignoreHost: number, group: number, az: number, self = -1): number {
    if (this.scanOnly) return this.selectScan(ramMb, vcpus, ignoreHost, group, az, self);
    this.requests++;
    this.exclusions(ignoreHost, group, self);
    const search = this.limited ? this.shape(ramMb, vcpus) : this.whole!;
    const ix = search.index;
    this.search = search;
    this.ix = ix;
    if (this.limited && az < 0) this.end = ix.flushCandidates(this.limit);
    else {
      // A zone's candidates are counted from the summaries: every position must be current.
      ix.flush();
      this.end = this.limited ? ix.candidatesEnd(ramMb, vcpus, az, this.limit) : ix.hostCount;
    }
    // The excluded hosts that spoil a range: eligible ones among the candidates (an evacuation's
    // source is down, so usually none).
    let nSpoil = 0;
    for (let x = 0; x < this.nExcluded; x++) {
      const p = ix.positionOf[this.excluded[x]];
      if (p < this.end && ix.ramSlack[p] !== -Infinity) this.spoilers[nSpoil++] = p;
    }
    this.nSpoilers = nSpoil;
    // Superblocks from the candidates' end on hold no candidate: pass 1 leaves them out.
    const ns = Math.min(ix.supers.count, Math.ceil(this.end / (SUPER * BLOCK))), sStatus = this.superStatus, subset = this.s.nova.hostSubsetSize;
    let count = this.extremes(ramMb, vcpus, az, true);
    // Some blocks were counted as one host (see extremes): count exactly when that matters.
    if (count < subset && !this.countExact) count = this.extremes(ramMb, vcpus, az, false);
    if (count === 0) return -1;
    const w = this.weighing(this.passing);
    const k = Math.min(subset, count);
    // Pass 2: branch and bound, the superblock with the best exact bound first; a superblock
    // (then a block) is skipped when its bound cannot beat the k-th best found so far. Bounds
    // of superblocks and blocks unchanged since an earlier placement weighed with the same
    // scales are taken from then.
    search.use(w);
    const sBound = search.superBound, sVer = search.superVersion;
    let first = -1, firstBound = -Infinity;
    const byBlocks = this.superByBlocks;
    for (let S = 0; S < ns; S++) {
      if (sStatus[S] === Pass.None) continue;
      if (sVer[S] === ix.supers.version[S]) byBlocks[S] = 0;
      else {
        byBlocks[S] = ix.superBound(S, w, sBound, search.blockBound, search.blockVersion) ? 1 : 0;
        sVer[S] = ix.supers.version[S];
      }
      if (sBound[S] > firstBound) { firstBound = sBound[S]; first = S; }
    }
    let filled = this.scanSuper(first, 0, k, ramMb, vcpus, az, w);
    const bw = this.bestWeights, bh = this.bestHosts;
    for (let S = 0; S < ns; S++) {
      if (sStatus[S] === Pass.None || S === first) continue;
      if (filled === k) {
        // Skip a superblock that cannot beat the k-th best, nor tie it at an earlier position.
        const kth = bw[k - 1], later = S * SUPER * BLOCK > bh[k - 1];
        if (sBound[S] < kth || (sBound[S] === kth && later)) continue;
      }
      filled = this.scanSuper(S, filled, k, ramMb, vcpus, az, w);
    }
    return ix.hostAt[this.pick(filled)];
  }

  /**
   * Pass 1: the weighers' extremes over passing candidates (into `passing`), a whole superblock
   * (or block) at a time when every host in it passes; returns how many hosts pass (a lower
   * bound when `countExact` is false) and marks the superblocks and blocks to weigh.
   */
  private extremes(ramMb: number, vcpus: number, az: number, shortcut: boolean): number {
    const ix = this.ix, B = ix.blocks, Sp = ix.supers, end = this.end, acc = this.passing;
    const status = this.blockStatus, sStatus = this.superStatus;
    this.countExact = true;
    acc[Passing.MaxRam] = -Infinity; acc[Passing.MinRam] = Infinity; acc[Passing.MaxCpu] = -Infinity; acc[Passing.MinCpu] = Infinity; acc[Passing.MaxIo] = -Infinity;
    let count = 0, nDeferred = 0;
    for (let S = 0; S < Sp.count && S * SUPER * BLOCK < end; S++) {
      sStatus[S] = Pass.None;
      const b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
      ix.refresh(S);
      if (Sp.noneFit(S, ramMb, vcpus, az)) continue;
      const inside = b1 === B.count ? ix.hostCount <= end : b1 * BLOCK <= end;
      if (inside && Sp.allFit(S, ramMb, vcpus, az) && !this.excludesEligible(b0 * BLOCK, b1 * BLOCK)) {
        sStatus[S] = Pass.All;
        count += Sp.eligible[S];
        this.foldPassing(Sp, S);
        continue;
      }
      // The block shortcut below, for the whole superblock.
      if (inside && shortcut && this.maximaPass(Sp, S, ramMb, vcpus, az)) {
        sStatus[S] = Pass.Lazy;
        count++;
        this.countExact = false;
        this.foldPassing(Sp, S);
        continue;
      }
      for (let b = b0; b < b1; b++) {
        status[b] = Pass.None;
        const lo = b * BLOCK;
        if (lo >= end || B.noneFit(b, ramMb, vcpus, az)) continue;
        const hi = lo + ix.blockSize[b];
        if (hi <= end) {
          // All: every eligible host passes (the summaries cover eligible hosts only, so hosts
          // the ComputeFilter rejects do not spoil a block; excluded hosts that are eligible do).
          if (B.allFit(b, ramMb, vcpus, az) && !this.excludesEligible(lo, hi)) {
            status[b] = Pass.All;
            sStatus[S] = Pass.Some;
            count += B.eligible[b];
            this.foldPassing(B, b);
            continue;
          }
          // Some hosts fail. The weighing needs the maxima exactly but the minima only through
          // min(0, ·): when the block has no negative value and its maxima's hosts pass, its own
          // summary serves (the block then counts as at least one passing host). An I/O maximum
          // of 0 needs no host: every count in the block is 0.
          if (shortcut && this.maximaPass(B, b, ramMb, vcpus, az)) {
            status[b] = Pass.Some;
            sStatus[S] = Pass.Some;
            count++;
            this.countExact = false;
            this.foldPassing(B, b);
            continue;
          }
        }
        if (shortcut && hi <= end && B.minFreeRam[b] >= 0 && B.minFreeCpu[b] >= 0) {
          // Its maxima's hosts fail: it may still lie below the maxima found elsewhere (decided
          // after the loop), as it must when it is to be left unscanned.
          status[b] = Pass.Some;
          sStatus[S] = Pass.Some;
          this.deferred[nDeferred++] = b;
          continue;
        }
        // The candidates end inside this block, or it needs a host-by-host look.
        this.scanPassing(b, Math.min(hi, end), ramMb, vcpus, az);
      }
    }
    count += this.counted;
    this.counted = 0;
    for (let j = 0; j < nDeferred; j++) {
      const b = this.deferred[j];
      if (B.maxFreeRam[b] <= acc[Passing.MaxRam] && B.maxFreeCpu[b] <= acc[Passing.MaxCpu] && B.maxIoOps[b] <= acc[Passing.MaxIo]) {
        // Nothing in it can raise a maximum, and its minima are ≥ 0: the weighing holds without
        // it. Whether any of its hosts pass is left to pass 2 (the count is a lower bound).
        this.countExact = false;
        continue;
      }
      this.scanPassing(b, b * BLOCK + ix.blockSize[b], ramMb, vcpus, az);
      if (this.counted === 0) status[b] = Pass.None;
      count += this.counted;
      this.counted = 0;
    }
    return count;
  }

  /** Folds the passing candidates at positions [b·BLOCK, last) into `passing`, counting them in `counted`. */
  private scanPassing(b: number, last: number, ramMb: number, vcpus: number, az: number): void {
    const ix = this.ix, acc = this.passing;
    for (let p = b * BLOCK; p < last; p++) {
      if (!this.passes(p, ramMb, vcpus, az)) continue;
      this.blockStatus[b] = Pass.Some;
      this.superStatus[(b / SUPER) | 0] = Pass.Some;
      this.counted++;
      const r = ix.freeRam[p], c = ix.freeCpu[p], io = ix.ioOps[p];
      if (r > acc[Passing.MaxRam]) acc[Passing.MaxRam] = r;
      if (r < acc[Passing.MinRam]) acc[Passing.MinRam] = r;
      if (c > acc[Passing.MaxCpu]) acc[Passing.MaxCpu] = c;
      if (c < acc[Passing.MinCpu]) acc[Passing.MinCpu] = c;
      if (io > acc[Passing.MaxIo]) acc[Passing.MaxIo] = io;
    }
  }

  /**
   * Whether summary i's extremes serve the weighing although some of its hosts fail: its
   * values are all ≥ 0 (the weighing reads the minima only through min(0, ·)) and the hosts
   * holding its maxima pass. An I/O maximum of 0 needs no host: every count is 0.
   */
  private maximaPass(L: Summaries, i: number, ramMb: number, vcpus: number, az: number): boolean {
    return L.minFreeRam[i] >= 0 && L.minFreeCpu[i] >= 0
      && this.passes(L.argMaxFreeRam[i], ramMb, vcpus, az) && this.passes(L.argMaxFreeCpu[i], ramMb, vcpus, az)
      && (L.maxIoOps[i] === 0 || this.passes(L.argMaxIoOps[i], ramMb, vcpus, az));
  }

  /** An excluded host at a position in [lo, hi) that the ComputeFilter would pass (it spoils a whole range). */
  private excludesEligible(lo: number, hi: number): boolean {
    for (let x = 0; x < this.nSpoilers; x++) {
      const p = this.spoilers[x];
      if (p >= lo && p < hi) return true;
    }
    return false;
  }

  /**
   * Weighs superblock S's passing hosts into the top k: its blocks in order of their cheap bound
   * (each weigher at its block maximum, or minimum for a negative multiplier) first the best,
   * then the others unless the cheap or the exact bound rules them out.
   */
  private scanSuper(S: number, filled: number, k: number, ramMb: number, vcpus: number, az: number, w: Weighing): number {
    const ix = this.ix, B = ix.blocks, search = this.search, status = this.blockStatus, cheap = this.cheapBound;
    const b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
    const st = this.superStatus[S];
    if (st === Pass.All) for (let b = b0; b < b1; b++) status[b] = B.eligible[b] === 0 ? Pass.None : Pass.All;
    else if (st === Pass.Lazy) {
      for (let b = b0; b < b1; b++) {
        const lo = b * BLOCK;
        status[b] = B.noneFit(b, ramMb, vcpus, az) ? Pass.None
          : B.allFit(b, ramMb, vcpus, az) && !this.excludesEligible(lo, lo + ix.blockSize[b]) ? Pass.All : Pass.Some;
      }
    }
    // Weighed block by block just now: the bounds are exact. A block's exact bound kept from an
    // earlier placement (same weighing, block unchanged) serves too.
    const exactKnown = this.superByBlocks[S] === 1;
    const bVer = search.blockVersion, exact = search.blockBound, isExact = search.blockIsExact;
    const { ramLow, ramScale, cpuLow, cpuScale, ioScale } = w;
    let first = -1, firstBound = -Infinity;
    for (let b = b0; b < b1; b++) {
      if (status[b] === Pass.None) continue;
      let c: number;
      if (exactKnown) c = exact[b];
      else if (bVer[b] === B.version[b]) { c = exact[b]; isExact[b] = 1; }
      else {
        c = ((ramScale >= 0 ? B.maxFreeRam[b] : B.minFreeRam[b]) - ramLow) * ramScale
          + ((cpuScale >= 0 ? B.maxFreeCpu[b] : B.minFreeCpu[b]) - cpuLow) * cpuScale
          + (ioScale >= 0 ? B.maxIoOps[b] : B.minIoOps[b]) * ioScale;
        isExact[b] = 0;
      }
      cheap[b] = c;
      if (c > firstBound) { firstBound = c; first = b; }
    }
    const bw = this.bestWeights, bh = this.bestHosts;
    for (let j = -1; j < b1 - b0; j++) {
      const b = j < 0 ? first : b0 + j;
      if (status[b] === Pass.None || (j >= 0 && b === first)) continue;
      if (filled === k) {
        // Skip a block that cannot beat the k-th best, nor tie it at an earlier position.
        const kth = bw[k - 1], later = b * BLOCK > bh[k - 1];
        if (cheap[b] < kth || (cheap[b] === kth && later)) continue;
        if (!exactKnown && isExact[b] === 0) {
          const bound = ix.bound(b, w);
          exact[b] = bound;
          bVer[b] = B.version[b];
          if (bound < kth || (bound === kth && later)) continue;
        }
      }
      filled = this.scanBlock(b, filled, k, ramMb, vcpus, az, w);
    }
    return filled;
  }

  /** The filters for the host at position p, from the index's current values. */
  private passes(p: number, ramMb: number, vcpus: number, az: number): boolean {
    const ix = this.ix, h = ix.hostAt[p];
    return ix.ramSlack[p] >= ramMb && ix.cpuSlack[p] >= vcpus && this.mark[h] !== this.stamp && h !== this.ignore
      && (az < 0 || this.s.azOf[h] === az) && ramMb <= this.s.maxUnitMb[h];
  }

  /** Weighs the passing candidates of block b into the top k (weight desc, then position asc). */
  private scanBlock(b: number, filled: number, k: number, ramMb: number, vcpus: number, az: number, w: Weighing): number {
    const ix = this.ix;
    const lo = b * BLOCK, hi = Math.min(lo + ix.blockSize[b], this.end);
    const all = this.blockStatus[b] === Pass.All;
    for (let p = lo; p < hi; p++) {
      if (all ? ix.ramSlack[p] === -Infinity : !this.passes(p, ramMb, vcpus, az)) continue;
      filled = this.rank(p, ix.weight(p, w), filled, k);
    }
    return filled;
  }

  /**
   * Inserts position h of weight v into the top k (weight desc, then position asc); returns how
   * many are kept. Ties go to the earlier position: the lower host, or with a limit the earlier
   * in placement's order (docs/scale.md §4).
   */
  private rank(h: number, v: number, filled: number, k: number): number {
    const bh = this.bestHosts, bw = this.bestWeights;
    let pos: number;
    if (filled === k) {
      if (!(v > bw[k - 1] || (v === bw[k - 1] && h < bh[k - 1]))) return filled;
      pos = k - 1;
    } else pos = filled++;
    while (pos > 0 && (bw[pos - 1] < v || (bw[pos - 1] === v && bh[pos - 1] > h))) { bw[pos] = bw[pos - 1]; bh[pos] = bh[pos - 1]; pos--; }
    bw[pos] = v; bh[pos] = h;
    return filled;
  }

  /**
   * weights.py normalisation with the weighers' minval = 0 (lowered if a value is below it; the
   * I/O count never is, so its low end stays 0), from the extremes over the passing hosts.
   */
  private weighing(x: Float64Array): Weighing {
    const n = this.s.nova, w = this.w;
    const rMax = x[Passing.MaxRam], cMax = x[Passing.MaxCpu], ioMax = x[Passing.MaxIo];
    w.ramLow = Math.min(0, x[Passing.MinRam]);
    w.cpuLow = Math.min(0, x[Passing.MinCpu]);
    w.ramScale = rMax === w.ramLow ? 0 : n.ramWeightMultiplier / (rMax - w.ramLow);
    w.cpuScale = cMax === w.cpuLow ? 0 : n.cpuWeightMultiplier / (cMax - w.cpuLow);
    w.ioScale = ioMax === 0 ? 0 : this.s.ioOpsWeightMultiplier / ioMax;
    return w;
  }

  /** Widens the passing extremes by summary i of L (whose hosts all pass, or whose extremes serve). */
  private foldPassing(L: Summaries, i: number): void {
    const acc = this.passing;
    if (L.maxFreeRam[i] > acc[Passing.MaxRam]) acc[Passing.MaxRam] = L.maxFreeRam[i];
    if (L.minFreeRam[i] < acc[Passing.MinRam]) acc[Passing.MinRam] = L.minFreeRam[i];
    if (L.maxFreeCpu[i] > acc[Passing.MaxCpu]) acc[Passing.MaxCpu] = L.maxFreeCpu[i];
    if (L.minFreeCpu[i] < acc[Passing.MinCpu]) acc[Passing.MinCpu] = L.minFreeCpu[i];
    if (L.maxIoOps[i] > acc[Passing.MaxIo]) acc[Passing.MaxIo] = L.maxIoOps[i];
  }

  /** host_subset_size: a uniform draw among the best (no draw when only one is kept). */
  private pick(found: number): number {
    if (found === 1) return this.bestHosts[0];
    const u = this.rng === undefined ? 0 : this.rng.next();
    return this.bestHosts[Math.min(found - 1, Math.floor(u * found))];
  }

  /**
   * The reference implementation: placement's candidates host by host (in its order, the first
   * `max_placement_results`, or a uniform sample of them with randomize_allocation_candidates),
   * then every filter on each, then every passing candidate weighed.
   */
  selectScan(ramMb: number, vcpus: number, ignoreHost: number, group: number, az: number, self = -1): number {
    this.requests++;
    this.exclusions(ignoreHost, group, self);
    const s = this.s;
    const H = s.hostCount;
    const { serviceUp, enabled, azOf, maxUnitMb, residentMb, heldMb, ramCap, residentVcpu, heldVcpu, vcpuCap,
      totalMb, reservedMb, vcpus: hostVcpus, ioOps, cpuRatio } = s;
    const offered = (h: number): boolean => enabled[h] !== 0 && (az < 0 || azOf[h] === az) && ramMb <= maxUnitMb[h]
      && ramCap[h] - (residentMb[h] + heldMb[h]) >= ramMb && vcpuCap[h] - (residentVcpu[h] + heldVcpu[h]) >= vcpus;
    // cand: positions in placement's order (hosts without an order); ties go to the earlier.
    const cand = this.cand;
    const order = this.limited && !s.nova.randomizeAllocationCandidates ? this.order(ramMb, vcpus) : undefined;
    let n = 0;
    if (order !== undefined) {
      for (let p = 0; p < H && n < this.limit; p++) if (offered(order[p])) cand[n++] = p;
    } else {
      for (let h = 0; h < H; h++) if (offered(h)) cand[n++] = h;
      // random.sample: a uniform subset of `limit` (a partial Fisher–Yates shuffle).
      if (n > this.limit) {
        const rng = this.options.placement;
        for (let j = 0; j < this.limit; j++) {
          const r = j + Math.floor((rng === undefined ? 0 : rng.next()) * (n - j));
          const t = cand[j]; cand[j] = cand[r]; cand[r] = t;
        }
        n = this.limit;
      }
    }
    const hostAt = (c: number): number => order === undefined ? c : order[c];
    // The filters, on placement's candidates.
    let m = 0;
    let rMax = -Infinity, rMin = Infinity, cMax = -Infinity, cMin = Infinity, ioMax = -Infinity;
    for (let j = 0; j < n; j++) {
      const h = hostAt(cand[j]);
      if (serviceUp[h] === 0 || this.isExcluded(h)) continue;
      cand[m++] = cand[j];
      const used = residentMb[h] + heldMb[h], usedCpu = residentVcpu[h] + heldVcpu[h];
      const r = totalMb[h] - reservedMb[h] - used;
      const c = hostVcpus[h] * cpuRatio[h] - usedCpu;
      if (r > rMax) rMax = r;
      if (r < rMin) rMin = r;
      if (c > cMax) cMax = c;
      if (c < cMin) cMin = c;
      if (ioOps[h] > ioMax) ioMax = ioOps[h];
    }
    if (m === 0) return -1;
    const x = this.passing;
    x[Passing.MaxRam] = rMax; x[Passing.MinRam] = rMin; x[Passing.MaxCpu] = cMax; x[Passing.MinCpu] = cMin; x[Passing.MaxIo] = ioMax;
    const { ramLow, ramScale, cpuLow, cpuScale, ioScale } = this.weighing(x);
    const k = Math.min(s.nova.hostSubsetSize, m);
    let filled = 0;
    for (let j = 0; j < m; j++) {
      const h = hostAt(cand[j]);
      const v = (totalMb[h] - reservedMb[h] - (residentMb[h] + heldMb[h]) - ramLow) * ramScale
        + (hostVcpus[h] * cpuRatio[h] - (residentVcpu[h] + heldVcpu[h]) - cpuLow) * cpuScale + ioOps[h] * ioScale;
      filled = this.rank(cand[j], v, filled, k);
    }
    return hostAt(this.pick(filled));
  }
}
