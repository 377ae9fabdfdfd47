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

/**
 * Instances a scenario has before anything is built: its instance list, or the fill × the hosts'
 * RAM ÷ the share-weighted flavor RAM. Rack arithmetic only (no host is expanded), for the
 * estimates that must refuse a cloud of 2^32 hosts before it is built.
 */
export function estimatedInstances(cloud: Pick<Cloud, 'racks' | 'flavors' | 'instances' | 'fill'>): number {
  if (cloud.instances) return cloud.instances.reduce((s, i) => s + i.count, 0);
  // A rack is a count of hosts of the rack's RAM, or a list of hosts each with its own (or the rack's).
  const ram = cloud.racks.reduce((s, r) => s + (typeof r.hosts === 'number' ? r.hosts * (r.ram ?? 0) : r.hosts.reduce((t, h) => t + (h.ram ?? r.ram ?? 0), 0)), 0);
  const shares = cloud.flavors.reduce((s, f) => s + f.share, 0);
  const meanRam = shares > 0 ? cloud.flavors.reduce((s, f) => s + f.share * f.ram, 0) / shares : Math.min(...cloud.flavors.map((f) => f.ram));
  return meanRam > 0 ? (cloud.fill * ram) / meanRam : 0;
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
