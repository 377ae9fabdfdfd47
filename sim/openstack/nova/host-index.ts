/**
 * What the index reads of the compute hosts: ComputeState's per-host arrays (declared here, not
 * imported, so that compute-state.ts → host-index.ts is the only arrow between the two).
 */
export interface IndexedHosts {
  readonly nova: { readonly ramWeightMultiplier: number; readonly cpuWeightMultiplier: number };
  readonly ioOpsWeightMultiplier: number;
  readonly hostCount: number;
  readonly totalMb: Float64Array;
  readonly vcpus: Float64Array;
  /** Per-host VCPU allocation ratio (the CPUWeigher's free vCPUs are total × ratio − used). */
  readonly cpuRatio: Float64Array;
  readonly azOf: Int32Array;
  readonly maxUnitMb: Float64Array;
  readonly reservedMb: Float64Array;
  readonly ramCap: Float64Array;
  readonly vcpuCap: Float64Array;
  readonly residentMb: Float64Array;
  readonly heldMb: Float64Array;
  readonly residentVcpu: Float64Array;
  readonly heldVcpu: Float64Array;
  readonly serviceUp: Uint8Array;
  readonly enabled: Uint8Array;
  readonly ioOps: Float64Array;
}

/** Hosts per block. */
export const BLOCK = 16;
/** Blocks per superblock. */
export const SUPER = 8;

/**
 * What the scheduler reads per host, kept current as hosts change, plus per-block summaries
 * (blocks of 16 consecutive hosts) that let a placement skip most hosts:
 *
 * - per host: RAM and VCPU slack (placement capacity − used; −∞ when the ComputeFilter rejects
 *   the host: service down or disabled) and the raw weigher values (physical free RAM
 *   total − reserved − used; vcpus × ratio − used; num_io_ops);
 * - per block, over its eligible hosts: min/max of both slacks and both raw values (a block
 *   whose every host fits contributes its extremes without a scan), and the Pareto frontier of
 *   the raw values (oriented by the multipliers' signs). nova's weight is linear in the raw
 *   values with coefficients of the multipliers' signs, so a block's best weight is attained on
 *   its frontier (2–5 hosts typically): the search weighs the frontier to get the block's exact
 *   best, scans the best block first and skips every block that cannot beat the k-th best.
 *
 * The IoOpsWeigher's num_io_ops is a third raw value and the frontier is taken in three
 * dimensions: a host stays unless another is at least as good on RAM, CPU and I/O count (fewer
 * for a negative multiplier). The counts are small integers (builds in flight), so the sweep
 * keeps the best y per count level: a host is kept when its y beats every kept host's at its
 * level or a better one. Blocks also carry the count's min/max (pass 1's extremes, cheap bounds).
 * Measured on the 1,000-host scenario (CPU per replication, medians of interleaved runs): 22 ms
 * before the weigher, 22.5 ms with io_ops_weight_multiplier 0, 28.5 ms with the default −1
 * (bursts there go to distinct hosts either way): ~2.7 ms the 3-D sweep and its larger
 * frontiers, ~1 ms re-summarising blocks whose rebuilds finished, ~1.5 ms pass 1 (a block with
 * a busy host takes its shortcut less often). Splitting idle and busy hosts instead (2-D
 * frontier of the idle ones, busy ones listed) was slower: a rack's burst leaves nearly every
 * host busy. Most of that extra cost went into weighing superblocks again and again with the
 * same scales; with bounds kept across placements (bVersion/sVersion, Scheduler.select) and
 * the block order re-sorted only where hosts moved, the default −1 costs about what no weigher
 * did (in-process, interleaved: ×1.02–1.04 of the commit before the weigher). Also measured and
 * dropped (no gain beyond ±2 %): I/O-only refresh of the summaries, hosts whose rebuild finished
 * joining the frontier lists instead of a rebuild, a 2-D frontier of idle hosts with busy hosts
 * bounded by their block's extremes, other block/superblock sizes.
 *
 * Superblocks (SUPER = 8 blocks, 128 hosts) carry the same summaries and a frontier merged from
 * their blocks', so a placement on 1,000 hosts weighs 8 superblock frontiers and the blocks of
 * the best superblock instead of 63 block frontiers (1,000-host scenario: ~0.82× CPU per
 * replication).
 *
 * Measured on the 1,000-host scenario: bounds from per-block (max RAM, max CPU) pairs, or from
 * 9 fixed directions of the weight plane, were too loose (with both weighers on, antelope's
 * default, the top hosts differ by ~0.2 % of their weight) and most blocks were scanned anyway.
 */
export class HostIndex {
  readonly slackRam: Float64Array;
  readonly slackCpu: Float64Array;
  readonly rawRam: Float64Array;
  readonly rawCpu: Float64Array;
  readonly rawIo: Float64Array;
  readonly blocks: number;
  readonly bElig: Int32Array;
  readonly bSize: Int32Array;
  readonly bMaxRS: Float64Array; readonly bMinRS: Float64Array;
  readonly bMaxCS: Float64Array; readonly bMinCS: Float64Array;
  readonly bMaxR: Float64Array; readonly bMinR: Float64Array;
  readonly bMaxC: Float64Array; readonly bMinC: Float64Array;
  readonly bMaxIo: Float64Array; readonly bMinIo: Float64Array;
  readonly bMinMaxUnit: Float64Array;
  /** An eligible host of the block holding its maximum raw RAM, one for raw CPU, one for num_io_ops. */
  readonly bArgMaxR: Int32Array; readonly bArgMaxC: Int32Array; readonly bArgMaxIo: Int32Array;
  /** Availability zone shared by the whole block; −1 none, −2 mixed. */
  readonly bAz: Int32Array;
  /** Pareto-maximal hosts of each block (BLOCK slots per block) and how many. */
  readonly bFront: Int32Array;
  readonly bFrontCount: Int32Array;
  private readonly bFrontDirty: Uint8Array;
  private readonly bStale: Uint8Array;
  private readonly sStale: Uint8Array;
  /**
   * Change counters of each block and superblock: bumped whenever one of their hosts changes
   * (or on rebuild), so that a bound computed for the same weighing scales can be reused while
   * the counter has not moved (see Scheduler.select).
   */
  readonly bVersion: Float64Array;
  readonly sVersion: Float64Array;
  /** The same summaries per superblock (SUPER consecutive blocks), from its blocks' summaries. */
  readonly supers: number;
  readonly sElig: Int32Array;
  readonly sMaxRS: Float64Array; readonly sMinRS: Float64Array;
  readonly sMaxCS: Float64Array; readonly sMinCS: Float64Array;
  readonly sMaxR: Float64Array; readonly sMinR: Float64Array;
  readonly sMaxC: Float64Array; readonly sMinC: Float64Array;
  readonly sMaxIo: Float64Array; readonly sMinIo: Float64Array;
  readonly sMinMaxUnit: Float64Array;
  readonly sAz: Int32Array;
  /** Pareto-maximal hosts of each superblock (merged from its blocks' frontiers), and how many. */
  private readonly sFront: Int32Array;
  private readonly sFrontCount: Int32Array;
  /** 0: frontier current; 1: changed, not weighed since; 2: changed and weighed block by block since. */
  private readonly sFrontDirty: Uint8Array;
  private readonly sr: number;
  private readonly sc: number;
  /** Sign of the I/O multiplier: −1 fewer operations are better, 1 more, 0 the count is ignored. */
  private readonly sio: number;
  /** Best y kept so far at each I/O level or a better one (prefix maxima), for the sweeps. */
  private levelBest = new Float64Array(16);
  /** Each block's hosts in the order of its last frontier sort. */
  private readonly bOrder: Int32Array;
  /**
   * Whether bOrder is still sorted: 0 yes, 1 all but host bMoved[b] (one placement, typically),
   * 2 no (several hosts moved). An I/O count or eligibility change does not move a host.
   */
  private readonly bOrderDirty: Uint8Array;
  private readonly bMoved: Int32Array;
  private readonly mergeA: Int32Array;
  private readonly mergeB: Int32Array;

  constructor(private readonly s: IndexedHosts) {
    const H = s.hostCount;
    this.slackRam = new Float64Array(H);
    this.slackCpu = new Float64Array(H);
    this.rawRam = new Float64Array(H);
    this.rawCpu = new Float64Array(H);
    this.rawIo = new Float64Array(H);
    const nb = Math.ceil(H / BLOCK);
    this.blocks = nb;
    this.bElig = new Int32Array(nb);
    this.bSize = new Int32Array(nb);
    this.bMaxRS = new Float64Array(nb); this.bMinRS = new Float64Array(nb);
    this.bMaxCS = new Float64Array(nb); this.bMinCS = new Float64Array(nb);
    this.bMaxR = new Float64Array(nb); this.bMinR = new Float64Array(nb);
    this.bMaxC = new Float64Array(nb); this.bMinC = new Float64Array(nb);
    this.bMaxIo = new Float64Array(nb); this.bMinIo = new Float64Array(nb);
    this.bMinMaxUnit = new Float64Array(nb).fill(Infinity);
    this.bArgMaxR = new Int32Array(nb); this.bArgMaxC = new Int32Array(nb); this.bArgMaxIo = new Int32Array(nb);
    this.bAz = new Int32Array(nb);
    this.bFront = new Int32Array(nb * BLOCK);
    this.bFrontCount = new Int32Array(nb);
    this.bFrontDirty = new Uint8Array(nb).fill(1);
    this.bStale = new Uint8Array(nb);
    this.bVersion = new Float64Array(nb);
    this.bOrder = new Int32Array(nb * BLOCK);
    for (let h = 0; h < H; h++) this.bOrder[h] = h;
    this.bOrderDirty = new Uint8Array(nb).fill(2);
    this.bMoved = new Int32Array(nb);
    this.mergeA = new Int32Array(SUPER * BLOCK);
    this.mergeB = new Int32Array(SUPER * BLOCK);
    const ns = Math.ceil(nb / SUPER);
    this.supers = ns;
    this.sElig = new Int32Array(ns);
    this.sMaxRS = new Float64Array(ns); this.sMinRS = new Float64Array(ns);
    this.sMaxCS = new Float64Array(ns); this.sMinCS = new Float64Array(ns);
    this.sMaxR = new Float64Array(ns); this.sMinR = new Float64Array(ns);
    this.sMaxC = new Float64Array(ns); this.sMinC = new Float64Array(ns);
    this.sMaxIo = new Float64Array(ns); this.sMinIo = new Float64Array(ns);
    this.sMinMaxUnit = new Float64Array(ns).fill(Infinity);
    this.sAz = new Int32Array(ns);
    this.sFront = new Int32Array(ns * SUPER * BLOCK);
    this.sFrontCount = new Int32Array(ns);
    this.sFrontDirty = new Uint8Array(ns).fill(1);
    this.sStale = new Uint8Array(ns);
    this.sVersion = new Float64Array(ns);
    this.sr = s.nova.ramWeightMultiplier < 0 ? -1 : 1;
    this.sc = s.nova.cpuWeightMultiplier < 0 ? -1 : 1;
    this.sio = Math.sign(s.ioOpsWeightMultiplier);
    for (let b = 0; b < nb; b++) {
      const lo = b * BLOCK, hi = Math.min(H, lo + BLOCK);
      this.bSize[b] = hi - lo;
      let az = s.azOf[lo];
      for (let h = lo; h < hi; h++) {
        this.bMinMaxUnit[b] = Math.min(this.bMinMaxUnit[b], s.maxUnitMb[h]);
        if (s.azOf[h] !== az) az = -2;
      }
      this.bAz[b] = az;
    }
    for (let S = 0; S < ns; S++) {
      const b0 = S * SUPER, b1 = Math.min(nb, b0 + SUPER);
      let az = this.bAz[b0];
      for (let b = b0; b < b1; b++) {
        this.sMinMaxUnit[S] = Math.min(this.sMinMaxUnit[S], this.bMinMaxUnit[b]);
        if (this.bAz[b] !== az) az = -2;
      }
      this.sAz[S] = az;
    }
    this.rebuild();
  }

  private setHost(h: number): boolean {
    const s = this.s;
    const used = s.residentMb[h] + s.heldMb[h], usedCpu = s.residentVcpu[h] + s.heldVcpu[h];
    const wasEligible = this.slackRam[h] !== -Infinity;
    const eligible = s.serviceUp[h] !== 0 && s.enabled[h] !== 0;
    if (eligible) {
      this.slackRam[h] = s.ramCap[h] - used;
      this.slackCpu[h] = s.vcpuCap[h] - usedCpu;
    } else {
      this.slackRam[h] = -Infinity;
      this.slackCpu[h] = -Infinity;
    }
    this.rawRam[h] = s.totalMb[h] - s.reservedMb[h] - used;
    this.rawCpu[h] = s.vcpus[h] * s.cpuRatio[h] - usedCpu;
    this.rawIo[h] = this.sio === 0 ? 0 : s.ioOps[h];
    return eligible || wasEligible;
  }

  private summarise(b: number): void {
    const lo = b * BLOCK, hi = lo + this.bSize[b];
    let n = 0, maxRS = -Infinity, minRS = Infinity, maxCS = -Infinity, minCS = Infinity;
    let maxR = -Infinity, minR = Infinity, maxC = -Infinity, minC = Infinity, argR = -1, argC = -1;
    let maxIo = -Infinity, minIo = Infinity, argIo = -1;
    for (let h = lo; h < hi; h++) {
      const rs = this.slackRam[h];
      if (rs === -Infinity) continue;
      n++;
      const cs = this.slackCpu[h], r = this.rawRam[h], c = this.rawCpu[h], io = this.rawIo[h];
      if (io > maxIo) { maxIo = io; argIo = h; }
      if (io < minIo) minIo = io;
      if (rs > maxRS) maxRS = rs;
      if (rs < minRS) minRS = rs;
      if (cs > maxCS) maxCS = cs;
      if (cs < minCS) minCS = cs;
      if (r > maxR) { maxR = r; argR = h; }
      if (r < minR) minR = r;
      if (c > maxC) { maxC = c; argC = h; }
      if (c < minC) minC = c;
    }
    this.bElig[b] = n;
    this.bArgMaxR[b] = argR; this.bArgMaxC[b] = argC; this.bArgMaxIo[b] = argIo;
    this.bMaxIo[b] = maxIo; this.bMinIo[b] = minIo;
    this.bMaxRS[b] = maxRS; this.bMinRS[b] = minRS; this.bMaxCS[b] = maxCS; this.bMinCS[b] = minCS;
    this.bMaxR[b] = maxR; this.bMinR[b] = minR; this.bMaxC[b] = maxC; this.bMinC[b] = minC;
    // The frontier is only needed when a placement weighs this block exactly: built lazily.
    this.bFrontDirty[b] = 1;
  }

  private summariseSuper(S: number): void {
    const b0 = S * SUPER, b1 = Math.min(this.blocks, b0 + SUPER);
    let n = 0, maxRS = -Infinity, minRS = Infinity, maxCS = -Infinity, minCS = Infinity;
    let maxR = -Infinity, minR = Infinity, maxC = -Infinity, minC = Infinity, maxIo = -Infinity, minIo = Infinity;
    for (let b = b0; b < b1; b++) {
      if (this.bElig[b] === 0) continue;
      n += this.bElig[b];
      if (this.bMaxIo[b] > maxIo) maxIo = this.bMaxIo[b];
      if (this.bMinIo[b] < minIo) minIo = this.bMinIo[b];
      if (this.bMaxRS[b] > maxRS) maxRS = this.bMaxRS[b];
      if (this.bMinRS[b] < minRS) minRS = this.bMinRS[b];
      if (this.bMaxCS[b] > maxCS) maxCS = this.bMaxCS[b];
      if (this.bMinCS[b] < minCS) minCS = this.bMinCS[b];
      if (this.bMaxR[b] > maxR) maxR = this.bMaxR[b];
      if (this.bMinR[b] < minR) minR = this.bMinR[b];
      if (this.bMaxC[b] > maxC) maxC = this.bMaxC[b];
      if (this.bMinC[b] < minC) minC = this.bMinC[b];
    }
    this.sElig[S] = n;
    this.sMaxRS[S] = maxRS; this.sMinRS[S] = minRS; this.sMaxCS[S] = maxCS; this.sMinCS[S] = minCS;
    this.sMaxR[S] = maxR; this.sMinR[S] = minR; this.sMaxC[S] = maxC; this.sMinC[S] = minC;
    this.sMaxIo[S] = maxIo; this.sMinIo[S] = minIo;
    this.sFrontDirty[S] = 1;
  }

  /**
   * Pareto frontier of superblock S: its blocks' frontiers (a point dominated within its block is
   * dominated within the superblock) merged one after another; each is sorted by x descending
   * with y ascending, so a merge is linear.
   */
  private superFrontier(S: number): void {
    const b0 = S * SUPER, b1 = Math.min(this.blocks, b0 + SUPER);
    const sr = this.sr, sc = this.sc, raw = this.rawRam, rawC = this.rawCpu, bFront = this.bFront;
    let acc = this.mergeA, out = this.mergeB, m = 0, top = 0;
    const sBase = S * SUPER * BLOCK;
    for (let b = b0; b < b1; b++) {
      if (this.bElig[b] === 0) continue;
      if (this.bFrontDirty[b]) this.frontier(b);
      if (this.sio !== 0 && this.bMaxIo[b] > top) top = this.bMaxIo[b];
    }
    const levels = this.levels(top), io = this.rawIo, neg = this.sio < 0;
    for (let b = b0; b < b1; b++) {
      if (this.bElig[b] === 0) continue;
      const base = b * BLOCK, fc = this.bFrontCount[b];
      for (let l = 0; l <= top; l++) levels[l] = -Infinity;
      let i = 0, j = 0, n = 0, bestY = -Infinity;
      while (i < m || j < fc) {
        let h: number;
        if (j === fc) h = acc[i++];
        else if (i === m) h = bFront[base + j++];
        else {
          const a = acc[i], c = bFront[base + j];
          const ax = sr * raw[a], cx = sr * raw[c];
          if (ax > cx || (ax === cx && sc * rawC[a] >= sc * rawC[c])) { h = a; i++; } else { h = c; j++; }
        }
        const y = sc * rawC[h];
        if (top === 0) {
          if (y > bestY) { out[n++] = h; bestY = y; }
        } else {
          const level = neg ? io[h] : top - io[h];
          if (y > levels[level]) {
            out[n++] = h;
            for (let l = level; l <= top && levels[l] < y; l++) levels[l] = y;
          }
        }
      }
      const t = acc; acc = out; out = t; m = n;
    }
    this.sFront.set(acc.subarray(0, m), sBase);
    this.sFrontCount[S] = m;
    this.sFrontDirty[S] = 0;
  }

  /**
   * Pareto frontier of block b: its hosts sorted by (sr·r, sc·c) descending, keeping eligible
   * hosts whose y beats all kept before them at their I/O level or a better one. The block's
   * order is kept from the last sort, so after a placement or two the insertion sort has only a
   * few hosts to move.
   */
  private frontier(b: number): void {
    const base = b * BLOCK, n = this.bSize[b];
    const order = this.bOrder, sr = this.sr, sc = this.sc, raw = this.rawRam, rawC = this.rawCpu;
    if (this.bOrderDirty[b] === 2) {
      for (let q = base + 1; q < base + n; q++) {
        const h = order[q], x = sr * raw[h], y = sc * rawC[h];
        let pos = q;
        while (pos > base) {
          const o = order[pos - 1], ox = sr * raw[o];
          if (ox > x || (ox === x && sc * rawC[o] >= y)) break;
          order[pos] = o;
          pos--;
        }
        order[pos] = h;
      }
    } else if (this.bOrderDirty[b] === 1) {
      // One host moved: take it out and put it back at its place (ties after their equals, as the sort).
      const h = this.bMoved[b], x = sr * raw[h], y = sc * rawC[h], end = base + n;
      let q = base;
      while (order[q] !== h) q++;
      for (; q < end - 1; q++) order[q] = order[q + 1];
      let pos = base;
      while (pos < end - 1) {
        const o = order[pos], ox = sr * raw[o];
        if (!(ox > x || (ox === x && sc * rawC[o] >= y))) break;
        pos++;
      }
      for (q = end - 1; q > pos; q--) order[q] = order[q - 1];
      order[pos] = h;
    }
    this.bOrderDirty[b] = 0;
    if (this.bStale[b] !== 0) { this.summarise(b); this.bStale[b] = 0; }
    let m = 0;
    const top = this.sio === 0 || this.bElig[b] === 0 ? 0 : this.bMaxIo[b];
    if (top === 0) {
      // One I/O level (no operation in flight, or the count ignored): the plane's frontier.
      let bestY = -Infinity;
      for (let q = base; q < base + n; q++) {
        const h = order[q];
        if (this.slackRam[h] === -Infinity) continue;
        const y = sc * rawC[h];
        if (y > bestY) { this.bFront[base + m++] = h; bestY = y; }
      }
    } else {
      // Levels: 0 the best I/O count (the count itself for a negative multiplier, top − count
      // for a positive one); a host is kept when its y beats the best kept at its level or a
      // better one, which it then raises for its level and the worse ones.
      const levels = this.levels(top), io = this.rawIo, neg = this.sio < 0;
      for (let l = 0; l <= top; l++) levels[l] = -Infinity;
      for (let q = base; q < base + n; q++) {
        const h = order[q];
        if (this.slackRam[h] === -Infinity) continue;
        const y = sc * rawC[h], level = neg ? io[h] : top - io[h];
        if (y > levels[level]) {
          this.bFront[base + m++] = h;
          for (let l = level; l <= top && levels[l] < y; l++) levels[l] = y;
        }
      }
    }
    this.bFrontCount[b] = m;
    this.bFrontDirty[b] = 0;
  }

  /** The level scratch for counts up to `top` (grown, rarely, when a count exceeds its size). */
  private levels(top: number): Float64Array {
    if (top >= this.levelBest.length) this.levelBest = new Float64Array(2 * top + 2);
    return this.levelBest;
  }


  /** Host h changed (usage, reservation, service state). */
  update(h: number): void {
    const r0 = this.rawRam[h], c0 = this.rawCpu[h];
    const changed = this.setHost(h);
    // The block's order covers ineligible hosts too: one that moved is out of place even if it
    // stays out of the summaries.
    if (this.rawRam[h] !== r0 || this.rawCpu[h] !== c0) {
      const b = (h / BLOCK) | 0, d = this.bOrderDirty[b];
      if (d === 0) { this.bOrderDirty[b] = 1; this.bMoved[b] = h; }
      else if (d === 1 && this.bMoved[b] !== h) this.bOrderDirty[b] = 2;
    }
    // A host that was and stays ineligible does not enter its block's summary.
    if (changed) {
      const b = (h / BLOCK) | 0;
      const S = (b / SUPER) | 0;
      // Summaries are brought up to date when a placement reads them (refresh): a burst of
      // changes in one superblock costs one summary.
      this.bStale[b] = 1;
      this.sStale[S] = 1;
      this.bFrontDirty[b] = 1;
      this.sFrontDirty[S] = 1;
      this.bVersion[b]++;
      this.sVersion[S]++;
    }
  }

  /** Everything changed (start of a replication, a copy of another state). */
  rebuild(): void {
    for (let h = 0; h < this.s.hostCount; h++) this.setHost(h);
    this.bOrderDirty.fill(2);
    for (let b = 0; b < this.blocks; b++) this.summarise(b);
    for (let S = 0; S < this.supers; S++) this.summariseSuper(S);
    this.bStale.fill(0);
    this.sStale.fill(0);
    for (let b = 0; b < this.blocks; b++) this.bVersion[b]++;
    for (let S = 0; S < this.supers; S++) this.sVersion[S]++;
  }

  /** Brings superblock S's summaries (and its blocks') up to date; call before reading them. */
  refresh(S: number): void {
    if (this.sStale[S] === 0) return;
    const b0 = S * SUPER, b1 = Math.min(this.blocks, b0 + SUPER);
    for (let b = b0; b < b1; b++) if (this.bStale[b] !== 0) { this.summarise(b); this.bStale[b] = 0; }
    this.summariseSuper(S);
    this.sStale[S] = 0;
  }

  /**
   * The best weight w = (r − rLo)·ramScale + (c − cLo)·cpuScale + io·ioScale over the eligible
   * hosts of block b, exactly (same arithmetic as weighing a host): the scales have the
   * multipliers' signs (or are 0), so the maximum lies on the block's frontier.
   */
  bound(b: number, rLo: number, ramScale: number, cLo: number, cpuScale: number, ioScale: number): number {
    if (this.bFrontDirty[b]) this.frontier(b);
    let best = -Infinity;
    const base = b * BLOCK, m = this.bFrontCount[b];
    for (let q = 0; q < m; q++) {
      const h = this.bFront[base + q];
      const w = (this.rawRam[h] - rLo) * ramScale + (this.rawCpu[h] - cLo) * cpuScale + this.rawIo[h] * ioScale;
      if (w > best) best = w;
    }
    return best;
  }

  /**
   * The same exact best weight over the eligible hosts of superblock S. A superblock that changed
   * since it was last weighed (the last placement's destination, typically) is weighed block by
   * block, each block's bound going to `blockBounds` (the search reuses them); the merged
   * frontier is built only once it is weighed again unchanged. Returns whether it went by blocks.
   */
  superBound(S: number, rLo: number, ramScale: number, cLo: number, cpuScale: number, ioScale: number,
    out: Float64Array, blockBounds: Float64Array, blockVer: Float64Array): boolean {
    const dirty = this.sFrontDirty[S];
    if (dirty === 1) {
      this.sFrontDirty[S] = 2;
      const b0 = S * SUPER, b1 = Math.min(this.blocks, b0 + SUPER);
      let best = -Infinity;
      for (let b = b0; b < b1; b++) {
        // blockBounds[b] still holds b's bound for these scales when blockVer[b] says b has not changed.
        let w: number;
        if (blockVer[b] === this.bVersion[b]) w = blockBounds[b];
        else {
          w = this.bElig[b] === 0 ? -Infinity : this.bound(b, rLo, ramScale, cLo, cpuScale, ioScale);
          blockBounds[b] = w;
          blockVer[b] = this.bVersion[b];
        }
        if (w > best) best = w;
      }
      out[S] = best;
      return true;
    }
    if (dirty === 2) this.superFrontier(S);
    let best = -Infinity;
    const base = S * SUPER * BLOCK, m = this.sFrontCount[S];
    for (let q = 0; q < m; q++) {
      const h = this.sFront[base + q];
      const w = (this.rawRam[h] - rLo) * ramScale + (this.rawCpu[h] - cLo) * cpuScale + this.rawIo[h] * ioScale;
      if (w > best) best = w;
    }
    out[S] = best;
    return false;
  }
}
