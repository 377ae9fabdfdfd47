import { z } from 'zod';
import { bytes, duration, fraction, memory, rate } from '../../units/zod-units.js';
import { distribution } from '../../random/spec.js';
import { hostOverheadSchema } from './host-memory.js';
import { atLeast, CURRENT_RELEASE, RELEASES, rule, type Release } from './releases.js';

/**
 * Compute side of `cloud:`: nova's settings, racks of hosts, flavors and fill.
 * Owned by the evacuation study; other studies read it (hosts, flavors, ephemeral storage).
 * Keys are snake_case as in nova.conf; every knob a sweep may vary is a plain scalar field.
 */
export const novaSchema = z.object({
  release: z.enum(RELEASES).prefault('antelope')
    .meta({ description: `nova release whose defaults and semantics are modelled, icehouse to ${CURRENT_RELEASE} (the rules and where each changed: docs/nova-releases.md)` }),
  deployed_on: z.enum(RELEASES).optional()
    .meta({ description: 'release the compute nodes were first deployed on (default: release). From Stein the initial allocation ratios apply only when the compute node record is created, so a cloud deployed before Antelope keeps 1.5 / 16.0' }),
  ram_allocation_ratio: z.number().positive().optional()
    .meta({ description: 'default: the initial ratio of the release (deployed_on from Stein): 1.5 until Zed, 1.0 from Antelope' }),
  cpu_allocation_ratio: z.number().positive().optional()
    .meta({ description: 'default: the initial ratio of the release (deployed_on from Stein): 16.0 until Zed, 4.0 from Antelope' }),
  disable_libvirt_livesnapshot: z.boolean().optional()
    .meta({ description: '[workarounds] disable_libvirt_livesnapshot; default by release: True Juno–Pike, False from Queens (the option exists from Kilo)' }),
  reserved_host_memory_mb: z.number().int().min(0).default(512),
  reserved_host_cpus: z.number().int().min(0).default(0),
  ram_weight_multiplier: z.number().default(1.0)
    .meta({ description: 'RAMWeigher multiplier: positive spreads, negative stacks (§7)' }),
  cpu_weight_multiplier: z.number().optional()
    .meta({ description: 'CPUWeigher multiplier; default 1.0 from Rocky, 0 before (no CPUWeigher)' }),
  io_ops_weight_multiplier: z.number().optional()
    .meta({ description: 'IoOpsWeigher multiplier on num_io_ops (builds and rebuilds in flight on the host); default -1.0 from Kilo (the weigher arrived in Kilo), 0 before: prefer hosts with fewer ongoing I/O operations (§7)' }),
  host_subset_size: z.number().int().min(1).default(1)
    .meta({ description: 'the scheduler picks at random among the N best weighed hosts (§7)' }),
  max_placement_results: z.number().int().min(1).default(1000)
    .meta({ description: '[scheduler] max_placement_results: placement hands the scheduler at most this many allocation candidates per request, and only those are filtered and weighed (since Queens; kilo had no placement and weighed every host). docs/scale.md' }),
  randomize_allocation_candidates: z.boolean().default(false)
    .meta({ description: '[placement] randomize_allocation_candidates: when the limit cuts, the candidates are a random sample instead of the first ones in placement\'s order. docs/scale.md' }),
  report_interval: duration({ positive: true }).prefault('10s'),
  service_down_time: duration({ positive: true }).prefault('60s'),
}).strict().refine((n) => n.deployed_on === undefined || atLeast(n.release, n.deployed_on),
  { path: ['deployed_on'], message: 'deployed_on is later than release (expected a release at or before nova.release)' });

/**
 * One compute host of a rack given by name, with what differs from its rack and from `nova:`
 * (an imported cloud: each host's placement inventory, docs/import.md). Unset fields take the
 * rack's `ram`/`vcpus` and nova's reservation and ratios, so designs and sweeps of `nova.*`
 * still reach every host that does not override them.
 */
export const hostSchema = z.object({
  name: z.string().min(1),
  ram: memory().optional().meta({ description: "physical RAM (placement MEMORY_MB total); default the rack's ram" }),
  vcpus: z.number().int().min(1).optional().meta({ description: "VCPU total; default the rack's vcpus" }),
  reserved_host_memory_mb: z.number().int().min(0).optional().meta({ description: 'MEMORY_MB reserved on this host; default nova.reserved_host_memory_mb' }),
  reserved_host_cpus: z.number().int().min(0).optional().meta({ description: 'VCPU reserved on this host; default nova.reserved_host_cpus' }),
  ram_allocation_ratio: z.number().positive().optional().meta({ description: "this host's MEMORY_MB allocation_ratio; default nova's" }),
  cpu_allocation_ratio: z.number().positive().optional().meta({ description: "this host's VCPU allocation_ratio; default nova's" }),
  ram_max_unit: memory().optional().meta({ description: "largest single MEMORY_MB allocation (placement max_unit); default the release's rule (total RAM on placement releases)" }),
  enabled: z.boolean().default(true).meta({ description: 'false: the nova-compute service is disabled or down (not a scheduling target; its instances stay)' }),
  availability_zone: z.string().optional().meta({ description: "default the rack's zone" }),
}).strict();

export const rackSchema = z.object({
  name: z.string().min(1),
  hosts: z.union([z.number().int().min(1), z.array(hostSchema).min(1)])
    .meta({ description: 'a count of identical hosts named <rack>-<n> (n from 1), or a list of named hosts' }),
  ram: memory().optional().meta({ description: "every host's RAM (a host of a list may override it)" }),
  vcpus: z.number().int().min(1).optional(),
  availability_zone: z.string().optional(),
}).strict().superRefine((r, ctx) => {
  for (const key of ['ram', 'vcpus'] as const) {
    if (typeof r.hosts === 'number') {
      if (r[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `missing (expected the ${key} of the rack's ${r.hosts} hosts)` });
    } else if (r[key] === undefined) {
      r.hosts.forEach((h, k) => {
        if (h[key] === undefined) ctx.addIssue({ code: 'custom', path: ['hosts', k, key], message: `missing (expected the host's ${key}, or a ${key} on its rack)` });
      });
    }
  }
});

/** A server group of the instance list and its policy (nova server group policies). */
export const groupSchema = z.object({
  name: z.string().min(1),
  policy: z.enum(['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']).default('anti-affinity')
    .meta({ description: 'only anti-affinity constrains the modelled scheduler (ServerGroupAntiAffinityFilter); the others are kept for the record and warned about' }),
}).strict();

export const flavorSchema = z.object({
  name: z.string().min(1),
  ram: memory(),
  vcpus: z.number().int().min(1),
  disk: bytes().default(0),
  share: z.number().min(0).meta({ description: 'share of instances of this flavor in the fill (normalised over all flavors)' }),
}).strict();

/** One line of an explicit instance list (instead of `fill`). */
export const instanceSchema = z.object({
  flavor: z.string().min(1),
  count: z.number().int().min(1).default(1),
  host: z.string().optional().meta({ description: "pin to this host (a listed host's name, or `<rack>-<n>` for counted hosts, n from 1); otherwise placed by the scheduler. Pinned instances must fit the host's placement capacity" }),
  availability_zone: z.string().optional(),
  group: z.string().optional().meta({ description: 'server group name: one of `groups`, or else an anti-affinity group' }),
}).strict();

/**
 * The failure hook (S. Han's approach, docs/openstack-facts.md §1): on failure detection, configuration
 * management lowers `reserved_host_memory_mb` on the survivors (config run + nova-compute
 * restart: the option is not mutable) and/or enables spare hosts; undone after repair.
 */
export const onFailureSchema = z.object({
  release_reservation_to: bytes().optional()
    .meta({ description: 'reserved_host_memory_mb on survivors while a failure is active, e.g. 512MiB' }),
  enable_spares: z.boolean().default(true).meta({ description: 'enable one disabled spare host per failed host' }),
  after: distribution('duration').prefault('10m')
    .meta({ description: 'config-management run + nova-compute restart, from failure detection' }),
  evacuation: z.enum(['wait', 'race']).default('wait')
    .meta({ description: 'wait: host-evacuate starts only after the hook ran; race: it does not wait' }),
  restore_after_repair: z.boolean().default(true),
  retry_stranded: z.object({
    after: distribution('duration').meta({ description: 'delay from a host-evacuate that stranded instances to the operator re-running it' }),
    attempts: z.number().int().min(1).default(1).meta({ description: 'most re-runs per failed host' }),
  }).strict().optional()
    .meta({ description: 'the operator re-runs host-evacuate for the instances left in ERROR (or unchanged, before Queens) on a failed host; nova itself never retries' }),
}).strict();

export const serverGroupsSchema = z.object({
  anti_affinity_share: fraction().default(0).meta({ description: 'share of filled instances that belong to anti-affinity server groups' }),
  size: z.number().int().min(2).default(3),
}).strict();

export const churnSchema = z.object({
  rate: rate().meta({ description: 'replacements per unit time: each deletes a random running instance and creates one of a random flavor through the scheduler' }),
}).strict();

export const computeCloudShape = {
  nova: novaSchema.prefault({}),
  racks: z.array(rackSchema).min(1),
  flavors: z.array(flavorSchema).min(1),
  fill: fraction().default(0.8).meta({ description: 'initial fill as a fraction of placement capacity (MEMORY_MB) of the enabled hosts, reached through the scheduler' }),
  instances: z.array(instanceSchema).optional().meta({ description: 'explicit instance list; replaces fill' }),
  groups: z.array(groupSchema).optional().meta({ description: 'server groups of the instance list, with their policies' }),
  spare_hosts: z.number().int().min(0).default(0).meta({ description: 'hosts kept disabled (spread over racks) and enabled by the failure hook' }),
  on_failure: onFailureSchema.optional(),
  server_groups: serverGroupsSchema.optional(),
  churn: churnSchema.optional(),
  ephemeral_storage: z.enum(['rbd', 'local', 'nfs']).prefault('rbd'),
  host_overhead: hostOverheadSchema.prefault({}).meta({ description: 'memory each compute needs besides guest RAM (host OS, QEMU per guest), which nova does not count' }),
};

export type NovaConfig = z.output<typeof novaSchema>;

/** `io_ops_weight_multiplier` resolved against the release (releases.ts: the IoOpsWeigher came in Kilo at −1.0). */
export function ioOpsWeightMultiplier(n: NovaConfig): number {
  return n.io_ops_weight_multiplier ?? defaultIoOpsWeightMultiplier(n.release);
}

export function defaultIoOpsWeightMultiplier(release: Release): number {
  return rule('ioOpsWeightMultiplier', release);
}

export type OnFailure = z.output<typeof onFailureSchema>;
