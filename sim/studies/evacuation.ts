import { quantileSorted } from '../stats/quantile.js';
import { z } from 'zod';
import { Simulation } from '../engine/simulation.js';
import { Exponential, type Distribution } from '../random/distributions.js';
import { distribution } from '../random/spec.js';
import { duration, fraction, rate } from '../units/zod-units.js';
import type { Cloud } from '../openstack/cloud.js';
import { buildCloud, fillKey, pinProblems, unenforcedGroups, type BuiltCloud } from '../openstack/nova/cloud-build.js';
import { estimatedInstances, totalHostCount } from '../openstack/nova/hosts.js';
import { ComputeState } from '../openstack/nova/compute-state.js';
import { EvacuationModel, InstanceBuffers, type EvacuationParams, type HookParams } from '../openstack/nova/evacuation.js';
import { FailureProcess, MAX_DOMAIN_KINDS, type FailureConfig } from '../openstack/nova/failures.js';
import { hostOverhead, overheadMb } from '../openstack/nova/host-memory.js';
import { MB } from '../openstack/nova/placement.js';
import { rule } from '../openstack/nova/releases.js';
import type { MetricDef, Problem, ResultStats, StudyDefinition, StudyInput } from './study.js';

const YEAR = 365 * 86400;

export const evacuationSchema = z.object({
  host_failures: z.union([
    z.object({ afr: fraction().meta({ description: 'annual failure rate: P(a host fails within a year)' }) }).strict(),
    z.object({ time_to_failure: distribution('duration').meta({ description: 'time to failure of a running host, e.g. {weibull: {shape: 1.2, mean: 20y}}' }) }).strict(),
  ]).prefault({ afr: '5%' }),
  repair: distribution('duration').prefault({ lognormal: { median: '4h', sigma: 1.0 } })
    .meta({ description: 'hardware repair time once a crew works on the host' }),
  repair_crews: z.number().int().min(1).optional().meta({ description: 'parallel repair crews (unlimited when absent)' }),
  rack_failures: z.object({
    rate: rate().meta({ description: 'outages per rack, e.g. 0.2/y' }),
    duration: distribution('duration'),
  }).strict().optional(),
  failure_domains: z.array(z.object({
    name: z.string().min(1).meta({ description: "names the domain kind and its random streams ('domain/<name>', …)" }),
    racks: z.number().int().min(1).default(1).meta({ description: 'consecutive racks per domain, e.g. 2 for a PDU feeding two racks' }),
    rate: rate().meta({ description: 'events per domain, e.g. 0.1/y' }),
    duration: distribution('duration').meta({ description: 'from the event to every host of it being back (the repair law)' }),
    hosts: fraction().default(1).meta({ description: "share of the domain's hosts an event takes down, chosen at random (below 1: a partial event, e.g. half a rack)" }),
    stagger: duration().prefault('0s').meta({ description: "the event's hosts go down at uniform offsets within this time (a cascade over minutes), not at one instant" }),
  }).strict()).max(MAX_DOMAIN_KINDS).default([])
    .meta({ description: 'correlated failures beyond whole racks: power domains spanning racks, partial-rack events, events whose hosts fail over minutes' }),
  burst_window: duration({ positive: true }).prefault('1h').meta({ description: 'two host failures closer than this are a burst (metric failure_burst_share)' }),
  hosts_down_k: z.array(z.number().int().min(1)).min(1).default([1, 2, 3])
    .meta({ description: 'k of the series hosts_down_at_least: time share with k or more hosts down' }),
  detection: z.enum(['heartbeat', 'fencing']).default('heartbeat')
    .meta({ description: 'heartbeat: down after service_down_time − last report phase; fencing: forced-down after fence_delay' }),
  fence_delay: distribution('duration').prefault('30s'),
  reaction: distribution('duration').prefault({ lognormal: { median: '5m', sigma: 0.5 } })
    .meta({ description: 'operator / HA tool delay from "service down" to `nova host-evacuate`' }),
  restart: z.object({
    shared: distribution('duration').prefault({ lognormal: { median: '45s', sigma: 0.4 } })
      .meta({ description: 'boot of an instance whose disk survives (rbd, nfs) or restart on its own host' }),
    local: distribution('duration').prefault({ lognormal: { median: '4m', sigma: 0.5 } })
      .meta({ description: 'rebuild of the root disk from the image on local storage, used only when cloud.images is absent (with images, rebuilds run through the boot model: glance/NFS, _base cache, cores shared like a boot storm)' }),
  }).strict().prefault({}),
  move_back: z.boolean().default(true).meta({ description: 'after repair the operator live-migrates evacuated instances home' }),
  move_back_after: distribution('duration').prefault('2h'),
  initial_layout: z.enum(['per-replication', 'fixed']).default('per-replication')
    .meta({ description: "per-replication: every replication fills the cloud anew through the scheduler (stream 'fill' of that replication, the same for every design), so the CIs include the luck of today's packing; fixed: one layout per scenario seed, filled once per worker (fast for 1,000-host clouds, but every result then describes that single packing)" }),
  check: z.object({
    level: z.union([z.literal(1), z.literal(2)]).default(1).meta({ description: 'N+1 or N+2: failures `headroom check` must survive' }),
    racks: z.boolean().default(true).meta({ description: 'every rack failing must be survived too' }),
  }).strict().prefault({}),
}).strict();

export type EvacuationConfig = z.output<typeof evacuationSchema>;

/** Probabilities at which the instance-downtime CDF series is given. */
export const DOWNTIME_PROBS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99];

export const metrics = {
  host_failures: { label: 'Host failures', unit: 'count', kind: 'count', description: 'independent host failures over the horizon' },
  rack_failures: { label: 'Rack failures', unit: 'count', kind: 'count', description: 'rack outages over the horizon' },
  max_hosts_down: { label: 'Most hosts down at once', unit: 'hosts', kind: 'level', description: 'most hosts down at once' },
  instances_evacuated: { label: 'Instances evacuated', unit: 'count', kind: 'count', description: 'evacuate calls that found a destination' },
  stranded_instances: { label: 'Stranded instances', unit: 'count', kind: 'count', description: 'evacuate calls that got NoValidHost (the instance waits for its source)' },
  stranded_instance_hours: { label: 'Stranded instance-hours', unit: 'h', kind: 'duration', description: 'instance-hours spent stranded' },
  any_stranded: { label: 'P(any instance stranded)', unit: '0/1', kind: 'probability', description: '1 if any instance was stranded: its mean is P(stranded) over the horizon' },
  downtime_p95: { label: 'Instance downtime p95', unit: 's', kind: 'duration', description: '95th percentile of instance downtime (host crash → running again) in the replication' },
  recovery_time_max: { label: 'Longest recovery', unit: 's', kind: 'duration', description: 'longest failure event, crash → all its instances running' },
  reserved_gib_hours: { label: 'Reserved GiB-hours', unit: 'GiB·h', kind: 'size', description: 'capacity held back (reservations + disabled spares) integrated over time' },
  held_back_fraction: { label: 'Capacity held back', unit: 'fraction', kind: 'fraction', description: 'time-average share of RAM held back (reservations + disabled spares)' },
  mean_ram_utilisation: { label: 'Mean RAM utilisation', unit: 'fraction', kind: 'fraction', description: 'time-average RAM of running instances / physical RAM of all hosts' },
  peak_host_ram_commit: { label: 'Peak host RAM commit', unit: 'fraction', kind: 'ratio', description: 'highest guest RAM allocated on one host / its physical RAM (above 1: memory overcommitted, e.g. after evacuations on ram_allocation_ratio > 1)' },
  instances: { label: 'Instances', unit: 'count', kind: 'count', description: 'instances in the cloud (the fill)' },
  build_failures: { label: 'Build failures', unit: 'count', kind: 'count', description: 'NoValidHost at build: fill instances that did not fit, plus failed churn creates' },
  rescued_by_retry: { label: 'Rescued by a retry', unit: 'count', kind: 'count', description: 'stranded instances placed when the operator re-ran host-evacuate (on_failure.retry_stranded)' },
  data_lost_instances: { label: 'Disks rebuilt from the image (data lost)', unit: 'count', kind: 'count', description: 'evacuations that rebuilt the root disk from the image (local storage): the data on the guest disk is lost' },
  evacuate_refused: { label: 'Evacuations refused (mid-rebuild)', unit: 'count', kind: 'count', description: 'evacuate calls refused because the instance was mid-rebuild on a host that died (task_state rebuilding: 409 before Zed)' },
  peak_host_memory_commit: { label: 'Peak host memory commit', unit: 'fraction', kind: 'ratio', description: 'highest (guest RAM + host OS + QEMU overhead) / physical RAM of a running host (above 1: the host is short of memory, OOM risk)' },
  any_host_above_physical: { label: 'P(any host above physical RAM)', unit: '0/1', kind: 'probability', description: '1 if a running host ever committed more memory than it has (guest RAM + host OS + QEMU): its mean is P(any host above physical RAM)' },
  min_host_memory_left: { label: 'Least memory left for host OS + QEMU', unit: 'GiB', kind: 'size', description: 'least physical RAM a running host kept for its OS and QEMU (total − guest RAM, 0 when guest RAM alone exceeds it), e.g. after the hook released the reservation' },
  mean_hosts_down: { label: 'Hosts down (time average)', unit: 'hosts', kind: 'level', description: 'time-average number of hosts down (any cause)' },
  failure_burst_share: { label: 'Failures in bursts', unit: 'fraction', kind: 'fraction', description: 'share of host failures with another within burst_window (failures that come in bursts)' },
} as const satisfies Record<string, MetricDef>;

export function failureConfig(c: EvacuationConfig): FailureConfig {
  let ttf: Distribution | undefined;
  if ('afr' in c.host_failures) {
    const afr = c.host_failures.afr;
    ttf = afr > 0 ? new Exponential(afr >= 1 ? YEAR / 50 : YEAR / -Math.log(1 - afr)) : undefined;
  } else ttf = c.host_failures.time_to_failure;
  return {
    timeToFailure: ttf,
    repair: c.repair,
    repairCrews: c.repair_crews ?? Infinity,
    rackRate: c.rack_failures?.rate ?? 0,
    rackDuration: c.rack_failures?.duration,
    domains: c.failure_domains.map((d) => ({ name: d.name, racks: d.racks, rate: d.rate, duration: d.duration, hostShare: d.hosts, stagger: d.stagger })),
    burstWindow: c.burst_window,
  };
}

/** The failure hook, or undefined when the design has none or it would change nothing. */
export function hookParams(cloud: Cloud): HookParams | undefined {
  const f = cloud.on_failure;
  if (f === undefined) return undefined;
  const releaseToMb = f.release_reservation_to === undefined ? undefined : Math.round(f.release_reservation_to / MB);
  const releases = releaseToMb !== undefined && releaseToMb !== cloud.nova.reserved_host_memory_mb;
  const spares = f.enable_spares && cloud.spare_hosts > 0;
  if (!releases && !spares) return undefined;
  return { releaseToMb: releases ? releaseToMb : undefined, enableSpares: spares, after: f.after, wait: f.evacuation === 'wait', restoreAfterRepair: f.restore_after_repair };
}

export function evacuationParams(cloud: Cloud, c: EvacuationConfig): EvacuationParams {
  return {
    detection: c.detection,
    fenceDelay: c.fence_delay,
    reaction: c.reaction,
    restartShared: c.restart.shared,
    restartLocal: c.restart.local,
    sharedStorage: cloud.ephemeral_storage !== 'local',
    localRebuild: localRebuildCloud(cloud),
    moveBack: c.move_back ? c.move_back_after : undefined,
    hook: hookParams(cloud),
    churnRate: cloud.churn?.rate ?? 0,
    retry: cloud.on_failure?.retry_stranded,
    overhead: hostOverhead(cloud.host_overhead),
  };
}

/**
 * The cloud local-storage rebuilds boot from, or undefined. Without `cloud.images` nothing says
 * what an image costs to fetch, so the `restart.local` distribution stands in (and a warning says so).
 */
export function localRebuildCloud(cloud: Cloud): Cloud | undefined {
  return cloud.ephemeral_storage === 'local' && (cloud.images?.length ?? 0) > 0 ? cloud : undefined;
}

/**
 * The host that keeps the least memory for its OS and QEMU when filled to its placement capacity
 * at reservation `reservedMb`, with the flavor mix's mean guest: its guest capacity, physical RAM,
 * guests, and the host OS + QEMU memory they need (host_overhead).
 */
export function fullestHost(cloud: Cloud, reservedMb: number): { capMb: number; totalMb: number; guests: number; needMb: number } {
  const probe = new ComputeState(cloud, 0, 0);
  probe.setReservedAll(reservedMb);
  let best = 0;
  for (let h = 1; h < probe.hostCount; h++) {
    if (probe.totalMb[h] - probe.ramCap[h] < probe.totalMb[best] - probe.ramCap[best]) best = h;
  }
  let shares = 0, ram = 0, vcpus = 0;
  for (const f of probe.flavors) { shares += f.share; ram += f.share * f.ramMb; vcpus += f.share * f.vcpus; }
  const meanRam = shares > 0 ? ram / shares : 0, meanVcpus = shares > 0 ? vcpus / shares : 0;
  const capMb = Math.max(0, probe.ramCap[best]);
  const guests = meanRam > 0 ? Math.floor(capMb / meanRam) : 0;
  const needMb = overheadMb(hostOverhead(cloud.host_overhead), guests, guests * meanVcpus, capMb);
  return { capMb, totalMb: probe.totalMb[best], guests, needMb };
}

/**
 * Memory a full host keeps for its OS and QEMU once the hook released the reservation, against
 * the floor it needs (host_overhead.floor, or what fullestHost says its guests need); undefined
 * without a releasing hook.
 */
export function hookMemoryFloor(cloud: Cloud): { leftMb: number; floorMb: number; guests: number } | undefined {
  const hook = hookParams(cloud);
  if (hook?.releaseToMb === undefined) return undefined;
  const full = fullestHost(cloud, hook.releaseToMb);
  const floorMb = cloud.host_overhead.floor !== undefined ? cloud.host_overhead.floor / MB : full.needMb;
  return { leftMb: Math.round(full.totalMb - full.capMb), floorMb, guests: full.guests };
}

/**
 * The fixed initial layout of the input's cloud and seed (`initial_layout: fixed`; what the
 * checks, sizing and warnings read), built once per `input.memo` (once per worker) and shared by
 * the designs and candidates whose fill is the same (`fillKey`). Callers must not mutate its
 * state: run on `workingState`.
 */
export function fixedFill(input: StudyInput<unknown>): BuiltCloud {
  const key = input.memo.get('fill-key', input.cloud, () => fillKey(input.cloud));
  return input.memo.get('fixed-fill', `${JSON.stringify(input.seed)}${key}`, () => buildCloud(input.cloud, input.seed));
}

/** "0.5", "12": a share in percent with the digits a small one needs. */
function percent(x: number): string {
  const p = x * 100;
  return p > 0 && p < 1 ? p.toPrecision(1) : String(Math.round(p));
}

/**
 * The overcommit warning of a design: a running host committed more memory (guest RAM + host OS
 * + QEMU) than it has in some replication. The stranding targets do not see this risk, so it is
 * said beside them, in the wording of `headroom check`.
 */
export function overcommitWarning(above: ResultStats | undefined, commit: ResultStats | undefined): string[] {
  if (!above || !(above.mean > 0)) return [];
  const peak = commit ? ` (peak host memory commit ${percent(commit.mean)} % of physical RAM on average, ${percent(commit.p95)} % at p95)` : '';
  return [`memory overcommitted: in ${percent(above.mean)} % of replications a host committed more memory than it has, guest RAM + host OS + QEMU${peak}: the OOM killer, not the scheduler, then decides which guests run`];
}

/**
 * A copy of the built layout for one replication to change. The fixed layout's copy is made once
 * per `input.memo` and refilled every replication: constructing a state (host index and all)
 * took a replication of the 1,000-host scenario from ≈40 to ≈60 ms CPU when made every time.
 */
export function workingState(input: StudyInput<unknown>, built: BuiltCloud, fixed: boolean): ComputeState {
  const make = () => new ComputeState(input.cloud, built.state.instanceCount, built.state.groups.length);
  const s = fixed ? input.memo.get('fixed-fill-working-state', built, make) : make();
  // The replication's scheduler rebuilds the indexes (Scheduler's constructor): released, they
  // are not rebuilt by the copy too (one rebuild of ~5 indexes of 10,000 hosts saved).
  s.index?.release();
  s.copyFrom(built.state);
  return s;
}

/**
 * Events per replication driven by the rates of rack outages, failure domains and churn (the
 * generic estimate sees only durations): each failed host costs its detection, evacuation, hook,
 * repair and return, and about three events per instance on it (evacuate, restart, move back).
 * An upper-bound estimate of the model's event count, to refuse a scenario that could not finish
 * (a PDU failing 1.5 times a second: a bare rate is per second) before anything is built.
 */
export function evacuationEvents(input: StudyInput<EvacuationConfig>): { events: number; what: string } {
  const cloud = input.cloud, c = input.config, T = input.horizon;
  const H = Math.max(1, totalHostCount(cloud)), R = Math.max(1, cloud.racks.length);
  const perHostFailure = 5 + 3 * estimatedInstances(cloud) / H;
  const parts: { events: number; what: string }[] = [];
  const per = (r: number) => `${r} per s over a horizon of ${T} s`;
  if (c.rack_failures !== undefined) {
    parts.push({ events: c.rack_failures.rate * T * R * (H / R) * perHostFailure, what: `rack_failures.rate (${per(c.rack_failures.rate)}, ${R} rack${R === 1 ? '' : 's'})` });
  }
  c.failure_domains.forEach((d, k) => {
    const domains = Math.ceil(R / d.racks), hostsPerEvent = Math.max(1, d.racks * (H / R) * d.hosts);
    parts.push({ events: d.rate * T * domains * hostsPerEvent * perHostFailure, what: `failure_domains.${k}.rate (${per(d.rate)}, ${domains} domain${domains === 1 ? '' : 's'} of ${hostsPerEvent} hosts)` });
  });
  if (cloud.churn !== undefined) parts.push({ events: cloud.churn.rate * T * 4, what: `cloud.churn.rate (${per(cloud.churn.rate)})` });
  if (parts.length === 0) return { events: 0, what: '' };
  const top = parts.reduce((a, b) => (b.events > a.events ? b : a));
  return { events: parts.reduce((a, p) => a + p.events, 0), what: top.what };
}

export const evacuationStudy: StudyDefinition<EvacuationConfig, keyof typeof metrics> = {
  name: 'evacuation',
  title: 'Host evacuation: headroom for failed computes',
  question: 'When compute hosts or racks die, does `nova host-evacuate` find room for every instance, and what does each way of keeping headroom cost?',
  schema: evacuationSchema,
  metrics,
  events: evacuationEvents,
  keyMetrics: ['any_stranded', 'stranded_instance_hours', 'downtime_p95', 'stranded_instances'],
  charts: [
    // Against the knob an operator sets (MiB, hosts); risk against capacity is the Pareto chart (reports/charts/pareto.ts).
    { kind: 'sweep', metric: 'any_stranded' },
    { kind: 'sweep', metric: 'stranded_instance_hours' },
    { kind: 'series', series: 'downtime_cdf' },
    { kind: 'design', metric: 'any_stranded' },
    { kind: 'design', metric: 'stranded_instance_hours' },
    { kind: 'spread', metric: 'downtime_p95' },
    { kind: 'design', metric: 'peak_host_memory_commit' },
  ],
  series(input) {
    return {
      downtime_cdf: {
        label: 'Instance downtime', unit: 's', description: 'instance downtime quantiles (crash → running again) within a replication',
        x: DOWNTIME_PROBS, xLabel: 'probability', xUnit: 'fraction',
      },
      hosts_down_at_least: {
        label: 'P(k or more hosts down)', unit: 'fraction', description: 'share of the time with k or more hosts down',
        x: input.config.hosts_down_k, xLabel: 'hosts down (k)', xUnit: 'hosts',
      },
    };
  },
  check(input) {
    const problems: Problem[] = [];
    const cloud = input.cloud;
    const hosts = totalHostCount(cloud);
    if (cloud.spare_hosts >= hosts) problems.push({ path: ['cloud', 'spare_hosts'], message: `${cloud.spare_hosts} spares leave no enabled host (expected fewer than ${hosts})` });
    const probe = new ComputeState(cloud, 0, 0);
    const flavorNames = new Set(cloud.flavors.map((f) => f.name));
    (cloud.instances ?? []).forEach((line, k) => {
      if (!flavorNames.has(line.flavor)) problems.push({ path: ['cloud', 'instances', k, 'flavor'], message: `unknown flavor ${JSON.stringify(line.flavor)} (expected one of ${cloud.flavors.map((f) => f.name).join(', ')})` });
      if (line.host !== undefined && probe.hostIndex(line.host) < 0) problems.push({ path: ['cloud', 'instances', k, 'host'], message: `unknown host ${JSON.stringify(line.host)} (expected a host of the racks, e.g. ${probe.hostNames[0]})` });
      if (line.availability_zone !== undefined && !probe.azNames.includes(line.availability_zone)) problems.push({ path: ['cloud', 'instances', k, 'availability_zone'], message: `unknown availability zone ${JSON.stringify(line.availability_zone)} (expected one of the racks' zones: ${probe.azNames.join(', ') || 'none declared'})` });
    });
    for (const p of pinProblems(cloud)) problems.push({ path: ['cloud', 'instances', p.line, 'host'], message: p.message });
    const names = new Set<string>();
    (cloud.groups ?? []).forEach((g, k) => {
      if (names.has(g.name)) problems.push({ path: ['cloud', 'groups', k, 'name'], message: `server group ${JSON.stringify(g.name)} is listed twice (expected unique names)` });
      names.add(g.name);
    });
    cloud.flavors.forEach((f, k) => {
      const mb = Math.round(f.ram / MB);
      let fitsSomewhere = false;
      for (let h = 0; h < probe.hostCount; h++) if (mb <= probe.maxUnitMb[h] && mb <= probe.ramCap[h]) fitsSomewhere = true;
      if (!fitsSomewhere) problems.push({ path: ['cloud', 'flavors', k, 'ram'], message: `flavor ${f.name} fits on no host (expected at most a host's placement capacity)` });
    });
    return problems;
  },
  warnings(input) {
    const w: string[] = [];
    const cloud = input.cloud;
    if (input.config.detection === 'fencing' && !rule('forceDown', cloud.nova.release)) {
      w.push(`fencing with forced-down: the force-down API arrived in Liberty (microversion 2.11); on ${cloud.nova.release} the service is only seen down after service_down_time`);
    }
    const f = cloud.on_failure;
    if (f?.release_reservation_to !== undefined && Math.round(f.release_reservation_to / MB) > cloud.nova.reserved_host_memory_mb) {
      w.push('on_failure.release_reservation_to is larger than reserved_host_memory_mb: the hook takes capacity away during failures');
    }
    if (f !== undefined && hookParams(cloud) === undefined && f.retry_stranded === undefined) w.push('on_failure has nothing to do (no lower reservation, no spare hosts, no retry): it is ignored');
    const floor = hookMemoryFloor(cloud);
    if (floor !== undefined && floor.leftMb < floor.floorMb) {
      w.push(`the hook releases the reservation to ${floor.leftMb} MB: a host filled to its placement capacity keeps ${floor.leftMb} MB for its OS and QEMU, below the ${Math.round(floor.floorMb)} MB it needs (host_overhead: host OS + QEMU for ${floor.guests} guests)`);
    }
    if (cloud.ephemeral_storage === 'local' && localRebuildCloud(cloud) === undefined) {
      w.push('ephemeral_storage local without cloud.images: evacuation rebuilds take the restart.local distribution, not the boot model (no image download, _base cache or contention between rebuilds)');
    }
    const unenforced = unenforcedGroups(cloud);
    const soft = (cloud.groups ?? []).filter((g) => unenforced.has(g.name));
    if (soft.length > 0) {
      w.push(`${soft.length} server group(s) with policy affinity, soft-affinity or soft-anti-affinity (e.g. ${soft[0].name}: ${soft[0].policy}) do not constrain the modelled scheduler: their members are placed and evacuated as if ungrouped`);
    }
    if (!rule('rebuildClaim', cloud.nova.release)) w.push(`${cloud.nova.release} had no destination claim (Liberty): the model lets each evacuation see the previous ones, which is optimistic for concurrent evacuations`);
    try {
      const built = fixedFill(input);
      if (built.fillFailures > 0) w.push(`${built.fillFailures} instances of the initial fill got NoValidHost and are not in the cloud`);
    } catch (e) {
      w.push(`initial placement failed: ${(e as Error).message}`);
    }
    return w;
  },
  resultWarnings(stats) {
    return overcommitWarning(stats.any_host_above_physical, stats.peak_host_memory_commit);
  },
  replicate(input, ctx) {
    const cloud = input.cloud;
    const fixed = input.config.initial_layout === 'fixed';
    const built = fixed ? fixedFill(input) : buildCloud(cloud, input.seed, ctx.replication);
    const state = workingState(input, built, fixed);
    const buffers = fixed ? input.memo.get('fixed-fill-instance-buffers', state, () => new InstanceBuffers(state.instanceCount, state.hostCount)) : undefined;
    const sim = new Simulation(4096);
    const model = new EvacuationModel(sim, state, evacuationParams(cloud, input.config), ctx.streams, buffers);
    if (ctx.tracer !== undefined) {
      const tracer = ctx.tracer;
      sim.tracer = tracer;
      model.log = (line) => tracer.note(sim.now, line);
    }
    const failures = new FailureProcess(sim, state.hostCount, state.rackStart, failureConfig(input.config), ctx.streams, model);
    failures.start();
    sim.run(input.horizon);
    model.finish();
    failures.advance();
    const n = model.downtimeCount;
    const sorted = model.downtimes.subarray(0, n).sort();
    return {
      metrics: {
        host_failures: failures.hostFailures,
        rack_failures: failures.rackFailures,
        max_hosts_down: failures.maxHostsDown,
        instances_evacuated: model.evacuated,
        stranded_instances: model.strandings,
        stranded_instance_hours: model.strandedSeconds / 3600,
        any_stranded: model.strandings > 0 ? 1 : 0,
        downtime_p95: quantileSorted(sorted, 0.95, 0),
        recovery_time_max: model.recoveryMax,
        reserved_gib_hours: model.reservedGibHours(),
        held_back_fraction: model.heldBackFraction(input.horizon),
        mean_ram_utilisation: model.meanRamUtilisation(input.horizon),
        peak_host_ram_commit: model.peakCommit,
        instances: state.instanceCount,
        build_failures: built.fillFailures + model.buildFailures,
        rescued_by_retry: model.rescuedByRetry,
        data_lost_instances: model.dataLost,
        evacuate_refused: model.refusedCalls,
        peak_host_memory_commit: model.peakMemoryCommit,
        any_host_above_physical: model.peakMemoryCommit > 1 ? 1 : 0,
        min_host_memory_left: (model.minMemoryLeftMb === Infinity ? 0 : Math.max(0, model.minMemoryLeftMb)) * MB / 2 ** 30,
        mean_hosts_down: failures.meanHostsDown(),
        failure_burst_share: failures.burstShare(input.config.burst_window),
      },
      series: {
        downtime_cdf: DOWNTIME_PROBS.map((p) => quantileSorted(sorted, p, 0)),
        hosts_down_at_least: input.config.hosts_down_k.map((k) => failures.probAtLeast(k)),
      },
      events: sim.eventsFired,
    };
  },
};

export type EvacuationInput = StudyInput<EvacuationConfig>;
