import type { NovaConfig } from './compute-schema.js';
import { rule, type RamFit, type Release, type VcpuFit } from './releases.js';

export type { Release } from './releases.js';

/**
 * Capacity arithmetic that changed between nova releases (docs/openstack-facts.md §6, §13.1–13.4;
 * the release of each change: releases.ts). Everything is in MB (nova's MiB-based "MB") and vCPUs.
 */

/**
 * Default allocation ratios of a compute node when nova.conf leaves them unset. Until Stein the
 * scheduler default applied at every update, so the running release decides; from Stein the
 * `initial_*_allocation_ratio` of the release that CREATED the compute node record stays (an
 * upgraded cloud keeps 1.5 / 16.0 after Antelope).
 */
export function defaultRatios(release: Release, deployedOn: Release = release): { ram: number; cpu: number } {
  const now = rule('defaultRatios', release);
  const r = now.appliedAt === 'record-creation' ? rule('defaultRatios', deployedOn) : now;
  return { ram: r.ram, cpu: r.cpu };
}
export function defaultRamRatio(release: Release, deployedOn: Release = release): number {
  return defaultRatios(release, deployedOn).ram;
}
export function defaultCpuRatio(release: Release, deployedOn: Release = release): number {
  return defaultRatios(release, deployedOn).cpu;
}

/** Settings resolved against the release's defaults. */
export interface ResolvedNova {
  release: Release;
  ramRatio: number;
  cpuRatio: number;
  reservedMb: number;
  reservedCpus: number;
  ramWeightMultiplier: number;
  cpuWeightMultiplier: number;
  hostSubsetSize: number;
  /** Candidates placement hands the scheduler per request (Infinity: every host is weighed). */
  maxPlacementResults: number;
  randomizeAllocationCandidates: boolean;
  reportInterval: number;
  serviceDownTime: number;
  /** The release's capacity rules, read once: a host's capacity is recomputed at every reservation change. */
  ramFit: RamFit;
  vcpuFit: VcpuFit;
}

export function resolveNova(n: NovaConfig): ResolvedNova {
  const deployedOn = n.deployed_on ?? n.release;
  return {
    release: n.release,
    ramRatio: n.ram_allocation_ratio ?? defaultRamRatio(n.release, deployedOn),
    cpuRatio: n.cpu_allocation_ratio ?? defaultCpuRatio(n.release, deployedOn),
    reservedMb: n.reserved_host_memory_mb,
    reservedCpus: rule('reservedHostCpus', n.release) ? n.reserved_host_cpus : 0,
    ramWeightMultiplier: n.ram_weight_multiplier,
    cpuWeightMultiplier: n.cpu_weight_multiplier ?? rule('cpuWeightMultiplier', n.release),
    hostSubsetSize: n.host_subset_size,
    maxPlacementResults: placementLimit(n.release, n.max_placement_results),
    randomizeAllocationCandidates: n.randomize_allocation_candidates,
    reportInterval: n.report_interval,
    serviceDownTime: n.service_down_time,
    ramFit: rule('ramFit', n.release),
    vcpuFit: rule('vcpuFit', n.release),
  };
}

/**
 * How many allocation candidates the scheduler filters and weighs (docs/scale.md §1). Kilo
 * had no placement: the FilterScheduler weighed every host. `[scheduler] max_placement_results`
 * (default 1000) arrived in Queens (nova 17.0.0, commit f029784e "Pass limit to
 * /allocation_requests", bug 1746294), and antelope keeps it (nova/scheduler/utils.py passes it
 * as `limit` to GET /allocation_candidates).
 */
export function placementLimit(release: Release, maxPlacementResults: number): number {
  return release === 'kilo' ? Infinity : maxPlacementResults;
}

/**
 * Guest RAM a host accepts.
 * RamFilter: limit = total × ratio, used = reserved + instances ⇒ total × ratio − reserved.
 * placement: (total − reserved) × ratio. They differ by reserved × (ratio − 1) (§6.2, §13.1).
 * Ocata and Pike-with-RamFilter apply both: the smaller wins.
 */
export function ramCapacityMb(release: Release, totalMb: number, reservedMb: number, ratio: number): number {
  return ramCapacityByFit(rule('ramFit', release), totalMb, reservedMb, ratio);
}

/** ramCapacityMb with the release's `ramFit` rule already read (ResolvedNova.ramFit). */
export function ramCapacityByFit(fit: RamFit, totalMb: number, reservedMb: number, ratio: number): number {
  const ramFilter = totalMb * ratio - reservedMb;
  const placement = (totalMb - reservedMb) * ratio;
  switch (fit) {
    case 'ramfilter': return ramFilter;
    case 'placement+ramfilter': return Math.min(ramFilter, placement);
    case 'placement': return placement;
  }
}

/**
 * vCPUs a host accepts: unchecked while the default filters had no CoreFilter (Icehouse–Newton),
 * placement's (total − reserved) × ratio from Ocata.
 */
export function vcpuCapacity(release: Release, vcpus: number, reservedCpus: number, ratio: number): number {
  return vcpuCapacityByFit(rule('vcpuFit', release), vcpus, reservedCpus, ratio);
}

/** vcpuCapacity with the release's `vcpuFit` rule already read (ResolvedNova.vcpuFit). */
export function vcpuCapacityByFit(fit: VcpuFit, vcpus: number, reservedCpus: number, ratio: number): number {
  return fit === 'unchecked' ? Infinity : (vcpus - reservedCpus) * ratio;
}

/**
 * Largest single MEMORY_MB request: placement's max_unit is the host's total RAM, not total −
 * reserved (§6.1, §13.3); the RamFilter alone had no such limit.
 */
export function ramMaxUnit(release: Release, totalMb: number): number {
  return rule('ramFit', release) === 'ramfilter' ? Infinity : totalMb;
}

export const MB = 2 ** 20;
