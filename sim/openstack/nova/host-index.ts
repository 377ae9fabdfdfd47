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

/**
 * nova's weight of a host, as weights.py computes it after normalising each weigher over the
 * passing hosts: (freeRam − ramLow)·ramScale + (freeCpu − cpuLow)·cpuScale + ioOps·ioScale. The
 * scales carry the multipliers' signs (or are 0).
 */
export interface Weighing {
  ramLow: number;
  ramScale: number;
  cpuLow: number;
  cpuScale: number;
  ioScale: number;
}

/** Hosts per block (at most 32: a block's pending changes are the bits of one word). */
export const BLOCK = 16;
/** Blocks per superblock (at most 32, likewise). */
export const SUPER = 8;

/** Availability zone of a block or superblock whose hosts have none. */
export const ZONE_NONE = -1;
/** Availability zone of a block or superblock whose hosts are in several. */
export const ZONE_MIXED = -2;

/** State of a block's or superblock's Pareto frontier. */
export enum Frontier {
  /** Current. */
  Current = 0,
  /** A host changed; not weighed since. */
  Changed = 1,
  /** A host changed and the superblock has since been weighed block by block (superblocks only). */
  WeighedByBlocks = 2,
}

/** Whether a block's hosts are still in the order of its last frontier sort. */
export enum Order {
  Sorted = 0,
  /** Sorted but for one host (`Blocks.moved`): one placement, typically. */
  OneMoved = 1,
  Unsorted = 2,
}

/**
 * Summaries of one level of the index (blocks of BLOCK positions, or superblocks of SUPER
 * blocks), over its eligible hosts (service up and enabled, and in a shape's index fitting the
 * shape): how many, and the minimum and maximum of each per-host value.
 */
export class Summaries {
  /** Eligible hosts. */
  readonly eligible: Int32Array;
  readonly maxRamSlack: Float64Array; readonly minRamSlack: Float64Array;
  readonly maxCpuSlack: Float64Array; readonly minCpuSlack: Float64Array;
  readonly maxFreeRam: Float64Array; readonly minFreeRam: Float64Array;
  readonly maxFreeCpu: Float64Array; readonly minFreeCpu: Float64Array;
  readonly maxIoOps: Float64Array; readonly minIoOps: Float64Array;
  /** An eligible position holding the maximum free RAM, one for free CPU, one for num_io_ops (−1 none). */
  readonly argMaxFreeRam: Int32Array;
  readonly argMaxFreeCpu: Int32Array;
  readonly argMaxIoOps: Int32Array;
  /** Smallest max_unit of its hosts (eligible or not: it never changes). */
  readonly minMaxUnit: Float64Array;
  /** Availability zone shared by all its hosts, ZONE_NONE or ZONE_MIXED. */
  readonly zone: Int32Array;
  /** Enabled hosts whose service is down: placement still offers them (see candidatesEnd). */
  readonly downEnabled: Int32Array;
  /** Hosts placement offers for the index's request shape in any zone (shape indexes only). */
  readonly offered: Int32Array;
  /** Summaries out of date (brought up to date when a placement reads them). */
  readonly stale: Uint8Array;
  /**
   * Change counter, bumped whenever one of its hosts changes (or on rebuild), so that a bound
   * computed for the same weighing can be reused while the counter has not moved (Scheduler.select).
   */
  readonly version: Float64Array;
  /** Pareto-maximal eligible hosts (positions), `capacity` slots each, how many, and their state. */
  readonly frontier: Int32Array;
  readonly frontierCount: Int32Array;
  readonly frontierState: Uint8Array;

  constructor(readonly count: number, readonly capacity: number) {
    this.eligible = new Int32Array(count);
    this.maxRamSlack = new Float64Array(count); this.minRamSlack = new Float64Array(count);
    this.maxCpuSlack = new Float64Array(count); this.minCpuSlack = new Float64Array(count);
    this.maxFreeRam = new Float64Array(count); this.minFreeRam = new Float64Array(count);
    this.maxFreeCpu = new Float64Array(count); this.minFreeCpu = new Float64Array(count);
    this.maxIoOps = new Float64Array(count); this.minIoOps = new Float64Array(count);
    this.argMaxFreeRam = new Int32Array(count);
    this.argMaxFreeCpu = new Int32Array(count);
    this.argMaxIoOps = new Int32Array(count);
    this.minMaxUnit = new Float64Array(count).fill(Infinity);
    this.zone = new Int32Array(count);
    this.downEnabled = new Int32Array(count);
    this.offered = new Int32Array(count);
    this.stale = new Uint8Array(count);
    this.version = new Float64Array(count);
    this.frontier = new Int32Array(count * capacity);
    this.frontierCount = new Int32Array(count);
    this.frontierState = new Uint8Array(count).fill(Frontier.Changed);
  }

  /** Empties summary i (no eligible host). */
  clear(i: number): void {
    this.eligible[i] = 0;
    this.maxRamSlack[i] = -Infinity; this.minRamSlack[i] = Infinity;
    this.maxCpuSlack[i] = -Infinity; this.minCpuSlack[i] = Infinity;
    this.maxFreeRam[i] = -Infinity; this.minFreeRam[i] = Infinity;
    this.maxFreeCpu[i] = -Infinity; this.minFreeCpu[i] = Infinity;
    this.maxIoOps[i] = -Infinity; this.minIoOps[i] = Infinity;
    this.argMaxFreeRam[i] = -1; this.argMaxFreeCpu[i] = -1; this.argMaxIoOps[i] = -1;
  }

  /** Folds summary j of `from` into summary i: counts add, extremes widen. */
  fold(i: number, from: Summaries, j: number): void {
    this.eligible[i] += from.eligible[j];
    if (from.maxRamSlack[j] > this.maxRamSlack[i]) this.maxRamSlack[i] = from.maxRamSlack[j];
    if (from.minRamSlack[j] < this.minRamSlack[i]) this.minRamSlack[i] = from.minRamSlack[j];
    if (from.maxCpuSlack[j] > this.maxCpuSlack[i]) this.maxCpuSlack[i] = from.maxCpuSlack[j];
    if (from.minCpuSlack[j] < this.minCpuSlack[i]) this.minCpuSlack[i] = from.minCpuSlack[j];
    if (from.maxFreeRam[j] > this.maxFreeRam[i]) { this.maxFreeRam[i] = from.maxFreeRam[j]; this.argMaxFreeRam[i] = from.argMaxFreeRam[j]; }
    if (from.minFreeRam[j] < this.minFreeRam[i]) this.minFreeRam[i] = from.minFreeRam[j];
    if (from.maxFreeCpu[j] > this.maxFreeCpu[i]) { this.maxFreeCpu[i] = from.maxFreeCpu[j]; this.argMaxFreeCpu[i] = from.argMaxFreeCpu[j]; }
    if (from.minFreeCpu[j] < this.minFreeCpu[i]) this.minFreeCpu[i] = from.minFreeCpu[j];
    if (from.maxIoOps[j] > this.maxIoOps[i]) { this.maxIoOps[i] = from.maxIoOps[j]; this.argMaxIoOps[i] = from.argMaxIoOps[j]; }
    if (from.minIoOps[j] < this.minIoOps[i]) this.minIoOps[i] = from.minIoOps[j];
  }

  /** Folds one host's values into summary i. */
  foldHost(i: number, p: number, ramSlack: number, cpuSlack: number, freeRam: number, freeCpu: number, ioOps: number): void {
    this.eligible[i]++;
    if (ramSlack > this.maxRamSlack[i]) this.maxRamSlack[i] = ramSlack;
    if (ramSlack < this.minRamSlack[i]) this.minRamSlack[i] = ramSlack;
    if (cpuSlack > this.maxCpuSlack[i]) this.maxCpuSlack[i] = cpuSlack;
    if (cpuSlack < this.minCpuSlack[i]) this.minCpuSlack[i] = cpuSlack;
    if (freeRam > this.maxFreeRam[i]) { this.maxFreeRam[i] = freeRam; this.argMaxFreeRam[i] = p; }
    if (freeRam < this.minFreeRam[i]) this.minFreeRam[i] = freeRam;
    if (freeCpu > this.maxFreeCpu[i]) { this.maxFreeCpu[i] = freeCpu; this.argMaxFreeCpu[i] = p; }
    if (freeCpu < this.minFreeCpu[i]) this.minFreeCpu[i] = freeCpu;
    if (ioOps > this.maxIoOps[i]) { this.maxIoOps[i] = ioOps; this.argMaxIoOps[i] = p; }
    if (ioOps < this.minIoOps[i]) this.minIoOps[i] = ioOps;
  }

  /** Whether every eligible host of summary i passes a request's placement fit and zone. */
  allFit(i: number, ramMb: number, vcpus: number, az: number): boolean {
    return this.minRamSlack[i] >= ramMb && this.minCpuSlack[i] >= vcpus && ramMb <= this.minMaxUnit[i]
      && (az < 0 || this.zone[i] === az);
  }

  /** Whether no eligible host of summary i can pass (too small, or in another zone). */
  noneFit(i: number, ramMb: number, vcpus: number, az: number): boolean {
    const z = this.zone[i];
    return this.eligible[i] === 0 || this.maxRamSlack[i] < ramMb || this.maxCpuSlack[i] < vcpus
      || (az >= 0 && z !== ZONE_MIXED && z !== az);
  }
}

/**
 * What the scheduler reads per host, kept current as hosts change, in blocks of BLOCK
 * consecutive positions and superblocks of SUPER blocks that let a placement skip most hosts.
 * Position p holds host `hostAt[p]`: the hosts' own order, or placement's order of candidates
 * for one request shape (Scheduler, docs/scale.md), so that placement's first candidates are a
 * prefix of the positions.
 *
 * Per position: RAM and VCPU slack (placement capacity − used; −∞ when the ComputeFilter
 * rejects the host: service down or disabled, or in a shape's index when it does not fit the
 * shape) and the weighers' raw values (physical free RAM
 * total − reserved − used; vcpus × ratio − used; num_io_ops). Per block and superblock
 * (Summaries): min/max of these over eligible hosts, so that a block whose every host passes
 * contributes its extremes without a scan, and its Pareto frontier.
 *
 * The invariant the search rests on: nova's weight is linear in (free RAM, free CPU, num_io_ops)
 * with coefficients of the multipliers' signs, so the best weight of any set of hosts is attained
 * on the set's Pareto frontier (oriented by those signs). A block's frontier (2–5 hosts
 * typically) gives its exact best weight; a superblock's frontier is merged from its blocks'.
 * The search (Scheduler.select) weighs frontiers to bound each superblock and block exactly, scans
 * the best first and skips every one that cannot beat the k-th best found.
 *
 * The frontier is three-dimensional with the IoOpsWeigher on: a host stays unless another is at
 * least as good on RAM, CPU and I/O count. The counts are small integers (builds in flight), so
 * the sweep keeps the best y per count level: a host is kept when its y beats every kept host's
 * at its level or a better one. Summaries and frontiers are brought up to date lazily, when a
 * placement reads them. Measurements behind these choices: bench/results.md.
 */
export class HostIndex {
  readonly hostCount: number;
  /** Host at each position, and the position of each host. */
  readonly hostAt: Int32Array;
  readonly positionOf: Int32Array;
  readonly ramSlack: Float64Array;
  readonly cpuSlack: Float64Array;
  readonly freeRam: Float64Array;
  readonly freeCpu: Float64Array;
  readonly ioOps: Float64Array;
  /** Enabled with its service down (placement offers it, the ComputeFilter rejects it). */
  private readonly downEnabled: Uint8Array;
  /** Offered by placement for `shape` (enabled, fits), when the index is one shape's. */
  private readonly offeredHere: Uint8Array;
  readonly blocks: Summaries;
  readonly supers: Summaries;
  /** Eligible positions per block (the last block may be short). */
  readonly blockSize: Int32Array;
  /** Each block's positions in the order of its last frontier sort, and whether it still holds. */
  private readonly sortOrder: Int32Array;
  private readonly orderState: Uint8Array;
  private readonly moved: Int32Array;
  private readonly ramSign: number;
  private readonly cpuSign: number;
  /** Sign of the I/O multiplier: −1 fewer operations are better, 1 more, 0 the count is ignored. */
  private readonly ioSign: number;
  /** Best y kept so far at each I/O level or a better one (prefix maxima), for the sweeps. */
  private levelBest = new Float64Array(16);
  private readonly mergeA: Int32Array;
  private readonly mergeB: Int32Array;
  /**
   * Positions whose host changed since a placement last read them (`defer`), with counts per
   * block and superblock. A cloud with one index per request shape tells each index of every
   * change, but a shape's placements read only the positions before its candidates' end
   * (`flushCandidates`): changes beyond it wait until the candidates reach them.
   */
  private readonly pending: Uint32Array;
  private readonly superPending: Uint32Array;
  /** Superblocks holding pending changes, a bit each (32 a word). */
  private readonly pendingSupers: Uint32Array;
  /**
   * Where the last `flushCandidates` found the candidates' end: its superblock, and the hosts
   * offered before it (kept exact as offered counts change), so that the next placement of the
   * shape starts there instead of walking the span from its first superblock.
   */
  private endSuper = 0;
  private offeredBefore = 0;

  /**
   * `order`: the host at each position (a permutation of the hosts); the hosts' own order
   * without. `shape`: the one request shape the order is for (its offered hosts are counted).
   */
  constructor(private readonly s: IndexedHosts, order?: Int32Array, readonly shape?: { readonly ramMb: number; readonly vcpus: number }) {
    const H = s.hostCount;
    this.hostCount = H;
    const nb = Math.ceil(H / BLOCK), ns = Math.ceil(nb / SUPER);
    this.hostAt = new Int32Array(nb * BLOCK);
    this.positionOf = new Int32Array(H);
    this.ramSlack = new Float64Array(H);
    this.cpuSlack = new Float64Array(H);
    this.freeRam = new Float64Array(H);
    this.freeCpu = new Float64Array(H);
    this.ioOps = new Float64Array(H);
    this.downEnabled = new Uint8Array(H);
    this.offeredHere = new Uint8Array(H);
    this.blocks = new Summaries(nb, BLOCK);
    this.supers = new Summaries(ns, SUPER * BLOCK);
    this.blockSize = new Int32Array(nb);
    for (let b = 0; b < nb; b++) this.blockSize[b] = Math.min(H, (b + 1) * BLOCK) - b * BLOCK;
    this.sortOrder = new Int32Array(nb * BLOCK);
    this.orderState = new Uint8Array(nb);
    this.moved = new Int32Array(nb);
    this.mergeA = new Int32Array(SUPER * BLOCK);
    this.mergeB = new Int32Array(SUPER * BLOCK);
    this.pending = new Uint32Array(nb);
    this.superPending = new Uint32Array(ns);
    this.pendingSupers = new Uint32Array(Math.ceil(ns / 32));
    this.ramSign = s.nova.ramWeightMultiplier < 0 ? -1 : 1;
    this.cpuSign = s.nova.cpuWeightMultiplier < 0 ? -1 : 1;
    this.ioSign = Math.sign(s.ioOpsWeightMultiplier);
    this.layout(order);
  }

  /**
   * Lays the hosts out in `order` (the hosts' own order without) and rebuilds everything: a new
   * index, or one of the same shape reused for another placement order.
   */
  layout(order?: Int32Array): void {
    const s = this.s, H = this.hostCount, B = this.blocks, Sp = this.supers;
    for (let p = 0; p < H; p++) {
      const h = order === undefined ? p : order[p];
      this.hostAt[p] = h;
      this.positionOf[h] = p;
      this.sortOrder[p] = p;
    }
    // Placement counts and service state start from nothing (setHost counts them afresh).
    this.ramSlack.fill(0);
    this.downEnabled.fill(0);
    this.offeredHere.fill(0);
    B.downEnabled.fill(0); B.offered.fill(0); Sp.downEnabled.fill(0); Sp.offered.fill(0);
    this.endSuper = 0;
    this.offeredBefore = 0;
    B.minMaxUnit.fill(Infinity); Sp.minMaxUnit.fill(Infinity);
    for (let b = 0; b < B.count; b++) {
      const lo = b * BLOCK, hi = lo + this.blockSize[b];
      let zone = s.azOf[this.hostAt[lo]];
      for (let p = lo; p < hi; p++) {
        const h = this.hostAt[p];
        B.minMaxUnit[b] = Math.min(B.minMaxUnit[b], s.maxUnitMb[h]);
        if (s.azOf[h] !== zone) zone = ZONE_MIXED;
      }
      B.zone[b] = zone;
    }
    for (let S = 0; S < Sp.count; S++) {
      const b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
      let zone = B.zone[b0];
      for (let b = b0; b < b1; b++) {
        Sp.minMaxUnit[S] = Math.min(Sp.minMaxUnit[S], B.minMaxUnit[b]);
        if (B.zone[b] !== zone) zone = ZONE_MIXED;
      }
      Sp.zone[S] = zone;
    }
    this.rebuild();
  }

  /** Recomputes position p's values; returns whether it is or was eligible. */
  private setHost(p: number): boolean {
    const s = this.s, h = this.hostAt[p];
    const used = s.residentMb[h] + s.heldMb[h], usedCpu = s.residentVcpu[h] + s.heldVcpu[h];
    const wasEligible = this.ramSlack[p] !== -Infinity;
    // A shape's index keeps only the hosts that fit its shape: its summaries and frontiers are
    // then those of the hosts a request of that shape can pass on.
    const shape = this.shape;
    const fits = shape === undefined || (shape.ramMb <= s.maxUnitMb[h] && s.ramCap[h] - used >= shape.ramMb
      && s.vcpuCap[h] - usedCpu >= shape.vcpus);
    const eligible = s.serviceUp[h] !== 0 && s.enabled[h] !== 0 && fits;
    if (eligible) {
      this.ramSlack[p] = s.ramCap[h] - used;
      this.cpuSlack[p] = s.vcpuCap[h] - usedCpu;
    } else {
      this.ramSlack[p] = -Infinity;
      this.cpuSlack[p] = -Infinity;
    }
    this.freeRam[p] = s.totalMb[h] - s.reservedMb[h] - used;
    this.freeCpu[p] = s.vcpus[h] * s.cpuRatio[h] - usedCpu;
    this.ioOps[p] = this.ioSign === 0 ? 0 : s.ioOps[h];
    const down = s.serviceUp[h] === 0 && s.enabled[h] !== 0 ? 1 : 0;
    if (down !== this.downEnabled[p]) {
      const b = (p / BLOCK) | 0, d = down === 1 ? 1 : -1;
      this.downEnabled[p] = down;
      this.blocks.downEnabled[b] += d;
      this.supers.downEnabled[(b / SUPER) | 0] += d;
    }
    if (shape !== undefined) {
      const offered = s.enabled[h] !== 0 && fits ? 1 : 0;
      if (offered !== this.offeredHere[p]) {
        const b = (p / BLOCK) | 0, S = (b / SUPER) | 0, d = offered === 1 ? 1 : -1;
        this.offeredHere[p] = offered;
        this.blocks.offered[b] += d;
        this.supers.offered[S] += d;
        if (S < this.endSuper) this.offeredBefore += d;
      }
    }
    return eligible || wasEligible;
  }

  private summarise(b: number): void {
    const B = this.blocks, lo = b * BLOCK, hi = lo + this.blockSize[b];
    // Summaries.foldHost's fold, in locals: this runs for every block a change touched.
    let n = 0, maxRS = -Infinity, minRS = Infinity, maxCS = -Infinity, minCS = Infinity;
    let maxR = -Infinity, minR = Infinity, maxC = -Infinity, minC = Infinity, maxIo = -Infinity, minIo = Infinity;
    let argR = -1, argC = -1, argIo = -1;
    for (let p = lo; p < hi; p++) {
      const rs = this.ramSlack[p];
      if (rs === -Infinity) continue;
      n++;
      const cs = this.cpuSlack[p], r = this.freeRam[p], c = this.freeCpu[p], io = this.ioOps[p];
      if (rs > maxRS) maxRS = rs;
      if (rs < minRS) minRS = rs;
      if (cs > maxCS) maxCS = cs;
      if (cs < minCS) minCS = cs;
      if (r > maxR) { maxR = r; argR = p; }
      if (r < minR) minR = r;
      if (c > maxC) { maxC = c; argC = p; }
      if (c < minC) minC = c;
      if (io > maxIo) { maxIo = io; argIo = p; }
      if (io < minIo) minIo = io;
    }
    B.eligible[b] = n;
    B.maxRamSlack[b] = maxRS; B.minRamSlack[b] = minRS; B.maxCpuSlack[b] = maxCS; B.minCpuSlack[b] = minCS;
    B.maxFreeRam[b] = maxR; B.minFreeRam[b] = minR; B.maxFreeCpu[b] = maxC; B.minFreeCpu[b] = minC;
    B.maxIoOps[b] = maxIo; B.minIoOps[b] = minIo;
    B.argMaxFreeRam[b] = argR; B.argMaxFreeCpu[b] = argC; B.argMaxIoOps[b] = argIo;
    // The frontier is only needed when a placement weighs this block exactly: built lazily.
    B.frontierState[b] = Frontier.Changed;
  }

  private summariseSuper(S: number): void {
    const B = this.blocks, Sp = this.supers;
    const b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
    Sp.clear(S);
    for (let b = b0; b < b1; b++) if (B.eligible[b] !== 0) Sp.fold(S, B, b);
    Sp.frontierState[S] = Frontier.Changed;
  }

  /** A kept point's level: 0 the best I/O count (the count for a negative multiplier, top − count for a positive one). */
  private level(p: number, top: number): number {
    return this.ioSign < 0 ? this.ioOps[p] : top - this.ioOps[p];
  }

  /**
   * Pareto frontier of superblock S: its blocks' frontiers (a point dominated within its block is
   * dominated within the superblock) merged one after another; each is sorted by x descending
   * with y ascending, so a merge is linear.
   */
  private superFrontier(S: number): void {
    const B = this.blocks, Sp = this.supers;
    const b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
    const rs = this.ramSign, cs = this.cpuSign, ram = this.freeRam, cpu = this.freeCpu, bFront = B.frontier;
    let acc = this.mergeA, out = this.mergeB, m = 0, top = 0;
    for (let b = b0; b < b1; b++) {
      if (B.eligible[b] === 0) continue;
      if (B.frontierState[b] !== Frontier.Current) this.frontier(b);
      if (this.ioSign !== 0 && B.maxIoOps[b] > top) top = B.maxIoOps[b];
    }
    const levels = this.levels(top);
    for (let b = b0; b < b1; b++) {
      if (B.eligible[b] === 0) continue;
      const base = b * BLOCK, fc = B.frontierCount[b];
      for (let l = 0; l <= top; l++) levels[l] = -Infinity;
      let i = 0, j = 0, n = 0, bestY = -Infinity;
      while (i < m || j < fc) {
        let p: number;
        if (j === fc) p = acc[i++];
        else if (i === m) p = bFront[base + j++];
        else {
          const a = acc[i], c = bFront[base + j];
          const ax = rs * ram[a], cx = rs * ram[c];
          if (ax > cx || (ax === cx && cs * cpu[a] >= cs * cpu[c])) { p = a; i++; } else { p = c; j++; }
        }
        const y = cs * cpu[p];
        if (top === 0) {
          if (y > bestY) { out[n++] = p; bestY = y; }
        } else {
          const level = this.level(p, top);
          if (y > levels[level]) {
            out[n++] = p;
            for (let l = level; l <= top && levels[l] < y; l++) levels[l] = y;
          }
        }
      }
      const t = acc; acc = out; out = t; m = n;
    }
    Sp.frontier.set(acc.subarray(0, m), S * Sp.capacity);
    Sp.frontierCount[S] = m;
    Sp.frontierState[S] = Frontier.Current;
  }

  /**
   * Pareto frontier of block b: its positions sorted by (ramSign·freeRam, cpuSign·freeCpu)
   * descending, keeping eligible hosts whose y beats all kept before them at their I/O level or
   * a better one. The block's order is kept from the last sort, so after a placement or two the
   * insertion sort has only a few hosts to move.
   */
  private frontier(b: number): void {
    const B = this.blocks, base = b * BLOCK, n = this.blockSize[b];
    const order = this.sortOrder, rs = this.ramSign, cs = this.cpuSign, ram = this.freeRam, cpu = this.freeCpu;
    if (this.orderState[b] === Order.Unsorted) {
      for (let q = base + 1; q < base + n; q++) {
        const p = order[q], x = rs * ram[p], y = cs * cpu[p];
        let pos = q;
        while (pos > base) {
          const o = order[pos - 1], ox = rs * ram[o];
          if (ox > x || (ox === x && cs * cpu[o] >= y)) break;
          order[pos] = o;
          pos--;
        }
        order[pos] = p;
      }
    } else if (this.orderState[b] === Order.OneMoved) {
      // Take the moved host out and put it back at its place (ties after their equals, as the sort).
      const p = this.moved[b], x = rs * ram[p], y = cs * cpu[p], end = base + n;
      let q = base;
      while (order[q] !== p) q++;
      for (; q < end - 1; q++) order[q] = order[q + 1];
      let pos = base;
      while (pos < end - 1) {
        const o = order[pos], ox = rs * ram[o];
        if (!(ox > x || (ox === x && cs * cpu[o] >= y))) break;
        pos++;
      }
      for (q = end - 1; q > pos; q--) order[q] = order[q - 1];
      order[pos] = p;
    }
    this.orderState[b] = Order.Sorted;
    if (B.stale[b] !== 0) { this.summarise(b); B.stale[b] = 0; }
    let m = 0;
    const top = this.ioSign === 0 || B.eligible[b] === 0 ? 0 : B.maxIoOps[b];
    const levels = this.levels(top);
    for (let l = 0; l <= top; l++) levels[l] = -Infinity;
    // One I/O level (no operation in flight, or the count ignored) is the plane's frontier.
    for (let q = base; q < base + n; q++) {
      const p = order[q];
      if (this.ramSlack[p] === -Infinity) continue;
      const y = cs * cpu[p], level = top === 0 ? 0 : this.level(p, top);
      if (y > levels[level]) {
        B.frontier[base + m++] = p;
        for (let l = level; l <= top && levels[l] < y; l++) levels[l] = y;
      }
    }
    B.frontierCount[b] = m;
    B.frontierState[b] = Frontier.Current;
  }

  /** The level scratch for counts up to `top` (grown, rarely, when a count exceeds its size). */
  private levels(top: number): Float64Array {
    if (top >= this.levelBest.length) this.levelBest = new Float64Array(2 * top + 2);
    return this.levelBest;
  }

  /** Host h changed (usage, reservation, service state). */
  update(h: number): void {
    const p = this.positionOf[h];
    const r0 = this.freeRam[p], c0 = this.freeCpu[p];
    const changed = this.setHost(p);
    const b = (p / BLOCK) | 0;
    // The block's order covers ineligible hosts too: one that moved is out of place even if it
    // stays out of the summaries.
    if (this.freeRam[p] !== r0 || this.freeCpu[p] !== c0) {
      const st = this.orderState[b];
      if (st === Order.Sorted) { this.orderState[b] = Order.OneMoved; this.moved[b] = p; }
      else if (st === Order.OneMoved && this.moved[b] !== p) this.orderState[b] = Order.Unsorted;
    }
    // A host that was and stays ineligible does not enter its block's summary.
    if (changed) {
      const S = (b / SUPER) | 0, B = this.blocks, Sp = this.supers;
      // Summaries are brought up to date when a placement reads them (refresh): a burst of
      // changes in one superblock costs one summary.
      B.stale[b] = 1;
      Sp.stale[S] = 1;
      B.frontierState[b] = Frontier.Changed;
      Sp.frontierState[S] = Frontier.Changed;
      B.version[b]++;
      Sp.version[S]++;
    }
  }

  /** Host h changed: applied (`update`) when a placement next reads its position (`flushCandidates`). */
  defer(h: number): void {
    const p = this.positionOf[h], b = (p / BLOCK) | 0, S = (b / SUPER) | 0;
    this.pending[b] |= 1 << (p - b * BLOCK);
    this.superPending[S] |= 1 << (b - S * SUPER);
    this.pendingSupers[S >>> 5] |= 1 << (S & 31);
  }

  /**
   * Every host changed (a reservation set on every host, a copied state): a shape's index defers
   * them all, as `defer` does one (`rebuild` would recompute all positions at once). A placement
   * then applies only the superblocks up to its candidates' end, so a failure hook that
   * re-reserves every host costs what the candidates span, not what the cloud holds.
   */
  deferAll(): void {
    const nb = this.blocks.count, ns = this.supers.count;
    this.pending.fill(bits(BLOCK));
    this.pending[nb - 1] = bits(this.blockSize[nb - 1]);
    this.superPending.fill(bits(SUPER));
    this.superPending[ns - 1] = bits(nb - (ns - 1) * SUPER);
    this.pendingSupers.fill(bits(32));
    this.pendingSupers[this.pendingSupers.length - 1] = bits(ns - (this.pendingSupers.length - 1) * 32);
  }

  /**
   * Applies the deferred changes of superblock S. Pending positions are bits (a block's
   * positions, a superblock's blocks): the loops visit only what changed, lowest first.
   */
  private flushSuper(S: number): void {
    const pending = this.pending;
    let blocks = this.superPending[S];
    this.superPending[S] = 0;
    this.pendingSupers[S >>> 5] &= ~(1 << (S & 31));
    while (blocks !== 0) {
      const b = S * SUPER + 31 - Math.clz32(blocks & -blocks);
      blocks &= blocks - 1;
      let take = pending[b];
      pending[b] = 0;
      while (take !== 0) {
        const p = b * BLOCK + 31 - Math.clz32(take & -take);
        take &= take - 1;
        this.update(this.hostAt[p]);
      }
    }
  }

  /** Applies every deferred change. */
  flush(): void {
    this.flushUpTo(this.supers.count - 1);
  }

  /** Applies the deferred changes of superblocks 0 to last. */
  private flushUpTo(last: number): void {
    const words = this.pendingSupers;
    for (let w = 0; w < words.length && w * 32 <= last; w++) {
      let set = words[w];
      while (set !== 0) {
        const S = w * 32 + 31 - Math.clz32(set & -set);
        if (S > last) return;
        set &= set - 1;
        this.flushSuper(S);
      }
    }
  }

  /**
   * Applies the deferred changes a placement of the index's own shape (no zone asked) reads and
   * returns its candidates' end (candidatesEnd). Every superblock up to the one where the end
   * lies is brought up to date before its offered hosts are counted, so every position before
   * the end is current; the superblocks after it may stay out of date: the scheduler reads them
   * only through upper bounds (summaries, frontiers), which a superset of the current hosts'
   * values keeps valid. The walk starts from the last placement's end, not from the first
   * superblock: its cost follows what changed, not the candidates' span (docs/scale.md §5).
   * A shape's index only (its offered hosts are counted as they change).
   */
  flushCandidates(limit: number): number {
    // From the last placement's end: the superblocks up to it are brought up to date (the
    // offered counts before it follow), then the end moves back or on to where `limit` is
    // reached. Placements of one shape come in bursts, so it moves little.
    const Sp = this.supers, ns = Sp.count;
    let S = this.endSuper;
    this.flushUpTo(Math.min(S, ns - 1));
    let before = this.offeredBefore;
    while (S > 0 && before >= limit) before -= Sp.offered[--S];
    for (; S < ns; S++) {
      if (this.superPending[S] !== 0) this.flushSuper(S);
      if (before + Sp.offered[S] >= limit) break;
      before += Sp.offered[S];
    }
    this.endSuper = S;
    this.offeredBefore = before;
    return S === ns ? this.hostCount : this.endInside(S, limit - before);
  }

  /** The position after the `left`-th offered host of superblock S (its own shape's counts). */
  private endInside(S: number, left: number): number {
    const B = this.blocks, b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
    for (let b = b0; b < b1; b++) {
      if (B.offered[b] < left) { left -= B.offered[b]; continue; }
      const lo = b * BLOCK, hi = lo + this.blockSize[b];
      for (let p = lo; p < hi; p++) if (this.offeredHere[p] !== 0 && --left === 0) return p + 1;
    }
    return this.hostCount;
  }

  /** Everything changed (start of a replication, a copy of another state). */
  rebuild(): void {
    const B = this.blocks, Sp = this.supers;
    this.pending.fill(0);
    this.superPending.fill(0);
    this.pendingSupers.fill(0);
    for (let p = 0; p < this.hostCount; p++) this.setHost(p);
    this.orderState.fill(Order.Unsorted);
    for (let b = 0; b < B.count; b++) this.summarise(b);
    for (let S = 0; S < Sp.count; S++) this.summariseSuper(S);
    B.stale.fill(0);
    Sp.stale.fill(0);
    for (let b = 0; b < B.count; b++) B.version[b]++;
    for (let S = 0; S < Sp.count; S++) Sp.version[S]++;
  }

  /** Brings superblock S's summaries (and its blocks') up to date; call before reading them. */
  refresh(S: number): void {
    const B = this.blocks, Sp = this.supers;
    if (Sp.stale[S] === 0) return;
    const b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
    for (let b = b0; b < b1; b++) if (B.stale[b] !== 0) { this.summarise(b); B.stale[b] = 0; }
    this.summariseSuper(S);
    Sp.stale[S] = 0;
  }

  /** nova's weight of the host at position p. */
  weight(p: number, w: Weighing): number {
    return (this.freeRam[p] - w.ramLow) * w.ramScale + (this.freeCpu[p] - w.cpuLow) * w.cpuScale + this.ioOps[p] * w.ioScale;
  }

  /** The best weight over `count` positions of `list` from `base`. */
  private best(list: Int32Array, base: number, count: number, w: Weighing): number {
    let best = -Infinity;
    for (let q = 0; q < count; q++) {
      const v = this.weight(list[base + q], w);
      if (v > best) best = v;
    }
    return best;
  }

  /**
   * The best weight over the eligible hosts of block b, exactly (same arithmetic as weighing a
   * host): the scales have the multipliers' signs (or are 0), so the maximum lies on the
   * block's frontier.
   */
  bound(b: number, w: Weighing): number {
    const B = this.blocks;
    if (B.frontierState[b] !== Frontier.Current) this.frontier(b);
    return this.best(B.frontier, b * BLOCK, B.frontierCount[b], w);
  }

  /**
   * The same exact best weight over the eligible hosts of superblock S, into out[S]. A superblock
   * that changed since it was last weighed (the last placement's destination, typically) is
   * weighed block by block, each block's bound going to `blockBounds` (the search reuses them);
   * the merged frontier is built only once it is weighed again unchanged. Returns whether it
   * went by blocks.
   */
  superBound(S: number, w: Weighing, out: Float64Array, blockBounds: Float64Array, blockVersion: Float64Array): boolean {
    const B = this.blocks, Sp = this.supers;
    const state = Sp.frontierState[S];
    if (state === Frontier.Changed) {
      Sp.frontierState[S] = Frontier.WeighedByBlocks;
      const b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
      let best = -Infinity;
      for (let b = b0; b < b1; b++) {
        // blockBounds[b] still holds b's bound for this weighing when blockVersion[b] says b has not changed.
        let v: number;
        if (blockVersion[b] === B.version[b]) v = blockBounds[b];
        else {
          v = B.eligible[b] === 0 ? -Infinity : this.bound(b, w);
          blockBounds[b] = v;
          blockVersion[b] = B.version[b];
        }
        if (v > best) best = v;
      }
      out[S] = best;
      return true;
    }
    if (state === Frontier.WeighedByBlocks) this.superFrontier(S);
    out[S] = this.best(Sp.frontier, S * Sp.capacity, Sp.frontierCount[S], w);
    return false;
  }

  /** Whether the host at position p is one placement offers for the request (enabled, fits, in the zone). */
  private offered(p: number, ramMb: number, vcpus: number, az: number): boolean {
    const s = this.s, h = this.hostAt[p];
    if (s.enabled[h] === 0 || (az >= 0 && s.azOf[h] !== az) || ramMb > s.maxUnitMb[h]) return false;
    return s.ramCap[h] - (s.residentMb[h] + s.heldMb[h]) >= ramMb && s.vcpuCap[h] - (s.residentVcpu[h] + s.heldVcpu[h]) >= vcpus;
  }

  /**
   * How many hosts of summary i placement offers for the request, when the summaries answer
   * it without a scan (all or none of its hosts), else −1. Placement knows nothing of service
   * state, so an enabled host whose service is down is offered if it fits.
   */
  private offeredCount(L: Summaries, i: number, ramMb: number, vcpus: number, az: number): number {
    if (L.downEnabled[i] !== 0) return -1;
    if (L.noneFit(i, ramMb, vcpus, az)) return 0;
    return L.allFit(i, ramMb, vcpus, az) ? L.eligible[i] : -1;
  }

  /**
   * The end of placement's candidate list in this index's order: the position after the
   * `limit`-th host placement offers for a (ramMb, vcpus, az) request (enabled hosts that fit,
   * in the zone), or the end of the positions when fewer are offered. The scheduler filters
   * and weighs only positions before it.
   */
  candidatesEnd(ramMb: number, vcpus: number, az: number, limit: number): number {
    const B = this.blocks, Sp = this.supers;
    let left = limit;
    for (let S = 0; S < Sp.count; S++) {
      this.refresh(S);
      const n = this.offeredCount(Sp, S, ramMb, vcpus, az);
      if (n >= 0 && n < left) { left -= n; continue; }
      const b0 = S * SUPER, b1 = Math.min(B.count, b0 + SUPER);
      for (let b = b0; b < b1; b++) {
        const m = this.offeredCount(B, b, ramMb, vcpus, az);
        if (m >= 0 && m < left) { left -= m; continue; }
        const lo = b * BLOCK, hi = lo + this.blockSize[b];
        for (let p = lo; p < hi; p++) if (this.offered(p, ramMb, vcpus, az) && --left === 0) return p + 1;
      }
    }
    return this.hostCount;
  }
}

/** The low n bits set (n ≤ 32): every position of a block, every block of a superblock. */
function bits(n: number): number {
  return n >= 32 ? 0xffffffff : (1 << n) - 1;
}

/**
 * The indexes of one ComputeState (the hosts' own order, or one per request shape in
 * placement's order), told of every change to a host. `batch` defers the changes made inside
 * it to one update per touched host (or one rebuild when most hosts were touched): no
 * placement happens inside a batch.
 */
export class HostIndexes {
  readonly list: HostIndex[] = [];
  private readonly spare: HostIndex[] = [];
  private batching = false;
  private readonly touched: Int32Array;
  private readonly isTouched: Uint8Array;
  private touchedCount = 0;

  constructor(private readonly hostCount: number) {
    this.touched = new Int32Array(hostCount);
    this.isTouched = new Uint8Array(hostCount);
  }

  add(ix: HostIndex): void {
    this.list.push(ix);
  }

  /**
   * A new scheduler takes over: the indexes are kept aside for reuse (`reuse`), so that a state
   * reused across replications does not allocate them again.
   */
  release(): void {
    for (const ix of this.list) this.spare.push(ix);
    this.list.length = 0;
  }

  /** A kept index of this shape (undefined: the hosts' own order), back in service; or undefined. */
  reuse(ramMb?: number, vcpus?: number): HostIndex | undefined {
    const spare = this.spare;
    for (let i = 0; i < spare.length; i++) {
      const sh = spare[i].shape;
      if (ramMb === undefined ? sh === undefined : sh !== undefined && sh.ramMb === ramMb && sh.vcpus === vcpus) {
        const ix = spare[i];
        spare.splice(i, 1);
        this.list.push(ix);
        return ix;
      }
    }
    return undefined;
  }

  update(h: number): void {
    if (this.batching) {
      if (this.isTouched[h] === 0) { this.isTouched[h] = 1; this.touched[this.touchedCount++] = h; }
      return;
    }
    const l = this.list;
    // A shape's index defers (most changes land beyond its candidates); the one index of a
    // cloud within the limit is read whole by every placement, so it updates at once.
    for (let i = 0; i < l.length; i++) { const ix = l[i]; if (ix.shape === undefined) ix.update(h); else ix.defer(h); }
  }

  /**
   * Every host changed (a reservation set on every host, a copied state): the whole index is
   * rebuilt, a shape's index defers them (`HostIndex.deferAll`); inside a batch every host is
   * touched instead.
   */
  changedAll(): void {
    if (this.batching) { for (let h = 0; h < this.hostCount; h++) this.update(h); return; }
    for (let i = 0; i < this.list.length; i++) { const ix = this.list[i]; if (ix.shape === undefined) ix.rebuild(); else ix.deferAll(); }
  }

  batch(changes: () => void): void {
    if (this.batching) { changes(); return; }
    this.batching = true;
    try {
      changes();
    } finally {
      this.batching = false;
      const n = this.touchedCount;
      this.touchedCount = 0;
      for (let k = 0; k < n; k++) this.isTouched[this.touched[k]] = 0;
      if (n > this.hostCount / 4) this.changedAll();
      else for (let k = 0; k < n; k++) this.update(this.touched[k]);
    }
  }
}
