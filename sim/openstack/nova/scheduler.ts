import type { Rng } from '../../random/streams.js';
import type { ComputeState } from './compute-state.js';
import { BLOCK, HostIndex, SUPER } from './host-index.js';

/**
 * nova's filter scheduler for one instance (docs/openstack-facts.md §6.1, §7):
 *
 * - placement: MEMORY_MB and VCPU fit (used + requested ≤ capacity, requested ≤ max_unit);
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
 * `select` works on the HostIndex (per-host values and per-block and per-superblock summaries
 * kept current on every change): pass 1 takes the weighers' extremes a whole superblock (or
 * block) at a time where every host passes; pass 2 weighs the superblock with the best exact
 * bound first, then skips superblocks, and within a superblock blocks, whose weight bound
 * cannot beat the k-th best (on the 1,000-host scenario 7 of 8 superblocks are skipped). `selectScan` recomputes everything from the raw host state, host by host: it
 * is the reference `select` is tested against (test/evacuation/scheduler.test.ts).
 */
export class Scheduler {
  private readonly mark: Int32Array;
  private stamp = 0;
  private ignore = -1;
  private readonly excluded: Int32Array;
  private nExcluded = 0;
  private readonly cand: Int32Array;
  private readonly bestHosts: Int32Array;
  private readonly bestWeights: Float64Array;
  private readonly index: HostIndex | undefined;
  private readonly isExcluded = (h: number): boolean => h === this.ignore || this.mark[h] === this.stamp;
  private readonly blockStatus: Uint8Array;
  private readonly blockBound: Float64Array;
  private readonly superStatus: Uint8Array;
  private readonly superBound: Float64Array;
  private readonly superByBlocks: Uint8Array;
  private readonly ext = new Float64Array(5);
  private countExact = true;
  /**
   * Bounds kept from earlier placements: superBound[S] (and blockCached[b]) were computed for the
   * scales in `scales` when the index's change counter of S (of b) read superVer[S] (blockVer[b]).
   * In a burst of evacuations the scales rarely move (the extremes over passing hosts stay put)
   * and a placement changes one superblock, so most bounds are reused: same inputs, same value.
   */
  private readonly superVer: Float64Array;
  private readonly blockCached: Float64Array;
  private readonly blockVer: Float64Array;
  private readonly blockIsExact: Uint8Array;
  private readonly scales = new Float64Array(5).fill(NaN);
  /** Number of placements asked for (for benches). */
  requests = 0;

  constructor(private readonly s: ComputeState, private readonly rng: Rng | undefined, indexed = true) {
    this.mark = new Int32Array(s.hostCount);
    this.cand = new Int32Array(s.hostCount);
    this.excluded = new Int32Array(s.hostCount + 1);
    const k = Math.max(1, s.nova.hostSubsetSize);
    this.bestHosts = new Int32Array(k);
    this.bestWeights = new Float64Array(k);
    this.blockStatus = new Uint8Array(Math.ceil(s.hostCount / BLOCK));
    this.blockBound = new Float64Array(this.blockStatus.length);
    this.superStatus = new Uint8Array(Math.ceil(this.blockStatus.length / SUPER));
    this.superBound = new Float64Array(this.superStatus.length);
    this.superByBlocks = new Uint8Array(this.superStatus.length);
    this.superVer = new Float64Array(this.superStatus.length).fill(-1);
    this.blockCached = new Float64Array(this.blockStatus.length);
    this.blockVer = new Float64Array(this.blockStatus.length).fill(-1);
    this.blockIsExact = new Uint8Array(this.blockStatus.length);
    if (indexed) {
      this.index = new HostIndex(s);
      s.index = this.index;
    }
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
    const ix = this.index;
    if (ix === undefined) return this.selectScan(ramMb, vcpus, ignoreHost, group, az, self);
    this.requests++;
    this.exclusions(ignoreHost, group, self);
    const ns = ix.supers, sStatus = this.superStatus, subset = this.s.nova.hostSubsetSize;
    let count = this.extremes(ramMb, vcpus, az, true);
    // Some blocks were counted as one host (see extremes): count exactly when that matters.
    if (count < subset && !this.countExact) count = this.extremes(ramMb, vcpus, az, false);
    const ext = this.ext;
    if (count === 0) return -1;
    const w = this.weighing(ext[0], ext[1], ext[2], ext[3], ext[4]);
    const k = Math.min(subset, count);
    // Pass 2: branch and bound, the superblock with the best exact bound first; a superblock
    // (then a block) is skipped when its bound cannot beat the k-th best found so far. Bounds
    // of superblocks and blocks unchanged since an earlier placement weighed with the same
    // scales are taken from then (1,000-host scenario: ~0.83× CPU per replication).
    const rs = w.ramScale, cs = w.cpuScale, rLo = w.rLo, cLo = w.cLo, ios = w.ioScale;
    const sBound = this.superBound, sVer = this.superVer, bVer = this.blockVer, bCached = this.blockCached;
    const sc = this.scales;
    if (!(Object.is(sc[0], rLo) && Object.is(sc[1], rs) && Object.is(sc[2], cLo) && Object.is(sc[3], cs) && Object.is(sc[4], ios))) {
      sc[0] = rLo; sc[1] = rs; sc[2] = cLo; sc[3] = cs; sc[4] = ios;
      sVer.fill(-1);
      bVer.fill(-1);
    }
    let first = -1, firstBound = -Infinity;
    const byBlocks = this.superByBlocks;
    for (let S = 0; S < ns; S++) {
      if (sStatus[S] === 0) continue;
      if (sVer[S] === ix.sVersion[S]) byBlocks[S] = 0;
      else {
        byBlocks[S] = ix.superBound(S, rLo, rs, cLo, cs, ios, sBound, bCached, bVer) ? 1 : 0;
        sVer[S] = ix.sVersion[S];
      }
      if (sBound[S] > firstBound) { firstBound = sBound[S]; first = S; }
    }
    let filled = this.scanSuper(first, 0, k, ramMb, vcpus, az, rLo, rs, cLo, cs, ios);
    const bw = this.bestWeights, bh = this.bestHosts;
    for (let S = 0; S < ns; S++) {
      if (sStatus[S] === 0 || S === first) continue;
      if (filled === k) {
        // Skip a superblock that cannot beat the k-th best, nor tie it with a lower host index.
        const kth = bw[k - 1], later = S * SUPER * BLOCK > bh[k - 1];
        if (sBound[S] < kth || (sBound[S] === kth && later)) continue;
      }
      filled = this.scanSuper(S, filled, k, ramMb, vcpus, az, rLo, rs, cLo, cs, ios);
    }
    return this.pick(filled);
  }

  /**
   * Pass 1: the weighers' extremes over passing hosts (into `ext`: rMax, rMin, cMax, cMin, ioMax), a
   * whole superblock (or block) at a time when every host in it passes; returns how many hosts
   * pass (a lower bound when `countExact` is false) and marks the superblocks and blocks to weigh.
   */
  private extremes(ramMb: number, vcpus: number, az: number, shortcut: boolean): number {
    const ix = this.index!;
    const ns = ix.supers, nb = ix.blocks, status = this.blockStatus, sStatus = this.superStatus;
    this.countExact = true;
    let count = 0, rMax = -Infinity, rMin = Infinity, cMax = -Infinity, cMin = Infinity, ioMax = -Infinity;
    for (let S = 0; S < ns; S++) {
      sStatus[S] = 0;
      ix.refresh(S);
      if (ix.sElig[S] === 0 || ix.sMaxRS[S] < ramMb || ix.sMaxCS[S] < vcpus) continue;
      const zs = ix.sAz[S];
      if (az >= 0 && zs !== -2 && zs !== az) continue;
      const b0 = S * SUPER, b1 = Math.min(nb, b0 + SUPER);
      if (ix.sMinRS[S] >= ramMb && ix.sMinCS[S] >= vcpus && ramMb <= ix.sMinMaxUnit[S] && (az < 0 || zs === az)
        && !this.excludesEligible(b0 * BLOCK, b1 * BLOCK)) {
        sStatus[S] = 2;
        count += ix.sElig[S];
        if (ix.sMaxR[S] > rMax) rMax = ix.sMaxR[S];
        if (ix.sMinR[S] < rMin) rMin = ix.sMinR[S];
        if (ix.sMaxC[S] > cMax) cMax = ix.sMaxC[S];
        if (ix.sMinC[S] < cMin) cMin = ix.sMinC[S];
        if (ix.sMaxIo[S] > ioMax) ioMax = ix.sMaxIo[S];
        continue;
      }
      for (let b = b0; b < b1; b++) {
        status[b] = 0;
        if (ix.bElig[b] === 0 || ix.bMaxRS[b] < ramMb || ix.bMaxCS[b] < vcpus) continue;
        const zb = ix.bAz[b];
        if (az >= 0 && zb !== -2 && zb !== az) continue;
        const lo = b * BLOCK, hi = lo + ix.bSize[b];
        // Whole: every eligible host passes (the summaries cover eligible hosts only, so hosts
        // the ComputeFilter rejects do not spoil a block; excluded hosts that are eligible do).
        if (ix.bMinRS[b] >= ramMb && ix.bMinCS[b] >= vcpus && ramMb <= ix.bMinMaxUnit[b] && (az < 0 || zb === az)
          && !this.excludesEligible(lo, hi)) {
          status[b] = 2;
          sStatus[S] = 1;
          count += ix.bElig[b];
          if (ix.bMaxR[b] > rMax) rMax = ix.bMaxR[b];
          if (ix.bMinR[b] < rMin) rMin = ix.bMinR[b];
          if (ix.bMaxC[b] > cMax) cMax = ix.bMaxC[b];
          if (ix.bMinC[b] < cMin) cMin = ix.bMinC[b];
          if (ix.bMaxIo[b] > ioMax) ioMax = ix.bMaxIo[b];
          continue;
        }
        // Some hosts fail. The weighing needs the maxima exactly but the minima only through
        // min(0, ·): when the block has no negative value and its maxima's hosts pass, its own
        // summary serves (the block then counts as at least one passing host). An I/O maximum
        // of 0 needs no host: every count in the block is 0.
        if (shortcut && ix.bMinR[b] >= 0 && ix.bMinC[b] >= 0
          && this.passes(ix.bArgMaxR[b], ramMb, vcpus, az) && this.passes(ix.bArgMaxC[b], ramMb, vcpus, az)
          && (ix.bMaxIo[b] === 0 || this.passes(ix.bArgMaxIo[b], ramMb, vcpus, az))) {
          status[b] = 1;
          sStatus[S] = 1;
          count++;
          this.countExact = false;
          if (ix.bMaxR[b] > rMax) rMax = ix.bMaxR[b];
          if (ix.bMinR[b] < rMin) rMin = ix.bMinR[b];
          if (ix.bMaxC[b] > cMax) cMax = ix.bMaxC[b];
          if (ix.bMinC[b] < cMin) cMin = ix.bMinC[b];
          if (ix.bMaxIo[b] > ioMax) ioMax = ix.bMaxIo[b];
          continue;
        }
        for (let h = lo; h < hi; h++) {
          if (!this.passes(h, ramMb, vcpus, az)) continue;
          status[b] = 1;
          sStatus[S] = 1;
          count++;
          const r = ix.rawRam[h], c = ix.rawCpu[h], io = ix.rawIo[h];
          if (r > rMax) rMax = r;
          if (r < rMin) rMin = r;
          if (c > cMax) cMax = c;
          if (c < cMin) cMin = c;
          if (io > ioMax) ioMax = io;
        }
      }
    }
    const ext = this.ext;
    ext[0] = rMax; ext[1] = rMin; ext[2] = cMax; ext[3] = cMin; ext[4] = ioMax;
    return count;
  }

  /** An excluded host in [lo, hi) that the ComputeFilter would pass (it spoils a whole range). */
  private excludesEligible(lo: number, hi: number): boolean {
    const excluded = this.excluded, slack = this.index!.slackRam;
    for (let x = 0; x < this.nExcluded; x++) {
      const e = excluded[x];
      if (e >= lo && e < hi && slack[e] !== -Infinity) return true;
    }
    return false;
  }

  /**
   * Weighs superblock S's passing hosts into the top k: its blocks in order of their cheap bound
   * (each weigher at its block maximum, or minimum for a negative multiplier) first the best,
   * then the others unless the cheap or the exact bound rules them out.
   */
  private scanSuper(S: number, filled: number, k: number, ramMb: number, vcpus: number, az: number,
    rLo: number, rs: number, cLo: number, cs: number, ios: number): number {
    const ix = this.index!, status = this.blockStatus, cheap = this.blockBound;
    const b0 = S * SUPER, b1 = Math.min(ix.blocks, b0 + SUPER);
    if (this.superStatus[S] === 2) for (let b = b0; b < b1; b++) status[b] = ix.bElig[b] === 0 ? 0 : 2;
    // Weighed block by block just now: the bounds are exact.
    const exactKnown = this.superByBlocks[S] === 1, exactB = this.blockCached;
    // A block's exact bound kept from an earlier placement (same scales, block unchanged) serves too.
    const bVer = this.blockVer, bCached = this.blockCached, isExact = this.blockIsExact;
    let first = -1, firstBound = -Infinity;
    for (let b = b0; b < b1; b++) {
      if (status[b] === 0) continue;
      let c: number;
      if (exactKnown) c = exactB[b];
      else if (bVer[b] === ix.bVersion[b]) { c = bCached[b]; isExact[b] = 1; }
      else {
        c = ((rs >= 0 ? ix.bMaxR[b] : ix.bMinR[b]) - rLo) * rs + ((cs >= 0 ? ix.bMaxC[b] : ix.bMinC[b]) - cLo) * cs
          + (ios >= 0 ? ix.bMaxIo[b] : ix.bMinIo[b]) * ios;
        isExact[b] = 0;
      }
      cheap[b] = c;
      if (c > firstBound) { firstBound = c; first = b; }
    }
    const bw = this.bestWeights, bh = this.bestHosts;
    for (let j = -1; j < b1 - b0; j++) {
      const b = j < 0 ? first : b0 + j;
      if (status[b] === 0 || (j >= 0 && b === first)) continue;
      if (filled === k) {
        // Skip a block that cannot beat the k-th best, nor tie it with a lower host index.
        const kth = bw[k - 1], later = b * BLOCK > bh[k - 1];
        if (cheap[b] < kth || (cheap[b] === kth && later)) continue;
        if (!exactKnown && isExact[b] === 0) {
          const exact = ix.bound(b, rLo, rs, cLo, cs, ios);
          bCached[b] = exact;
          bVer[b] = ix.bVersion[b];
          if (exact < kth || (exact === kth && later)) continue;
        }
      }
      filled = this.scanBlock(b, filled, k, ramMb, vcpus, az, rLo, rs, cLo, cs, ios);
    }
    return filled;
  }

  /** The filters for one host, from the index's current values. */
  private passes(h: number, ramMb: number, vcpus: number, az: number): boolean {
    const ix = this.index!;
    return ix.slackRam[h] >= ramMb && ix.slackCpu[h] >= vcpus && this.mark[h] !== this.stamp && h !== this.ignore
      && (az < 0 || this.s.azOf[h] === az) && ramMb <= this.s.maxUnitMb[h];
  }

  /** Weighs the passing hosts of block b into the top k (weight desc, then host index asc). */
  private scanBlock(b: number, filled: number, k: number, ramMb: number, vcpus: number, az: number,
    rLo: number, ramScale: number, cLo: number, cpuScale: number, ioScale: number): number {
    const ix = this.index!, bh = this.bestHosts, bw = this.bestWeights;
    const lo = b * BLOCK, hi = lo + ix.bSize[b];
    const whole = this.blockStatus[b] === 2;
    for (let h = lo; h < hi; h++) {
      if (whole ? ix.slackRam[h] === -Infinity : !this.passes(h, ramMb, vcpus, az)) continue;
      const w = (ix.rawRam[h] - rLo) * ramScale + (ix.rawCpu[h] - cLo) * cpuScale + ix.rawIo[h] * ioScale;
      let pos: number;
      if (filled === k) {
        if (!(w > bw[k - 1] || (w === bw[k - 1] && h < bh[k - 1]))) continue;
        pos = k - 1;
      } else pos = filled++;
      while (pos > 0 && (bw[pos - 1] < w || (bw[pos - 1] === w && bh[pos - 1] > h))) { bw[pos] = bw[pos - 1]; bh[pos] = bh[pos - 1]; pos--; }
      bw[pos] = w; bh[pos] = h;
    }
    return filled;
  }

  private readonly w = { rLo: 0, ramScale: 0, cLo: 0, cpuScale: 0, ioScale: 0 };

  /**
   * weights.py normalisation with the weighers' minval = 0 (lowered if a value is below it; the
   * I/O count never is, so its low end stays 0).
   */
  private weighing(rMax: number, rMin: number, cMax: number, cMin: number, ioMax: number) {
    const n = this.s.nova, w = this.w;
    w.rLo = Math.min(0, rMin);
    w.cLo = Math.min(0, cMin);
    w.ramScale = rMax === w.rLo ? 0 : n.ramWeightMultiplier / (rMax - w.rLo);
    w.cpuScale = cMax === w.cLo ? 0 : n.cpuWeightMultiplier / (cMax - w.cLo);
    w.ioScale = ioMax === 0 ? 0 : this.s.ioOpsWeightMultiplier / ioMax;
    return w;
  }

  /** host_subset_size: a uniform draw among the best (no draw when only one is kept). */
  private pick(found: number): number {
    if (found === 1) return this.bestHosts[0];
    const u = this.rng === undefined ? 0 : this.rng.next();
    return this.bestHosts[Math.min(found - 1, Math.floor(u * found))];
  }

  /** The reference implementation: filter every host, then weigh every candidate. */
  selectScan(ramMb: number, vcpus: number, ignoreHost: number, group: number, az: number, self = -1): number {
    this.requests++;
    this.exclusions(ignoreHost, group, self);
    const s = this.s;
    const H = s.hostCount;
    const { serviceUp, enabled, azOf, maxUnitMb, residentMb, heldMb, ramCap, residentVcpu, heldVcpu, vcpuCap,
      totalMb, reservedMb, vcpus: hostVcpus, ioOps, cpuRatio } = s;
    const cand = this.cand;
    let n = 0;
    let rMax = -Infinity, rMin = Infinity, cMax = -Infinity, cMin = Infinity, ioMax = -Infinity;
    for (let h = 0; h < H; h++) {
      if (serviceUp[h] === 0 || enabled[h] === 0 || this.isExcluded(h)) continue;
      if (az >= 0 && azOf[h] !== az) continue;
      const used = residentMb[h] + heldMb[h];
      if (ramMb > maxUnitMb[h] || ramCap[h] - used < ramMb) continue;
      const usedCpu = residentVcpu[h] + heldVcpu[h];
      if (vcpuCap[h] - usedCpu < vcpus) continue;
      cand[n++] = h;
      const r = totalMb[h] - reservedMb[h] - used;
      const c = hostVcpus[h] * cpuRatio[h] - usedCpu;
      if (r > rMax) rMax = r;
      if (r < rMin) rMin = r;
      if (c > cMax) cMax = c;
      if (c < cMin) cMin = c;
      if (ioOps[h] > ioMax) ioMax = ioOps[h];
    }
    if (n === 0) return -1;
    const { rLo, ramScale, cLo, cpuScale, ioScale } = this.weighing(rMax, rMin, cMax, cMin, ioMax);
    const k = Math.min(s.nova.hostSubsetSize, n);
    const bh = this.bestHosts, bw = this.bestWeights;
    let filled = 0;
    for (let j = 0; j < n; j++) {
      const h = cand[j];
      const w = (totalMb[h] - reservedMb[h] - (residentMb[h] + heldMb[h]) - rLo) * ramScale
        + (hostVcpus[h] * cpuRatio[h] - (residentVcpu[h] + heldVcpu[h]) - cLo) * cpuScale + ioOps[h] * ioScale;
      if (filled === k && w <= bw[k - 1]) continue;
      let pos = filled < k ? filled++ : k - 1;
      while (pos > 0 && bw[pos - 1] < w) { bw[pos] = bw[pos - 1]; bh[pos] = bh[pos - 1]; pos--; }
      bw[pos] = w; bh[pos] = h;
    }
    return this.pick(filled);
  }
}
