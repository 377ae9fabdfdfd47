import { z } from 'zod';
import { distribution } from '../random/spec.js';
import { bandwidth, count, duration, fraction } from '../units/zod-units.js';
import { quantileSorted } from '../stats/quantile.js';
import { SnapshotFleet, type SnapshotParams } from '../openstack/guest/snapshot.js';
import { Deterministic } from '../random/distributions.js';
import { rule } from '../openstack/nova/releases.js';
import { totalHostCount } from '../openstack/nova/hosts.js';
import type { Cloud } from '../openstack/cloud.js';
import type { MetricDef, StudyDefinition, StudyInput } from './study.js';

/**
 * `studies.snapshots`: nightly image snapshots and the guest freezes or stops they cause (docs/openstack-facts.md
 * §4, §12). The release (`cloud.nova.release`, its rules in releases.ts), `disable_libvirt_livesnapshot`,
 * the storage (`cloud.ephemeral_storage`: local/nfs file disks, or rbd) and Glance's store (the
 * same Ceph cluster or not) choose the snapshot path; designs usually patch those.
 */
export const snapshotsSchema = z.object({
  computes: count(1).optional().meta({ description: 'computes whose instances are snapshotted (default: every host of cloud.racks)' }),
  instances_per_compute: count(1).default(20).meta({ description: 'snapshotted instances on each compute' }),
  interval: duration({ positive: true }).prefault('24h').meta({ description: 'time between two snapshots of one instance' }),
  window: duration().prefault('1h').meta({ description: 'the requests of a round are spread uniformly over this window (0: all at once)' }),
  max_concurrent_snapshots: count().optional().meta({ description: 'nova.conf max_concurrent_snapshots per compute (0 = unlimited); the option exists from Victoria (default 5), earlier releases have no limit' }),
  hw_qemu_guest_agent_share: fraction().default(0.9).meta({ description: 'share of instances whose image sets hw_qemu_guest_agent=yes (agent enabled)' }),
  agent_answers: fraction().default(0.95).meta({ description: 'probability that an enabled agent is running and answers guest-sync' }),
  os_require_quiesce: z.boolean().default(true).meta({ description: 'image property os_require_quiesce' }),
  guest_sync_timeout: duration({ positive: true }).prefault('5s').meta({ description: 'libvirt guest-sync timeout before VIR_ERR_AGENT_UNRESPONSIVE' }),
  on_freeze_failure: z.enum(['release', 'abort', 'continue']).default('release')
    .meta({ description: 'release: kilo aborts, current continues unquiesced (§12); abort/continue force one rule' }),
  dirty_data: distribution('bytes').prefault({ lognormal: { median: '64MiB', sigma: 1 } })
    .meta({ description: 'dirty data in the guest that fsfreeze must flush' }),
  flush_bandwidth: bandwidth().optional().meta({ description: 'guest disk write bandwidth for the flush (default cloud.compute_node.disk_write, else 500MB/s)' }),
  disk_used: distribution('bytes').prefault({ lognormal: { median: '10GiB', sigma: 0.7 } })
    .meta({ description: 'allocated bytes of the root disk: what the block copy, the upload and the RBD flatten move' }),
  copy_bandwidth: bandwidth().prefault('250MB/s').meta({ description: 'libvirt block copy (blockRebase mirror) of the root disk, alone on the compute' }),
  disk_bandwidth: bandwidth().optional()
    .meta({ description: 'compute local disk shared by concurrent block copies (default cloud.compute_node.disk_write, else 500MB/s)' }),
  pivot_time: duration().prefault('1s').meta({ description: 'current releases: freeze held after the flush while the mirror job ends (assumption)' }),
  upload_bandwidth: bandwidth().prefault('200MB/s').meta({ description: 'qemu-img extract plus upload to Glance' }),
  rbd_overhead: duration().prefault('5s').meta({ description: 'RBD direct snapshot: snap, protect, clone, image record' }),
  rbd_flatten_bandwidth: bandwidth().prefault('400MB/s').meta({ description: 'RBD direct snapshot: flatten of the clone inside Ceph' }),
  guest_ram: distribution('bytes').optional()
    .meta({ description: "guest RAM a cold snapshot's managedSave writes and restore reads (default: the flavor mix's mean RAM)" }),
  save_bandwidth: bandwidth().optional()
    .meta({ description: 'managedSave / restore bandwidth of the guest RAM (default cloud.compute_node.disk_write, else 500MB/s)' }),
}).strict();

export type SnapshotsConfig = z.output<typeof snapshotsSchema>;

const FREEZE_QUANTILES = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99];

const metrics = {
  freeze_seconds_p50: { label: 'Freeze time p50', unit: 's', kind: 'duration', description: 'median freeze of the guests that were frozen (0 when none was)' },
  freeze_seconds_p95: { label: 'Freeze time p95', unit: 's', kind: 'duration', description: '95th percentile freeze of the guests that were frozen (0 when none was)' },
  freeze_seconds_max: { label: 'Longest freeze', unit: 's', kind: 'duration', description: 'longest freeze in the replication' },
  snapshot_seconds_p95: { label: 'Snapshot time p95', unit: 's', kind: 'duration', description: '95th percentile from request to image ready, completed snapshots' },
  queue_wait_seconds_p95: { label: 'Queue wait p95', unit: 's', kind: 'duration', description: '95th percentile wait for a max_concurrent_snapshots slot' },
  failed_fraction: { label: 'Failed snapshots', unit: 'fraction', kind: 'fraction', description: 'snapshots that failed (aborted, pre-check, refused while one was running)' },
  crash_consistent_fraction: { label: 'Crash-consistent snapshots', unit: 'fraction', kind: 'fraction', description: 'snapshots completed without quiesce' },
  app_consistent_fraction: { label: 'App-consistent snapshots', unit: 'fraction', kind: 'fraction', description: 'snapshots completed with the guest frozen (fsfreeze)' },
  cold_fraction: { label: 'Cold snapshots', unit: 'fraction', kind: 'fraction', description: 'snapshots taken cold: the guest stopped by managedSave (live snapshots disabled, RBD before Newton, or an RBD direct snapshot falling back)' },
  guest_downtime_seconds_p95: { label: 'Guest downtime p95 (cold)', unit: 's', kind: 'duration', description: '95th percentile of guest downtime of cold snapshots, managedSave to restore (0 when none was cold)' },
  guest_downtime_seconds_max: { label: 'Longest guest downtime (cold)', unit: 's', kind: 'duration', description: 'longest guest downtime of a cold snapshot in the replication' },
} as const satisfies Record<string, MetricDef>;


export function snapshotParams(input: StudyInput<SnapshotsConfig>): SnapshotParams {
  const c = input.config, cloud = input.cloud;
  return {
    computes: c.computes ?? totalHostCount(cloud),
    instancesPerCompute: c.instances_per_compute,
    interval: c.interval,
    window: c.window,
    horizon: input.horizon,
    maxConcurrent: maxConcurrentSnapshots(cloud, c),
    release: cloud.nova.release,
    liveSnapshot: !liveSnapshotsDisabled(cloud),
    storage: cloud.ephemeral_storage === 'rbd' ? 'rbd' : 'local',
    glanceSameCluster: cloud.glance.store === 'rbd',
    guestRam: c.guest_ram ?? new Deterministic(meanFlavorRam(cloud)),
    saveBandwidth: c.save_bandwidth ?? cloud.compute_node?.disk_write ?? 500e6,
    agentEnabledShare: c.hw_qemu_guest_agent_share,
    agentAnswers: c.agent_answers,
    requireQuiesce: c.os_require_quiesce,
    guestSyncTimeout: c.guest_sync_timeout,
    onFreezeFailure: c.on_freeze_failure,
    dirtyData: c.dirty_data,
    flushBandwidth: c.flush_bandwidth ?? cloud.compute_node?.disk_write ?? 500e6,
    diskUsed: c.disk_used,
    copyBandwidth: c.copy_bandwidth,
    diskBandwidth: c.disk_bandwidth ?? cloud.compute_node?.disk_write ?? 500e6,
    pivotTime: c.pivot_time,
    uploadBandwidth: c.upload_bandwidth,
    rbdOverhead: c.rbd_overhead,
    rbdFlattenBandwidth: c.rbd_flatten_bandwidth,
  };
}

/** `[workarounds] disable_libvirt_livesnapshot` as set, or the release's default (releases.ts). */
export function liveSnapshotsDisabled(cloud: Cloud): boolean {
  const r = rule('liveSnapshot', cloud.nova.release);
  return r.configurable && cloud.nova.disable_libvirt_livesnapshot !== undefined ? cloud.nova.disable_libvirt_livesnapshot : r.disabledByDefault;
}

/** The option where it exists (Victoria on, default 5); unlimited (0) before. */
function maxConcurrentSnapshots(cloud: Cloud, c: SnapshotsConfig): number {
  const byRelease = rule('maxConcurrentSnapshots', cloud.nova.release);
  return byRelease === 0 ? 0 : c.max_concurrent_snapshots ?? byRelease;
}

function meanFlavorRam(cloud: Cloud): number {
  let shares = 0, ram = 0;
  for (const f of cloud.flavors) { shares += f.share; ram += f.share * f.ram; }
  return shares > 0 ? ram / shares : cloud.flavors[0].ram;
}

export const snapshotsStudy: StudyDefinition<SnapshotsConfig, keyof typeof metrics> = {
  name: 'snapshots',
  title: 'Quiesced snapshots through the qemu guest agent',
  question: 'How long are guests frozen by quiesced snapshots (qemu guest agent fsfreeze) or stopped by cold ones, and how many snapshots fail or fall back to crash-consistent when the agent does not answer?',
  schema: snapshotsSchema,
  metrics,
  keyMetrics: ['freeze_seconds_p95', 'failed_fraction', 'crash_consistent_fraction', 'app_consistent_fraction'],
  charts: [
    { kind: 'series', series: 'freeze_seconds_quantiles' },
    { kind: 'spread', metric: 'freeze_seconds_p95' },
    { kind: 'design', metric: 'failed_fraction' },
    { kind: 'design', metric: 'crash_consistent_fraction' },
    { kind: 'design', metric: 'guest_downtime_seconds_p95' },
  ],
  series: () => ({
    freeze_seconds_quantiles: {
      label: 'Freeze time', unit: 's', description: 'freeze-time quantiles of frozen guests within the replication (the CDF read sideways)',
      x: FREEZE_QUANTILES, xLabel: 'fraction of freezes', xUnit: 'fraction',
    },
  }),
  warnings(input): string[] {
    const c = input.config, cloud = input.cloud, w: string[] = [], r = cloud.nova.release;
    const cold = liveSnapshotsDisabled(cloud);
    if (cold) w.push(`live snapshots are disabled on ${r} (disable_libvirt_livesnapshot${cloud.nova.disable_libvirt_livesnapshot === undefined ? ' defaults to True Juno–Pike' : ' = True'}): every snapshot is cold, the guest stopped from managedSave to restore`);
    if (cloud.ephemeral_storage === 'rbd') {
      w.push('RBD snapshots never quiesce: every snapshot is crash-consistent whatever the guest agent does');
      if (rule('rbdSnapshot', r) === 'cold-extract') w.push(`${r} has no RBD direct snapshot (Mitaka): RBD disks are snapshotted cold`);
      else if (cloud.glance.store !== 'rbd') w.push("glance's store is not this Ceph cluster: the RBD direct snapshot fails and nova falls back to a cold snapshot (guest suspended for the extract)");
    } else if (!cold && rule('quiesce', r) === 'require' && !c.os_require_quiesce) w.push(`${r} quiesces only with os_require_quiesce: every snapshot is crash-consistent`);
    if (c.max_concurrent_snapshots !== undefined && rule('maxConcurrentSnapshots', r) === 0) w.push(`max_concurrent_snapshots exists from Victoria: ignored on ${r}, which has no limit`);
    return w;
  },
  replicate(input, ctx) {
    const fleet = new SnapshotFleet(snapshotParams(input), ctx.streams);
    if (ctx.tracer) fleet.sim.tracer = ctx.tracer;
    const r = fleet.run();
    const freezes = r.freezes.sort(), durations = r.durations.sort(), waits = r.waits.sort(), downtimes = r.downtimes.sort();
    const n = r.requested;
    return {
      metrics: {
        freeze_seconds_p50: quantileSorted(freezes, 0.5, 0),
        freeze_seconds_p95: quantileSorted(freezes, 0.95, 0),
        freeze_seconds_max: freezes.length ? freezes[freezes.length - 1] : 0,
        snapshot_seconds_p95: quantileSorted(durations, 0.95, 0),
        queue_wait_seconds_p95: quantileSorted(waits, 0.95, 0),
        failed_fraction: n ? r.failed / n : 0,
        crash_consistent_fraction: n ? r.crash / n : 0,
        app_consistent_fraction: n ? r.app / n : 0,
        cold_fraction: n ? r.cold / n : 0,
        guest_downtime_seconds_p95: quantileSorted(downtimes, 0.95, 0),
        guest_downtime_seconds_max: downtimes.length ? downtimes[downtimes.length - 1] : 0,
      },
      series: { freeze_seconds_quantiles: FREEZE_QUANTILES.map((p) => quantileSorted(freezes, p, 0)) },
      events: fleet.sim.eventsFired,
    };
  },
};
