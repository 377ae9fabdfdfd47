import type { NovaConfig } from './compute-schema.js';

/**
 * Capacity arithmetic that changed between nova releases (docs/openstack-facts.md §6, §13.1–13.4).
 * Everything is in MB (nova's MiB-based "MB") and vCPUs.
 */
export type Release = 'kilo' | 'antelope';

/** Release defaults of the allocation ratios when nova.conf leaves them unset (§6.3). */
export function defaultRamRatio(release: Release): number {
  return release === 'kilo' ? 1.5 : 1.0;
}
export function defaultCpuRatio(release: Release): number {
  return release === 'kilo' ? 16.0 : 4.0;
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
  reportInterval: number;
  serviceDownTime: number;
}

export function resolveNova(n: NovaConfig): ResolvedNova {
  return {
    release: n.release,
    ramRatio: n.ram_allocation_ratio ?? defaultRamRatio(n.release),
    cpuRatio: n.cpu_allocation_ratio ?? defaultCpuRatio(n.release),
    reservedMb: n.reserved_host_memory_mb,
    // Kilo had no reserved_host_cpus (CoreFilter: total × ratio − used, §6.2).
    reservedCpus: n.release === 'kilo' ? 0 : n.reserved_host_cpus,
    ramWeightMultiplier: n.ram_weight_multiplier,
    // The CPUWeigher arrived in Rocky; Kilo weighed RAM only.
    cpuWeightMultiplier: n.cpu_weight_multiplier ?? (n.release === 'kilo' ? 0 : 1.0),
    hostSubsetSize: n.host_subset_size,
    reportInterval: n.report_interval,
    serviceDownTime: n.service_down_time,
  };
}

/**
 * Guest RAM a host accepts.
 * kilo RamFilter: limit = total × ratio, used = reserved + instances ⇒ total × ratio − reserved.
 * placement: (total − reserved) × ratio. They differ by reserved × (ratio − 1) (§6.2, §13.1).
 */
export function ramCapacityMb(release: Release, totalMb: number, reservedMb: number, ratio: number): number {
  return release === 'kilo' ? totalMb * ratio - reservedMb : (totalMb - reservedMb) * ratio;
}

/** kilo CoreFilter: total × ratio (no reserved CPUs); placement: (total − reserved) × ratio. */
export function vcpuCapacity(release: Release, vcpus: number, reservedCpus: number, ratio: number): number {
  return release === 'kilo' ? vcpus * ratio : (vcpus - reservedCpus) * ratio;
}

/**
 * Largest single MEMORY_MB request: placement's max_unit is the host's total RAM, not total −
 * reserved (§6.1, §13.3); the Kilo RamFilter had no such limit.
 */
export function ramMaxUnit(release: Release, totalMb: number): number {
  return release === 'kilo' ? Infinity : totalMb;
}

export const MB = 2 ** 20;
