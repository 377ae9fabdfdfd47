import type { ComputeState } from './compute-state.js';

/** Hosts per block. */
export const BLOCK = 16;

/**
 * What the scheduler reads per host, kept current as hosts change, plus per-block summaries
 * (blocks of 16 consecutive hosts) that let a placement skip most hosts:
 *
 * - per host: RAM and VCPU slack (placement capacity − used; −∞ when the ComputeFilter rejects
 *   the host: service down or disabled) and the raw weigher values (physical free RAM
 *   total − reserved − used; vcpus × ratio − used);
 * - per block, over its eligible hosts: min/max of both slacks and both raw values (a block
 *   whose every host fits contributes its extremes without a scan), and the Pareto frontier of
 *   the raw values (oriented by the multipliers' signs). nova's weight is linear in the raw
 *   values with coefficients of the multipliers' signs, so a block's best weight is attained on
 *   its frontier (2–5 hosts typically): the search weighs the frontier to get the block's exact
 *   best, scans the best block first and skips every block that cannot beat the k-th best.
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
  readonly blocks: number;
  readonly bElig: Int32Array;
  readonly bSize: Int32Array;
  readonly bMaxRS: Float64Array; readonly bMinRS: Float64Array;
  readonly bMaxCS: Float64Array; readonly bMinCS: Float64Array;
  readonly bMaxR: Float64Array; readonly bMinR: Float64Array;
  readonly bMaxC: Float64Array; readonly bMinC: Float64Array;
  readonly bMinMaxUnit: Float64Array;
  /** Availability zone shared by the whole block; −1 none, −2 mixed. */
  readonly bAz: Int32Array;
  /** Pareto-maximal hosts of each block (BLOCK slots per block) and how many. */
  readonly bFront: Int32Array;
  readonly bFrontCount: Int32Array;
  private readonly bFrontDirty: Uint8Array;
  private readonly sr: number;
  private readonly sc: number;
  private readonly order: Int32Array;

  constructor(private readonly s: ComputeState) {
    const H = s.hostCount;
    this.slackRam = new Float64Array(H);
    this.slackCpu = new Float64Array(H);
    this.rawRam = new Float64Array(H);
    this.rawCpu = new Float64Array(H);
    const nb = Math.ceil(H / BLOCK);
    this.blocks = nb;
    this.bElig = new Int32Array(nb);
    this.bSize = new Int32Array(nb);
    this.bMaxRS = new Float64Array(nb); this.bMinRS = new Float64Array(nb);
    this.bMaxCS = new Float64Array(nb); this.bMinCS = new Float64Array(nb);
    this.bMaxR = new Float64Array(nb); this.bMinR = new Float64Array(nb);
    this.bMaxC = new Float64Array(nb); this.bMinC = new Float64Array(nb);
    this.bMinMaxUnit = new Float64Array(nb).fill(Infinity);
    this.bAz = new Int32Array(nb);
    this.bFront = new Int32Array(nb * BLOCK);
    this.bFrontCount = new Int32Array(nb);
    this.bFrontDirty = new Uint8Array(nb).fill(1);
    this.order = new Int32Array(BLOCK);
    this.sr = s.nova.ramWeightMultiplier < 0 ? -1 : 1;
    this.sc = s.nova.cpuWeightMultiplier < 0 ? -1 : 1;
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
    this.rawCpu[h] = s.vcpus[h] * s.nova.cpuRatio - usedCpu;
    return eligible || wasEligible;
  }

  private summarise(b: number): void {
    const lo = b * BLOCK, hi = lo + this.bSize[b];
    let n = 0, maxRS = -Infinity, minRS = Infinity, maxCS = -Infinity, minCS = Infinity;
    let maxR = -Infinity, minR = Infinity, maxC = -Infinity, minC = Infinity;
    for (let h = lo; h < hi; h++) {
      const rs = this.slackRam[h];
      if (rs === -Infinity) continue;
      n++;
      const cs = this.slackCpu[h], r = this.rawRam[h], c = this.rawCpu[h];
      if (rs > maxRS) maxRS = rs;
      if (rs < minRS) minRS = rs;
      if (cs > maxCS) maxCS = cs;
      if (cs < minCS) minCS = cs;
      if (r > maxR) maxR = r;
      if (r < minR) minR = r;
      if (c > maxC) maxC = c;
      if (c < minC) minC = c;
    }
    this.bElig[b] = n;
    this.bMaxRS[b] = maxRS; this.bMinRS[b] = minRS; this.bMaxCS[b] = maxCS; this.bMinCS[b] = minCS;
    this.bMaxR[b] = maxR; this.bMinR[b] = minR; this.bMaxC[b] = maxC; this.bMinC[b] = minC;
    // The frontier is only needed when a placement weighs this block exactly: built lazily.
    this.bFrontDirty[b] = 1;
  }

  /** Pareto frontier of block b: sort by (sr·r, sc·c) descending, keep hosts whose y beats all before. */
  private frontier(b: number): void {
    const lo = b * BLOCK, hi = lo + this.bSize[b];
    const order = this.order, sr = this.sr, sc = this.sc, raw = this.rawRam, rawC = this.rawCpu;
    let n = 0;
    for (let h = lo; h < hi; h++) {
      if (this.slackRam[h] === -Infinity) continue;
      let pos = n++;
      const x = sr * raw[h], y = sc * rawC[h];
      while (pos > 0) {
        const o = order[pos - 1], ox = sr * raw[o];
        if (ox > x || (ox === x && sc * rawC[o] >= y)) break;
        order[pos] = o;
        pos--;
      }
      order[pos] = h;
    }
    let m = 0, bestY = -Infinity;
    const base = b * BLOCK;
    for (let q = 0; q < n; q++) {
      const h = order[q], y = sc * rawC[h];
      if (y > bestY) { this.bFront[base + m++] = h; bestY = y; }
    }
    this.bFrontCount[b] = m;
    this.bFrontDirty[b] = 0;
  }

  /** Host h changed (usage, reservation, service state). */
  update(h: number): void {
    // A host that was and stays ineligible does not enter its block's summary.
    if (this.setHost(h)) this.summarise((h / BLOCK) | 0);
  }

  /** Everything changed (start of a replication, a copy of another state). */
  rebuild(): void {
    for (let h = 0; h < this.s.hostCount; h++) this.setHost(h);
    for (let b = 0; b < this.blocks; b++) this.summarise(b);
  }

  /**
   * The best weight w = (r − rLo)·ramScale + (c − cLo)·cpuScale over the eligible hosts of block
   * b, exactly (same arithmetic as weighing a host): ramScale and cpuScale have the multipliers'
   * signs (or are 0), so the maximum lies on the block's frontier.
   */
  bound(b: number, rLo: number, ramScale: number, cLo: number, cpuScale: number): number {
    if (this.bFrontDirty[b]) this.frontier(b);
    let best = -Infinity;
    const base = b * BLOCK, m = this.bFrontCount[b];
    for (let q = 0; q < m; q++) {
      const h = this.bFront[base + q];
      const w = (this.rawRam[h] - rLo) * ramScale + (this.rawCpu[h] - cLo) * cpuScale;
      if (w > best) best = w;
    }
    return best;
  }
}
