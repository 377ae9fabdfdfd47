import type { Cloud } from '../cloud.js';
import { Streams, type Rng } from '../../random/streams.js';
import { Shares } from '../../random/distributions.js';
import { grown } from '../../engine/grow.js';
import { ComputeState, RUNNING } from './compute-state.js';
import { Scheduler } from './scheduler.js';

/**
 * What the initial placement asks for: one row per instance, in request order. Typed arrays
 * grown by doubling: 400,000 pushes onto four plain arrays cost ~0.2 s of a 2 s fill.
 */
class Requests {
  count = 0;
  groupCount = 0;
  flavor = new Int32Array(1024);
  group = new Int32Array(1024);
  az = new Int32Array(1024);
  /** Pinned host index, or −1 for the scheduler. */
  pin = new Int32Array(1024);

  /** `count` instances of flavor f in group g (−1 none), zone az (−1 any), pinned to host pin (−1 none). */
  add(f: number, g: number, az: number, pin: number, count: number): void {
    const n = this.count + count;
    if (n > this.flavor.length) {
      const size = Math.max(n, this.flavor.length * 2);
      this.flavor = grown(this.flavor, size);
      this.group = grown(this.group, size);
      this.az = grown(this.az, size);
      this.pin = grown(this.pin, size);
    }
    for (let i = this.count; i < n; i++) { this.flavor[i] = f; this.group[i] = g; this.az[i] = az; this.pin[i] = pin; }
    this.count = n;
  }
}

export interface BuiltCloud {
  state: ComputeState;
  /** Instances of the fill or list that got NoValidHost at build time (they do not exist). */
  fillFailures: number;
}

/**
 * The initial placement: every instance goes through the scheduler in request order (so spread
 * vs stack and anti-affinity show), or is pinned by an explicit `instances:` line.
 *
 * The fill draws from stream `fill` of `replication`: the study's default fills anew in every
 * replication (the same draws for every design: common random numbers), so results include the
 * luck of the packing. With `initial_layout: fixed` it is one realisation per scenario seed
 * (replication −1), a pure function of (cloud, seed) that the evacuation study keeps in its
 * loaded scenario's Memo under `fillKey` — the 40,000-instance fill then costs once per worker,
 * not per replication.
 */
export function buildCloud(cloud: Cloud, seed: number | string, replication = -1): BuiltCloud {
  const probe = new ComputeState(cloud, 0, 0);
  const streams = new Streams(seed, replication);
  const rng = streams.stream('fill');
  const req = cloud.instances !== undefined ? listRequests(cloud, probe) : fillRequests(cloud, probe, rng);
  const N = req.count;
  const trial = new ComputeState(cloud, N, req.groupCount);
  setGroups(trial, req.group.subarray(0, N), req.groupCount);
  const scheduler = new Scheduler(trial, rng, { placement: streams.stream('placement') });
  let failures = 0;
  for (let i = 0; i < N; i++) {
    trial.setFlavor(i, req.flavor[i]);
    trial.groupOf[i] = req.group[i];
    trial.azReq[i] = req.az[i];
  }
  // Pinned instances are the layout that exists already (an imported cloud): they go first, and
  // the scheduler places the others around them (pinProblems has checked that they fit).
  for (let i = 0; i < N; i++) if (req.pin[i] >= 0) trial.attach(i, req.pin[i]);
  for (let i = 0; i < N; i++) {
    if (req.pin[i] >= 0) continue;
    const h = scheduler.select(trial.ramMb[i], trial.vcpusOf[i], -1, req.group[i], req.az[i], i);
    if (h < 0) { failures++; continue; }
    trial.attach(i, h);
  }
  // A fill's instances have no names: number them host by host (renumberByHost). Listed
  // instances keep their lines' order, which traces and hand-worked logs refer to.
  const byHost = cloud.instances === undefined;
  if (failures === 0) return { state: finish(trial, byHost), fillFailures: 0 };
  // Rebuild without the instances that never got a host, on the same hosts, in the same order.
  const keep: number[] = [];
  for (let i = 0; i < N; i++) if (trial.hostOf[i] >= 0) keep.push(i);
  const out = new ComputeState(cloud, keep.length, req.groupCount);
  keep.forEach((old, i) => {
    out.setFlavor(i, trial.flavorOf[old]);
    out.groupOf[i] = trial.groupOf[old];
    out.azReq[i] = trial.azReq[old];
  });
  setGroups(out, Array.from(out.groupOf), req.groupCount);
  // Attach in index order, the trial's order for a fill, so that head insertion gives each host's
  // list the order it has in the trial (attaching in reverse, as this did before, reversed every
  // list; on a host holding pinned and placed listed instances, the pinned went first in the trial).
  for (let i = 0; i < keep.length; i++) out.attach(i, trial.hostOf[keep[i]]);
  return { state: finish(out, byHost), fillFailures: failures };
}

function finish(s: ComputeState, byHost: boolean): ComputeState {
  if (byHost) s.renumberByHost();
  for (let i = 0; i < s.instanceCount; i++) { s.homeOf[i] = s.hostOf[i]; s.state[i] = RUNNING; }
  return s;
}

function setGroups(s: ComputeState, group: ArrayLike<number>, count: number): void {
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < group.length; i++) if (group[i] >= 0) members[group[i]].push(i);
  for (let g = 0; g < count; g++) s.groups[g] = Int32Array.from(members[g]);
}

/**
 * Draws requests until the next one would exceed `fill` × the placement capacity (MEMORY_MB) of
 * the enabled hosts. A share of instances come as anti-affinity groups of `size` (one
 * multi-instance request each, same flavor).
 */
function fillRequests(cloud: Cloud, probe: ComputeState, rng: Rng): Requests {
  let capacity = 0;
  for (let h = 0; h < probe.hostCount; h++) if (probe.enabled[h]) capacity += Math.max(0, probe.ramCap[h]);
  const target = cloud.fill * capacity;
  const flavorMix = new Shares(cloud.flavors.map((f) => f.share));
  const sg = cloud.server_groups;
  const size = sg?.size ?? 1;
  const share = sg?.anti_affinity_share ?? 0;
  // Probability that a request is a group, so that `share` of the instances are grouped.
  const qGroup = share >= 1 ? 1 : share / (share + size * (1 - share));
  const r = new Requests();
  let used = 0;
  for (;;) {
    const grouped = share > 0 && rng.next() < qGroup;
    const f = flavorMix.pick(rng.next());
    const count = grouped ? size : 1;
    const need = count * probe.flavors[f].ramMb;
    if (used + need > target) break;
    used += need;
    const g = grouped ? r.groupCount++ : -1;
    r.add(f, g, -1, -1, count);
  }
  return r;
}

/**
 * Server groups the scheduler does not enforce: the scheduler enforces the instance list's groups
 * whose policy is anti-affinity (a group named only on instance lines is anti-affinity). Affinity
 * and the soft policies are kept in the scenario but do not constrain the modelled scheduler.
 */
export function unenforcedGroups(cloud: Pick<Cloud, 'groups'>): Set<string> {
  return new Set((cloud.groups ?? []).filter((g) => g.policy !== 'anti-affinity').map((g) => g.name));
}

function listRequests(cloud: Cloud, probe: ComputeState): Requests {
  const r = new Requests();
  const groupIds = new Map<string, number>();
  const flavorIds = new Map(probe.flavors.map((f, k) => [f.name, k]));
  const unenforced = unenforcedGroups(cloud);
  for (const line of cloud.instances ?? []) {
    const f = flavorIds.get(line.flavor) ?? -1;
    if (f < 0) throw new Error(`unknown flavor ${line.flavor}`);
    const pin = line.host === undefined ? -1 : probe.hostIndex(line.host);
    if (line.host !== undefined && pin < 0) throw new Error(`unknown host ${line.host}`);
    const az = line.availability_zone === undefined ? -1 : probe.azNames.indexOf(line.availability_zone);
    if (line.availability_zone !== undefined && az < 0) throw new Error(`unknown availability zone ${line.availability_zone}`);
    let g = -1;
    if (line.group !== undefined && !unenforced.has(line.group)) {
      if (!groupIds.has(line.group)) groupIds.set(line.group, groupIds.size);
      g = groupIds.get(line.group)!;
    }
    r.add(f, g, az, pin, line.count);
  }
  r.groupCount = groupIds.size;
  return r;
}

/** A pinned instance line that does not fit, located at its `host`. */
export interface PinProblem { line: number; message: string }

/**
 * Pinned instances must fit their host as placement would have allowed them (docs/import.md):
 * each flavor's RAM within the host's max_unit, and the sum of the pinned instances' MEMORY_MB
 * and VCPU within (total − reserved) × allocation_ratio. One problem per host, at the line that
 * first overflows it; lines with an unknown flavor or host are left to the caller's own checks.
 */
export function pinProblems(cloud: Cloud): PinProblem[] {
  const out: PinProblem[] = [];
  if (cloud.instances === undefined) return out;
  const probe = new ComputeState(cloud, 0, 0);
  const flavorIds = new Map(probe.flavors.map((f, k) => [f.name, k]));
  const ram = new Float64Array(probe.hostCount), cpu = new Float64Array(probe.hostCount);
  const reported = new Uint8Array(probe.hostCount);
  cloud.instances.forEach((line, k) => {
    if (line.host === undefined) return;
    const h = probe.hostIndex(line.host), f = flavorIds.get(line.flavor);
    if (h < 0 || f === undefined || reported[h]) return;
    const fl = probe.flavors[f];
    ram[h] += line.count * fl.ramMb;
    cpu[h] += line.count * fl.vcpus;
    const name = JSON.stringify(line.host);
    let why: string | undefined;
    if (fl.ramMb > probe.maxUnitMb[h]) {
      why = `flavor ${fl.name} asks ${fl.ramMb} MB of MEMORY_MB, above host ${name}'s max_unit ${probe.maxUnitMb[h]} MB`;
    } else if (ram[h] > probe.ramCap[h]) {
      why = `the instances pinned to host ${name} need ${ram[h]} MB of MEMORY_MB, its placement capacity is ${probe.ramCap[h]} MB`
        + ` ((${probe.totalMb[h]} − ${probe.reservedMb[h]}) × ${probe.ramRatio[h]})`;
    } else if (cpu[h] > probe.vcpuCap[h]) {
      why = `the instances pinned to host ${name} need ${cpu[h]} VCPU, its placement capacity is ${probe.vcpuCap[h]}`
        + ` ((${probe.vcpus[h]} − ${probe.reservedCpus[h]}) × ${probe.cpuRatio[h]})`;
    }
    if (why === undefined) return;
    reported[h] = 1;
    out.push({ line: k, message: `${why} (expected pinned instances to fit: fewer of them, another host, or the host's real reservation and allocation ratios)` });
  });
  return out;
}

/**
 * Everything the fixed initial placement depends on besides the seed, as one string: designs
 * whose clouds differ elsewhere (failure rates, the hook) share one fill. An imported cloud's key
 * is megabytes long: compute it once per cloud object.
 */
export function fillKey(cloud: Cloud): string {
  return JSON.stringify([cloud.nova, cloud.racks, cloud.flavors, cloud.fill, cloud.instances ?? null,
    cloud.groups ?? null, cloud.spare_hosts, cloud.server_groups ?? null]);
}

