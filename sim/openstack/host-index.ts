import type { ComputeState } from './compute-state.js';

/**
 * What the scheduler reads per host, kept up to date as hosts change so that a placement is one
 * tight pass over four arrays: RAM and VCPU slack (placement capacity − used; −∞ when the
 * ComputeFilter rejects the host: service down or disabled) and the raw RAM and CPU weigher
 * values (physical free RAM total − reserved − used; vcpus × ratio − used).
 *
 * Why not a tree: a segment tree with branch-and-bound over (max RAM, max CPU) per node was
 * tried and measured slower than this scan on the 1,000-host scenario, because with both
 * weighers on (antelope's default) a node's bound combines the best RAM of one host with the
 * best CPU of another and almost never prunes; with the RAM weigher alone it pruned well.
 */
export class HostIndex {
  readonly slackRam: Float64Array;
  readonly slackCpu: Float64Array;
  readonly rawRam: Float64Array;
  readonly rawCpu: Float64Array;

  constructor(private readonly s: ComputeState) {
    const H = s.hostCount;
    this.slackRam = new Float64Array(H);
    this.slackCpu = new Float64Array(H);
    this.rawRam = new Float64Array(H);
    this.rawCpu = new Float64Array(H);
    this.rebuild();
  }

  /** Host h changed (usage, reservation, service state). */
  update(h: number): void {
    const s = this.s;
    const used = s.residentMb[h] + s.heldMb[h], usedCpu = s.residentVcpu[h] + s.heldVcpu[h];
    if (s.serviceUp[h] !== 0 && s.enabled[h] !== 0) {
      this.slackRam[h] = s.ramCap[h] - used;
      this.slackCpu[h] = s.vcpuCap[h] - usedCpu;
    } else {
      this.slackRam[h] = -Infinity;
      this.slackCpu[h] = -Infinity;
    }
    this.rawRam[h] = s.totalMb[h] - s.reservedMb[h] - used;
    this.rawCpu[h] = s.vcpus[h] * s.nova.cpuRatio - usedCpu;
  }

  rebuild(): void {
    for (let h = 0; h < this.s.hostCount; h++) this.update(h);
  }
}
