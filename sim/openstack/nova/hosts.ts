import type { Cloud } from '../cloud.js';
import { MB, ramMaxUnit, resolveNova } from './placement.js';

type Rack = Cloud['racks'][number];

/** One compute host with every default resolved (rack, then nova's settings). */
export interface HostSpec {
  name: string;
  rack: number;
  totalMb: number;
  vcpus: number;
  reservedMb: number;
  reservedCpus: number;
  ramRatio: number;
  cpuRatio: number;
  maxUnitMb: number;
  enabled: boolean;
  availabilityZone: string | undefined;
}

/** Hosts in a rack: its count, or the length of its host list. */
export function rackHostCount(rack: Rack): number {
  return typeof rack.hosts === 'number' ? rack.hosts : rack.hosts.length;
}

export function totalHostCount(cloud: Pick<Cloud, 'racks'>): number {
  let n = 0;
  for (const r of cloud.racks) n += rackHostCount(r);
  return n;
}

/**
 * Every host of the cloud, rack by rack (the host order of ComputeState). A counted rack's hosts
 * are `<rack>-<n>` with the rack's size and nova's settings; a listed host overrides what it sets
 * (an imported host carries its placement inventory, docs/import.md).
 */
export function cloudHosts(cloud: Pick<Cloud, 'racks' | 'nova'>): HostSpec[] {
  const n = resolveNova(cloud.nova);
  const out: HostSpec[] = [];
  cloud.racks.forEach((r, ri) => {
    const count = rackHostCount(r);
    for (let k = 0; k < count; k++) {
      const h = typeof r.hosts === 'number' ? undefined : r.hosts[k];
      // The schema guarantees ram and vcpus on the host or its rack.
      const totalMb = Math.round((h?.ram ?? r.ram!) / MB);
      const kilo = n.release === 'kilo';
      out.push({
        name: h?.name ?? `${r.name}-${k + 1}`,
        rack: ri,
        totalMb,
        vcpus: h?.vcpus ?? r.vcpus!,
        reservedMb: h?.reserved_host_memory_mb ?? n.reservedMb,
        // Kilo had no reserved_host_cpus (CoreFilter: total × ratio − used, docs/openstack-facts.md §6.2).
        reservedCpus: kilo ? 0 : h?.reserved_host_cpus ?? n.reservedCpus,
        ramRatio: h?.ram_allocation_ratio ?? n.ramRatio,
        cpuRatio: h?.cpu_allocation_ratio ?? n.cpuRatio,
        maxUnitMb: h?.ram_max_unit !== undefined ? Math.round(h.ram_max_unit / MB) : ramMaxUnit(n.release, totalMb),
        enabled: h?.enabled ?? true,
        availabilityZone: h?.availability_zone ?? r.availability_zone,
      });
    }
  });
  return out;
}
