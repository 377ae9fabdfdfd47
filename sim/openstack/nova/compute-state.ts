import type { Cloud } from '../cloud.js';
import { ioOpsWeightMultiplier } from './compute-schema.js';
import type { HostIndexes } from './host-index.js';
import { cloudHosts } from './hosts.js';
import { MB, ramCapacityByFit, resolveNova, vcpuCapacityByFit, type ResolvedNova } from './placement.js';

/** Instance states. running + down + evacuating + stranded = all instances, always. */
export const RUNNING = 0;
/** Its host crashed; not yet evacuated (waiting for detection, the operator or the hook). */
export const DOWN = 1;
/** Rebuilding on a destination, or restarting on its repaired source. */
export const EVACUATING = 2;
/** Evacuation found no valid host (ERROR on antelope, vm_state unchanged on kilo); waits for its source. */
export const STRANDED = 3;
export const STATE_NAMES = ['running', 'down', 'evacuating', 'stranded'] as const;

export interface FlavorInfo { name: string; ramMb: number; vcpus: number; share: number }

/**
 * Hosts and instances of one cloud in typed arrays (docs/openstack-facts.md §6, §7, §8).
 *
 * Per host, placement usage is split into `residentMb` (allocations of instances whose host it
 * is) and `heldMb` (allocations left on a dead source by instances evacuated away from it: they
 * stay "doubled-up" until the source's nova-compute restarts, §8.2, §13.6). Each host keeps an
 * intrusive doubly linked list of its instances so host-evacuate lists servers without a scan.
 */
export class ComputeState {
  readonly nova: ResolvedNova;
  /** IoOpsWeigher multiplier (release default resolved, compute-schema.ts). */
  readonly ioOpsWeightMultiplier: number;
  readonly hostCount: number;
  readonly hostNames: string[];
  readonly rackNames: string[];
  readonly azNames: string[];
  readonly flavors: FlavorInfo[];
  readonly totalMb: Float64Array;
  readonly vcpus: Float64Array;
  readonly rackOf: Int32Array;
  readonly azOf: Int32Array;
  readonly maxUnitMb: Float64Array;
  readonly isSpare: Uint8Array;
  /** The spare hosts, lowest first (the failure hook's loops visit these, not every host). */
  readonly spares: Int32Array;
  /** Σ reservedMb (whole MB each, so exact in any order): what the hosts' reservations hold back. */
  reservedSumMb = 0;
  /** Hosts whose service nova sees down (serviceUp 0). */
  servicesDown = 0;
  /**
   * Reservations and RAM capacities with every host at its own reservation, and at `releasedMb`
   * (setReservedAll): never written once built. While `reservedMb` and `ramCap` are one of these
   * pairs, not the working arrays, a change to one host first copies the pair into them.
   */
  private readonly baseRamCap: Float64Array;
  private readonly baseReservedSumMb: number;
  private readonly releasedReservedMb: Float64Array;
  private readonly releasedRamCap: Float64Array;
  private releasedMb = NaN;
  private readonly workReservedMb: Float64Array;
  private readonly workRamCap: Float64Array;
  /** Per-host placement settings (nova's, or the host's own: an imported inventory, hosts.ts). */
  readonly ramRatio: Float64Array;
  readonly cpuRatio: Float64Array;
  readonly reservedCpus: Float64Array;
  /** Each host's own reservation, which the failure hook's restore returns to. */
  readonly baseReservedMb: Float64Array;
  /** First host index of each rack, plus one past the end. */
  readonly rackStart: Int32Array;

  // Mutable host state. reservedMb and ramCap are the working arrays or one of the shared pairs
  // above: read them through the state, never keep them.
  reservedMb: Float64Array;
  ramCap: Float64Array;
  readonly vcpuCap: Float64Array;
  readonly residentMb: Float64Array;
  readonly heldMb: Float64Array;
  readonly residentVcpu: Float64Array;
  readonly heldVcpu: Float64Array;
  /** Physically running. */
  readonly alive: Uint8Array;
  /** nova's view: the service is up (heartbeat fresh, not forced down). */
  readonly serviceUp: Uint8Array;
  /** nova-compute service enabled (spares are disabled). */
  readonly enabled: Uint8Array;
  readonly head: Int32Array;
  readonly residentCount: Int32Array;
  /**
   * The scheduler's HostState.num_io_ops (docs/openstack-facts.md §7, IoOpsWeigher): builds and rebuilds
   * in flight on the host as the scheduler knows them (see ioStart / ioEnd / ioReset).
   */
  readonly ioOps: Float64Array;

  // Instances (a fixed population; churn replaces one in place).
  readonly instanceCount: number;
  readonly flavorOf: Int32Array;
  readonly ramMb: Float64Array;
  readonly vcpusOf: Float64Array;
  readonly hostOf: Int32Array;
  /** The host it lived on before any failure: where the operator moves it back to. */
  readonly homeOf: Int32Array;
  readonly groupOf: Int32Array;
  readonly azReq: Int32Array;
  /** Host whose num_io_ops counts this instance's build/rebuild in flight, −1 none. */
  readonly ioHost: Int32Array;
  readonly state: Uint8Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** Members of each anti-affinity group (fixed at build; check groupOf for churned members). */
  readonly groups: Int32Array[];
  /** The scheduler's indexes, told of every change to a host (set by the Scheduler). */
  index: HostIndexes | undefined;

  constructor(cloud: Cloud, instanceCount: number, groupCount: number) {
    this.nova = resolveNova(cloud.nova);
    this.ioOpsWeightMultiplier = ioOpsWeightMultiplier(cloud.nova);
    const racks = cloud.racks;
    this.rackNames = racks.map((r) => r.name);
    this.flavors = cloud.flavors.map((f) => ({ name: f.name, ramMb: Math.round(f.ram / MB), vcpus: f.vcpus, share: f.share }));
    const specs = cloudHosts(cloud);
    const H = specs.length;
    this.hostCount = H;
    this.hostNames = specs.map((x) => x.name);
    this.azNames = [...new Set(specs.map((x) => x.availabilityZone).filter((a): a is string => a !== undefined))];
    this.totalMb = Float64Array.from(specs, (x) => x.totalMb);
    this.vcpus = Float64Array.from(specs, (x) => x.vcpus);
    this.rackOf = Int32Array.from(specs, (x) => x.rack);
    this.azOf = Int32Array.from(specs, (x) => (x.availabilityZone === undefined ? -1 : this.azNames.indexOf(x.availabilityZone)));
    this.maxUnitMb = Float64Array.from(specs, (x) => x.maxUnitMb);
    this.ramRatio = Float64Array.from(specs, (x) => x.ramRatio);
    this.cpuRatio = Float64Array.from(specs, (x) => x.cpuRatio);
    this.reservedCpus = Float64Array.from(specs, (x) => x.reservedCpus);
    this.baseReservedMb = Float64Array.from(specs, (x) => x.reservedMb);
    this.isSpare = new Uint8Array(H);
    this.rackStart = new Int32Array(racks.length + 1);
    for (let h = H - 1; h >= 0; h--) this.rackStart[specs[h].rack] = h;
    this.rackStart[racks.length] = H;
    // Spares are spread over racks (one rack outage must not take all of them): the last host of
    // rack 0, of rack 1, …, then the second-to-last of rack 0, …
    for (let j = 0; j < Math.min(cloud.spare_hosts, H); j++) {
      const ri = j % racks.length, depth = Math.floor(j / racks.length);
      const cand = this.rackStart[ri + 1] - 1 - depth;
      if (cand >= this.rackStart[ri]) this.isSpare[cand] = 1;
    }
    this.spares = Int32Array.from(this.isSpare.keys()).filter((h) => this.isSpare[h] !== 0);
    this.reservedMb = this.workReservedMb = Float64Array.from(this.baseReservedMb);
    for (let h = 0; h < H; h++) this.reservedSumMb += this.reservedMb[h];
    this.ramCap = this.workRamCap = new Float64Array(H);
    this.vcpuCap = new Float64Array(H);
    this.residentMb = new Float64Array(H);
    this.heldMb = new Float64Array(H);
    this.residentVcpu = new Float64Array(H);
    this.heldVcpu = new Float64Array(H);
    this.alive = new Uint8Array(H).fill(1);
    this.serviceUp = new Uint8Array(H).fill(1);
    this.enabled = new Uint8Array(H);
    for (let i = 0; i < H; i++) this.enabled[i] = this.isSpare[i] || !specs[i].enabled ? 0 : 1;
    this.head = new Int32Array(H).fill(-1);
    this.residentCount = new Int32Array(H);
    this.ioOps = new Float64Array(H);
    for (let i = 0; i < H; i++) this.updateCapacity(i);
    this.baseRamCap = Float64Array.from(this.ramCap);
    this.releasedReservedMb = new Float64Array(H);
    this.releasedRamCap = new Float64Array(H);
    this.baseReservedSumMb = this.reservedSumMb;

    const N = instanceCount;
    this.instanceCount = N;
    this.flavorOf = new Int32Array(N);
    this.ramMb = new Float64Array(N);
    this.vcpusOf = new Float64Array(N);
    this.hostOf = new Int32Array(N).fill(-1);
    this.homeOf = new Int32Array(N).fill(-1);
    this.groupOf = new Int32Array(N).fill(-1);
    this.azReq = new Int32Array(N).fill(-1);
    this.ioHost = new Int32Array(N).fill(-1);
    this.state = new Uint8Array(N);
    this.next = new Int32Array(N).fill(-1);
    this.prev = new Int32Array(N).fill(-1);
    this.groups = new Array(groupCount);
  }

  private names: Map<string, number> | undefined;

  /** Index of the host called `name`, −1 if none (a map: imported clouds pin 10⁵ instances by name). */
  hostIndex(name: string): number {
    if (this.names === undefined) {
      this.names = new Map();
      for (let h = this.hostCount - 1; h >= 0; h--) this.names.set(this.hostNames[h], h);
    }
    return this.names.get(name) ?? -1;
  }

  /** Recomputes a host's placement capacity after its reservation changed (the working arrays: ownArrays first). */
  private updateCapacity(h: number): void {
    const n = this.nova;
    this.ramCap[h] = ramCapacityByFit(n.ramFit, this.totalMb[h], this.reservedMb[h], this.ramRatio[h]);
    this.vcpuCap[h] = vcpuCapacityByFit(n.vcpuFit, this.vcpus[h], this.reservedCpus[h], this.cpuRatio[h]);
    this.index?.update(h);
  }

  /**
   * A new reservation on every host at once (the failure hook), told to the indexes once. Only
   * the RAM capacity depends on the reservation (vCPUs have their own, reservedCpus). The
   * reservations and capacities for `mb` are computed at the first call and shared after: a hook
   * releases to one value, many times a year on a large cloud, and each release then costs
   * nothing per host (docs/scale.md §5).
   */
  setReservedAll(mb: number): void {
    if (this.releasedMb !== mb) {
      const n = this.nova;
      this.releasedReservedMb.fill(mb);
      for (let h = 0; h < this.hostCount; h++) this.releasedRamCap[h] = ramCapacityByFit(n.ramFit, this.totalMb[h], mb, this.ramRatio[h]);
      this.releasedMb = mb;
    }
    this.reservedMb = this.releasedReservedMb;
    this.ramCap = this.releasedRamCap;
    this.reservedSumMb = mb * this.hostCount;
    this.index?.changedAll();
  }

  /** Every host back to its own reservation (the failure hook's restore), told to the indexes once. */
  restoreReservedAll(): void {
    this.reservedMb = this.baseReservedMb;
    this.ramCap = this.baseRamCap;
    this.reservedSumMb = this.baseReservedSumMb;
    this.index?.changedAll();
  }

  /** Before one host's reservation or capacity is written: a shared pair is copied into the working arrays. */
  private ownArrays(): void {
    if (this.reservedMb === this.workReservedMb) return;
    this.workReservedMb.set(this.reservedMb);
    this.workRamCap.set(this.ramCap);
    this.reservedMb = this.workReservedMb;
    this.ramCap = this.workRamCap;
  }

  /** nova's view of the service (ComputeFilter). */
  setServiceUp(h: number, up: boolean): void {
    const v = up ? 1 : 0;
    this.servicesDown += this.serviceUp[h] - v;
    this.serviceUp[h] = v;
    this.index?.update(h);
  }

  setEnabled(h: number, enabled: boolean): void {
    this.enabled[h] = enabled ? 1 : 0;
    this.index?.update(h);
  }

  setReserved(h: number, mb: number): void {
    this.ownArrays();
    this.reservedSumMb += mb - this.reservedMb[h];
    this.reservedMb[h] = mb;
    this.updateCapacity(h);
  }

  usedMb(h: number): number {
    return this.residentMb[h] + this.heldMb[h];
  }

  /** Placement's test: used + requested ≤ capacity (and requested ≤ max_unit). */
  fits(h: number, ramMb: number, vcpus: number): boolean {
    return ramMb <= this.maxUnitMb[h]
      && this.ramCap[h] - (this.residentMb[h] + this.heldMb[h]) >= ramMb
      && this.vcpuCap[h] - (this.residentVcpu[h] + this.heldVcpu[h]) >= vcpus;
  }

  setFlavor(i: number, f: number): void {
    this.flavorOf[i] = f;
    this.ramMb[i] = this.flavors[f].ramMb;
    this.vcpusOf[i] = this.flavors[f].vcpus;
  }

  /** Puts instance i on host h with its allocation (the destination claim). */
  attach(i: number, h: number): void {
    this.place(i, h);
    this.index?.update(h);
  }

  /**
   * attach, then ioStart: a build or rebuild placed on h (consume_from_request), with one index
   * update for both (a cloud past the limit tells each of its shapes' indexes).
   */
  attachBuilding(i: number, h: number): void {
    this.place(i, h);
    this.countBuild(i, h);
    this.index?.update(h);
  }

  private place(i: number, h: number): void {
    this.hostOf[i] = h;
    const first = this.head[h];
    this.next[i] = first;
    this.prev[i] = -1;
    if (first >= 0) this.prev[first] = i;
    this.head[h] = i;
    this.residentCount[h]++;
    this.residentMb[h] += this.ramMb[i];
    this.residentVcpu[h] += this.vcpusOf[i];
  }

  /** Takes instance i off its host; `keepAllocation` leaves its allocation held (doubled) there. */
  detach(i: number, keepAllocation: boolean): void {
    const h = this.hostOf[i];
    const p = this.prev[i], n = this.next[i];
    if (p >= 0) this.next[p] = n; else this.head[h] = n;
    if (n >= 0) this.prev[n] = p;
    this.next[i] = this.prev[i] = -1;
    this.residentCount[h]--;
    this.residentMb[h] -= this.ramMb[i];
    this.residentVcpu[h] -= this.vcpusOf[i];
    if (keepAllocation) {
      this.heldMb[h] += this.ramMb[i];
      this.heldVcpu[h] += this.vcpusOf[i];
    }
    this.hostOf[i] = -1;
    this.index?.update(h);
  }

  /** The source's nova-compute restarted: it drops the allocations of instances evacuated away (§8.2). */
  releaseHeld(h: number): void {
    this.heldMb[h] = 0;
    this.heldVcpu[h] = 0;
    this.index?.update(h);
  }

  /**
   * Instance i's build or rebuild on host h begins, as the scheduler sees it: consume_from_request
   * adds one I/O operation to the chosen host's num_io_ops for every placement, and the compute's
   * stats (nova/compute/stats.py io_workload: vm_state building, task_state rebuilding, …) keep it
   * counted in the compute node record the scheduler refreshes from. A count left on another host
   * (i rebuilding on a host that died) stays there: a dead compute's record is frozen until it
   * restarts (ioReset).
   */
  ioStart(i: number, h: number): void {
    this.countBuild(i, h);
    // With the weigher off the index ignores the count (HostIndex.ioOps stays 0).
    if (this.ioOpsWeightMultiplier !== 0) this.index?.update(h);
  }

  private countBuild(i: number, h: number): void {
    this.ioHost[i] = h;
    this.ioOps[h]++;
  }

  /** Instance i's build or rebuild finished: its host's count drops (the compute's stats update). */
  ioEnd(i: number): void {
    const h = this.ioHost[i];
    if (h < 0) return;
    this.ioHost[i] = -1;
    this.ioOps[h]--;
    if (this.ioOpsWeightMultiplier !== 0) this.index?.update(h);
  }

  /**
   * Host h died: the operations in flight on it die with it, but its compute node record (and
   * so the scheduler's num_io_ops) keeps the last count until the compute restarts (ioReset).
   */
  ioFreeze(h: number): void {
    for (let i = this.head[h]; i >= 0; i = this.next[i]) if (this.ioHost[i] === h) this.ioHost[i] = -1;
  }

  /** Host h's nova-compute restarted: its resource tracker recounts, with nothing in flight. */
  ioReset(h: number): void {
    this.ioFreeze(h);
    this.ioOps[h] = 0;
    if (this.ioOpsWeightMultiplier !== 0) this.index?.update(h);
  }

  /**
   * Numbers the instances host by host, each host's list in its order. The fill creates them in
   * request order, scattered over the hosts; numbered by host, a host-evacuate walks consecutive
   * indexes and reads each per-instance array a cache line at a time, not one cache miss per
   * array and instance (400,000 instances: 0.8× CPU per replication, bench/results.md). The
   * numbering is a label: only draws that pick an instance by its number (churn) see it. Call
   * before anything holds instance numbers (the fill's end).
   */
  renumberByHost(): void {
    const N = this.instanceCount;
    const order = new Int32Array(N), start = new Int32Array(this.hostCount + 1);
    let n = 0;
    for (let h = 0; h < this.hostCount; h++) {
      start[h] = n;
      for (let i = this.head[h]; i >= 0; i = this.next[i]) order[n++] = i;
    }
    const placed = start[this.hostCount] = n;
    for (let i = 0; i < N; i++) if (this.hostOf[i] < 0) order[n++] = i;
    // One loop per array type: a loop shared by all three reads ~4× slower (polymorphic). An
    // array holding one value throughout (a fill's homeOf, ioHost, state) is left as it is.
    const f64 = new Float64Array(N), i32 = new Int32Array(N), u8 = new Uint8Array(N);
    for (const a of [this.ramMb, this.vcpusOf]) { if (!uniform(a)) { for (let k = 0; k < N; k++) f64[k] = a[order[k]]; a.set(f64); } }
    for (const a of [this.flavorOf, this.homeOf, this.groupOf, this.azReq, this.ioHost]) {
      if (uniform(a)) continue;
      for (let k = 0; k < N; k++) i32[k] = a[order[k]];
      a.set(i32);
    }
    if (!uniform(this.state)) { for (let k = 0; k < N; k++) u8[k] = this.state[order[k]]; this.state.set(u8); }
    // Each host's instances are now a run of consecutive numbers, in list order: the host, the
    // links and the heads follow from the runs (the unplaced, at the end, are in no list).
    for (let h = 0; h < this.hostCount; h++) {
      const first = start[h], k = start[h + 1];
      this.head[h] = k > first ? first : -1;
      for (let j = first; j < k; j++) {
        this.hostOf[j] = h;
        this.prev[j] = j > first ? j - 1 : -1;
        this.next[j] = j + 1 < k ? j + 1 : -1;
      }
    }
    this.hostOf.fill(-1, placed);
    this.prev.fill(-1, placed);
    this.next.fill(-1, placed);
    if (this.groups.length > 0) {
      const renumbered = i32;
      for (let j = 0; j < N; j++) renumbered[order[j]] = j;
      for (const members of this.groups) for (let m = 0; m < members.length; m++) members[m] = renumbered[members[m]];
    }
  }

  /** Copies all mutable state from a state built from the same cloud (the cached fill). */
  copyFrom(o: ComputeState): void {
    this.reservedMb = this.workReservedMb; this.ramCap = this.workRamCap;
    this.reservedMb.set(o.reservedMb); this.reservedSumMb = o.reservedSumMb; this.ramCap.set(o.ramCap); this.vcpuCap.set(o.vcpuCap);
    this.residentMb.set(o.residentMb); this.heldMb.set(o.heldMb);
    this.residentVcpu.set(o.residentVcpu); this.heldVcpu.set(o.heldVcpu);
    this.alive.set(o.alive); this.serviceUp.set(o.serviceUp); this.servicesDown = o.servicesDown; this.enabled.set(o.enabled);
    this.head.set(o.head); this.residentCount.set(o.residentCount); this.ioOps.set(o.ioOps);
    this.flavorOf.set(o.flavorOf); this.ramMb.set(o.ramMb); this.vcpusOf.set(o.vcpusOf);
    this.hostOf.set(o.hostOf); this.homeOf.set(o.homeOf); this.groupOf.set(o.groupOf);
    this.azReq.set(o.azReq); this.ioHost.set(o.ioHost); this.state.set(o.state); this.next.set(o.next); this.prev.set(o.prev);
    for (let g = 0; g < o.groups.length; g++) this.groups[g] = o.groups[g];
    this.index?.changedAll();
  }

  /** Totals for reports: physical RAM of all hosts, MB. */
  totalRamMb(): number {
    let s = 0;
    for (let h = 0; h < this.hostCount; h++) s += this.totalMb[h];
    return s;
  }
}

/** Whether every element of `a` equals the first. */
function uniform(a: Float64Array | Int32Array | Uint8Array): boolean {
  const x = a.length > 0 ? a[0] : 0;
  for (let k = 1; k < a.length; k++) if (a[k] !== x) return false;
  return true;
}
