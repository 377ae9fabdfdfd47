/**
 * nova releases and every rule the model relies on that changed between them: ONE table, each
 * rule keyed by the release where it changed, with the nova commit or release note beside it
 * (docs/nova-releases.md tells the same story in prose).
 *
 * Release order: nova/compute/rpcapi.py VERSION_ALIASES (nova 00a030403f67), Icehouse (2014.1)
 * to Gazpacho (2026.1, 33.0.0), the newest release of that tree.
 */
export const RELEASES = [
  'icehouse', 'juno', 'kilo', 'liberty', 'mitaka', 'newton', 'ocata', 'pike', 'queens', 'rocky',
  'stein', 'train', 'ussuri', 'victoria', 'wallaby', 'xena', 'yoga', 'zed', 'antelope', 'bobcat',
  'caracal', 'dalmatian', 'epoxy', 'flamingo', 'gazpacho',
] as const;

export type Release = typeof RELEASES[number];

export const CURRENT_RELEASE: Release = 'gazpacho';

/** A constant table (filled once from RELEASES, never added to; not a cache). */
const INDEX = new Map<string, number>(RELEASES.map((r, i) => [r, i]));

/** Position of `r` in RELEASES (−1 for a name that is not one); capacity rules ask for it per host. */
export function releaseIndex(r: Release): number {
  return INDEX.get(r) ?? -1;
}

/** True when release `r` is `since` or later. */
export function atLeast(r: Release, since: Release): boolean {
  return releaseIndex(r) >= releaseIndex(since);
}

/** A rule's value from `since` on, until the next change; `source` is where it was read. */
export interface Change<T> { since: Release; value: T; source: string }

/** How a host's guest RAM fit is decided. */
export type RamFit = 'ramfilter' | 'placement+ramfilter' | 'placement';
/** How vCPUs limit placement. */
export type VcpuFit = 'unchecked' | 'placement';
/** When the default allocation ratios apply. */
export interface DefaultRatios { ram: number; cpu: number; appliedAt: 'every-update' | 'record-creation' }
/** Live snapshots: disabled by default? and can nova.conf turn them on? */
export interface LiveSnapshot { disabledByDefault: boolean; configurable: boolean }
/**
 * Quiesce of a live file-backed snapshot:
 *   none    — no quiesce code at all;
 *   require — quiesce only with os_require_quiesce, held over the whole copy, a failure aborts;
 *   try     — tried whenever the agent is enabled, held over the whole copy, a failure aborts only
 *             with os_require_quiesce (otherwise continues unquiesced);
 *   after   — os_require_quiesce makes only the pre-check fatal; the freeze comes after the copy
 *             (mirror complete) and a failed freeze continues unquiesced.
 */
export type QuiesceRule = 'none' | 'require' | 'try' | 'after';
/** Snapshot of an RBD root disk. */
export type RbdSnapshot = 'cold-extract' | 'direct-cold' | 'direct-live';
/** vm_state of an instance whose evacuation got NoValidHost. */
export type NoValidHostState = 'unchanged' | 'error';
/** What the evacuate API accepts. */
export interface EvacuateChecks { error: boolean; taskStateMustBeNone: boolean }

const N = 'https://github.com/openstack/nova/commit/';

/**
 * The table. The first entry of each rule is its value in Icehouse (the oldest release modelled);
 * every later entry is a change, at the release whose tree first contains the commit.
 */
export const RULES = {
  /** RAM fit: RamFilter (total × ratio − used, used seeded with the reservation) in the default filters until Pike; placement's (total − reserved) × ratio from Ocata. */
  ramFit: [
    { since: 'icehouse', value: 'ramfilter', source: 'nova 2014.1 nova/scheduler/host_manager.py scheduler_default_filters (RamFilter), nova/scheduler/filters/ram_filter.py' },
    { since: 'ocata', value: 'placement+ramfilter', source: 'release note 15.0.0 resource_providers_scheduler_db_filters-16b2ed3da00c51dd.yaml (the scheduler asks placement before the filters)' },
    { since: 'pike', value: 'placement', source: `${N}2fe96819c2 (RamFilter and DiskFilter out of the default filters, 16.0.0)` },
  ] as Change<RamFit>[],
  /** Kilo's (and Icehouse–Newton's) default filters have no CoreFilter: vCPUs unchecked until placement. */
  vcpuFit: [
    { since: 'icehouse', value: 'unchecked', source: 'nova 2014.1/2015.1.0 scheduler_default_filters: no CoreFilter' },
    { since: 'ocata', value: 'placement', source: 'release note 15.0.0 resource_providers_scheduler_db_filters-16b2ed3da00c51dd.yaml (set cpu_allocation_ratio 9999 if you did not use CoreFilter)' },
  ] as Change<VcpuFit>[],
  reservedHostCpus: [
    { since: 'icehouse', value: false, source: 'no reserved_host_cpus option before Pike' },
    { since: 'pike', value: true, source: `${N}c102600d59 (Add reserved_host_cpus option, 16.0.0)` },
  ] as Change<boolean>[],
  /** Default ratios; from Stein they are initial_*_allocation_ratio, applied when the compute node record is created. */
  defaultRatios: [
    { since: 'icehouse', value: { ram: 1.5, cpu: 16.0, appliedAt: 'every-update' }, source: 'nova 2014.1 ram_allocation_ratio 1.5, cpu_allocation_ratio 16.0' },
    { since: 'stein', value: { ram: 1.5, cpu: 16.0, appliedAt: 'record-creation' }, source: `${N}08f3ae9606 (initial_xxx_allocation_ratio, 19.0.0)` },
    { since: 'antelope', value: { ram: 1.0, cpu: 4.0, appliedAt: 'record-creation' }, source: `${N}1260cdd492, release note update-initial-allocation-defaults-94106033b66b8fa0.yaml (27.0.0)` },
  ] as Change<DefaultRatios>[],
  ioOpsWeightMultiplier: [
    { since: 'icehouse', value: 0, source: 'no IoOpsWeigher before Kilo' },
    { since: 'kilo', value: -1.0, source: `${N}fb559a34f9 (Create Nova Scheduler IO Ops Weighter, default -1.0, 2015.1.0b1)` },
  ] as Change<number>[],
  cpuWeightMultiplier: [
    { since: 'icehouse', value: 0, source: 'no CPUWeigher before Rocky' },
    { since: 'rocky', value: 1.0, source: `${N}67f52ab36d (Add CPUWeigher, default 1.0, 18.0.0)` },
  ] as Change<number>[],
  /** `[workarounds] disable_libvirt_livesnapshot` (Juno: a libvirt version hack with the same effect). */
  liveSnapshot: [
    { since: 'icehouse', value: { disabledByDefault: false, configurable: false }, source: 'nova 2014.1 MIN_LIBVIRT_LIVESNAPSHOT_VERSION (1, 0, 0)' },
    { since: 'juno', value: { disabledByDefault: true, configurable: false }, source: `${N}c1c159460d (effectively disable libvirt live snapshotting: minimum libvirt 1.3.0, 2014.2)` },
    { since: 'kilo', value: { disabledByDefault: true, configurable: true }, source: `${N}3f69bca12c ([workarounds] disable_libvirt_livesnapshot = True, 2015.1.0)` },
    { since: 'queens', value: { disabledByDefault: false, configurable: true }, source: `${N}980d0fcd75, release note live_snapshot_by_default-f231485fc2bf77f1.yaml (17.0.0)` },
  ] as Change<LiveSnapshot>[],
  quiesce: [
    { since: 'icehouse', value: 'none', source: 'no quiesce in the libvirt driver before Kilo' },
    { since: 'kilo', value: 'require', source: `${N}926e58a179 (Fsfreeze during live-snapshot, only with os_require_quiesce, 2015.1.0)` },
    { since: 'mitaka', value: 'try', source: `${N}94358a166a (Make behavior of os_require_quiesce consistent, 13.0.0)` },
    { since: 'yoga', value: 'after', source: `${N}caf5faf556 (Move file system freeze after end of mirroring, 25.0.0)` },
  ] as Change<QuiesceRule>[],
  rbdSnapshot: [
    { since: 'icehouse', value: 'cold-extract', source: "nova 2014.1/2015.1.0 driver.snapshot: live only when source_format not in ('lvm', 'rbd')" },
    { since: 'mitaka', value: 'direct-cold', source: `${N}824c3706a3 (snapshot uses RBD snapshot/clone when available, 13.0.0)` },
    { since: 'newton', value: 'direct-live', source: `${N}2318323549 (live snapshots with RBD snapshot/clone; cold again when it falls back, 14.0.0)` },
  ] as Change<RbdSnapshot>[],
  /** 0 = no limit. */
  maxConcurrentSnapshots: [
    { since: 'icehouse', value: 0, source: 'no max_concurrent_snapshots before Victoria' },
    { since: 'victoria', value: 5, source: `${N}6bb0c4fdab (Limit the number of concurrent snapshots, default 5, 22.0.0)` },
  ] as Change<number>[],
  noValidHostOnEvacuate: [
    { since: 'icehouse', value: 'unchanged', source: "nova 2015.1.0 conductor rebuild_instance: {'vm_state': instance.vm_state, 'task_state': None}" },
    { since: 'queens', value: 'error', source: `${N}d03a890a34 (server status ERROR if rebuild failed) and ${N}a8ebf5f1aa (migration 'error'), 17.0.0` },
  ] as Change<NoValidHostState>[],
  evacuateChecks: [
    { since: 'icehouse', value: { error: false, taskStateMustBeNone: true }, source: 'nova 2014.1 compute/api.py evacuate: vm_state ACTIVE or STOPPED, task_state None' },
    { since: 'juno', value: { error: true, taskStateMustBeNone: true }, source: `${N}2f8dfc0da2 (Allow evacuate from vm_state=Error, 2014.2)` },
    { since: 'zed', value: { error: true, taskStateMustBeNone: false }, source: `${N}db919aa15f (For evacuation, ignore if task_state is not None, 26.0.0)` },
  ] as Change<EvacuateChecks>[],
  /** Destination resource claim on rebuild (concurrent evacuations cannot overcommit a target). */
  rebuildClaim: [
    { since: 'icehouse', value: false, source: 'no rebuild claim before Liberty' },
    { since: 'liberty', value: true, source: `${N}dc0221d724 (rebuild: claims are done, 12.0.0)` },
  ] as Change<boolean>[],
  /** PUT /os-services/force-down (microversion 2.11). */
  forceDown: [
    { since: 'icehouse', value: false, source: 'no force-down API before Liberty' },
    { since: 'liberty', value: true, source: 'compute API microversion 2.11 (12.0.0), docs/openstack-facts.md §8.1' },
  ] as Change<boolean>[],
  /** `[image_file_url]` direct fetch from a shared file system (Han's NFS setup). */
  imageFileUrl: [
    { since: 'icehouse', value: true, source: 'nova 2014.1 nova/image/download/file.py' },
    { since: 'pike', value: false, source: `${N}ff8dcf6dcd (remove deprecated image url options, 16.0.0)` },
  ] as Change<boolean>[],
};

export type RuleName = keyof typeof RULES;
type RuleValue<K extends RuleName> = (typeof RULES)[K][number]['value'];

/** The value of `rule` in release `r`, by a scan of its changes: the last change at or before it. */
function ruleByScan<K extends RuleName>(name: K, r: Release): RuleValue<K> {
  const changes = RULES[name] as Change<RuleValue<K>>[];
  let v = changes[0].value;
  for (const c of changes) if (atLeast(r, c.since)) v = c.value;
  return v;
}

/**
 * Every rule's value in every release, in RELEASES order (a constant table, filled once from
 * RULES). Capacity rules are asked per host: the failure hook re-reserves every host at every
 * failure, and the scan above cost ~12 % of such a replication (bench/results.md).
 */
const BY_RELEASE = Object.fromEntries(
  (Object.keys(RULES) as RuleName[]).map((name) => [name, RELEASES.map((r) => ruleByScan(name, r))]),
) as { [K in RuleName]: RuleValue<K>[] };

/** The value of `rule` in release `r`: the last change at or before it. */
export function rule<K extends RuleName>(name: K, r: Release): RuleValue<K> {
  // A name that is no release (−1) gets the rule's first value, as the scan gives it.
  return BY_RELEASE[name][Math.max(0, releaseIndex(r))] as RuleValue<K>;
}

/** Where `rule` last changed at or before release `r` (for messages and docs). */
export function ruleSource(name: RuleName, r: Release): string {
  const changes = RULES[name] as Change<unknown>[];
  let s = changes[0].source;
  for (const c of changes) if (atLeast(r, c.since)) s = c.source;
  return s;
}
