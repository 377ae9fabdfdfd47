import type { Rng } from '../random/streams.js';
import type { ComputeState } from './compute-state.js';

/**
 * nova's filter scheduler for one instance (openstack-facts §6.1, §7):
 *
 * - placement: MEMORY_MB and VCPU fit (used + requested ≤ capacity, requested ≤ max_unit);
 * - ComputeFilter: service up AND enabled;
 * - `ignore_hosts` (the evacuation source), AvailabilityZone, ServerGroupAntiAffinity;
 * - RAMWeigher on physical free RAM (total − reserved − used, NOT scaled by the ratio, §13.2)
 *   and CPUWeigher on vcpus × ratio − used, each normalised as nova's weights.py does with
 *   minval 0: (x − min(0, xmin)) / (xmax − min(0, xmin)), all equal ⇒ 0; times its multiplier;
 * - the winner is drawn uniformly among the `host_subset_size` best (ties keep host order, as
 *   Python's stable sort does); the caller claims it before the next request, which is how the
 *   instances of one request consume host state one after another.
 *
 * Cost: two passes over the hosts per placement (filter + maxima, then weights). Measured on the
 * 1,000-host scenario (bench/studies/evacuation.ts) this is ~2–3 µs per placement, and the fill
 * is cached, so an index (buckets by free RAM) was not needed.
 */
export class Scheduler {
  private readonly cand: Int32Array;
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly bestHosts: Int32Array;
  private readonly bestWeights: Float64Array;
  /** Number of placements asked for (for benches). */
  requests = 0;

  constructor(private readonly s: ComputeState, private readonly rng: Rng | undefined) {
    this.cand = new Int32Array(s.hostCount);
    this.mark = new Int32Array(s.hostCount);
    const k = Math.max(1, s.nova.hostSubsetSize);
    this.bestHosts = new Int32Array(k);
    this.bestWeights = new Float64Array(k);
  }

  /**
   * Chooses a host for a `ramMb`/`vcpus` request, or returns −1 (NoValidHost).
   * `ignoreHost`: −1 or the host to exclude; `group`: −1 or an anti-affinity group whose
   * members' hosts are excluded (`self` is not counted); `az`: −1 or the requested zone.
   */
  select(ramMb: number, vcpus: number, ignoreHost: number, group: number, az: number, self = -1): number {
    this.requests++;
    const s = this.s;
    const H = s.hostCount;
    const markStamp = ++this.stamp;
    if (group >= 0) {
      const members = s.groups[group];
      for (let m = 0; m < members.length; m++) {
        const i = members[m];
        if (i !== self && s.groupOf[i] === group && s.hostOf[i] >= 0) this.mark[s.hostOf[i]] = markStamp;
      }
    }
    const { serviceUp, enabled, azOf, maxUnitMb, residentMb, heldMb, ramCap, residentVcpu, heldVcpu, vcpuCap,
      totalMb, reservedMb, vcpus: hostVcpus } = s;
    const cpuRatio = s.nova.cpuRatio;
    const cand = this.cand, mark = this.mark;
    let n = 0;
    let rMax = -Infinity, rMin = Infinity, cMax = -Infinity, cMin = Infinity;
    for (let h = 0; h < H; h++) {
      if (serviceUp[h] === 0 || enabled[h] === 0 || h === ignoreHost) continue;
      if (az >= 0 && azOf[h] !== az) continue;
      const used = residentMb[h] + heldMb[h];
      if (ramMb > maxUnitMb[h] || used + ramMb > ramCap[h]) continue;
      const usedCpu = residentVcpu[h] + heldVcpu[h];
      if (usedCpu + vcpus > vcpuCap[h]) continue;
      if (mark[h] === markStamp) continue;
      cand[n++] = h;
      const r = totalMb[h] - reservedMb[h] - used;
      const c = hostVcpus[h] * cpuRatio - usedCpu;
      if (r > rMax) rMax = r;
      if (r < rMin) rMin = r;
      if (c > cMax) cMax = c;
      if (c < cMin) cMin = c;
    }
    if (n === 0) return -1;
    // weights.py normalisation with the weighers' minval = 0 (lowered if a value is below it).
    const rLo = Math.min(0, rMin), cLo = Math.min(0, cMin);
    const ramMult = s.nova.ramWeightMultiplier, cpuMult = s.nova.cpuWeightMultiplier;
    const ramScale = rMax === rLo ? 0 : ramMult / (rMax - rLo);
    const cpuScale = cMax === cLo ? 0 : cpuMult / (cMax - cLo);
    const k = Math.min(s.nova.hostSubsetSize, n);
    if (k === 1) {
      let best = -1, bestW = -Infinity;
      for (let j = 0; j < n; j++) {
        const h = cand[j];
        const w = (totalMb[h] - reservedMb[h] - residentMb[h] - heldMb[h] - rLo) * ramScale
          + (hostVcpus[h] * cpuRatio - residentVcpu[h] - heldVcpu[h] - cLo) * cpuScale;
        if (w > bestW) { bestW = w; best = h; }
      }
      return best;
    }
    // Top k by weight (stable: an equal weight never displaces an earlier host), then a uniform draw.
    const bh = this.bestHosts, bw = this.bestWeights;
    let filled = 0;
    for (let j = 0; j < n; j++) {
      const h = cand[j];
      const w = (totalMb[h] - reservedMb[h] - residentMb[h] - heldMb[h] - rLo) * ramScale
        + (hostVcpus[h] * cpuRatio - residentVcpu[h] - heldVcpu[h] - cLo) * cpuScale;
      if (filled === k && w <= bw[k - 1]) continue;
      let pos = filled < k ? filled++ : k - 1;
      while (pos > 0 && bw[pos - 1] < w) { bw[pos] = bw[pos - 1]; bh[pos] = bh[pos - 1]; pos--; }
      bw[pos] = w; bh[pos] = h;
    }
    const u = this.rng === undefined ? 0 : this.rng.next();
    return bh[Math.min(k - 1, Math.floor(u * k))];
  }
}
