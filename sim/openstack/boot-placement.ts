import type { Cloud } from '../scenario/cloud.js';

/**
 * The hosts a boot study places onto, rack by rack, with their physical cores
 * (`compute_node.cores`, or the rack's vcpus when not given).
 */
export function hostCores(cloud: Cloud, limit?: number): Float64Array {
  const cores: number[] = [];
  for (const rack of cloud.racks) {
    for (let h = 0; h < rack.hosts; h++) cores.push(cloud.compute_node.cores ?? rack.vcpus);
  }
  return Float64Array.from(limit === undefined ? cores : cores.slice(0, limit));
}

/**
 * Spread placement: each boot goes to the host with the fewest instances, ties to the lowest
 * index. With one flavor on equal empty hosts this is what nova's filter scheduler does with its
 * default RAMWeigher (most free RAM first, `host_subset_size` 1, openstack-facts §7), so a storm of
 * N boots on H hosts puts ⌈N/H⌉ or ⌊N/H⌋ on each. The full scheduler (filters, placement,
 * flavors) belongs to the evacuation study; boot times do not depend on which host of equal
 * hosts is chosen, only on how many boots share one.
 */
export class SpreadPlacement {
  readonly instances: Int32Array;
  constructor(hosts: number) {
    this.instances = new Int32Array(hosts);
  }

  place(): number {
    const n = this.instances;
    let best = 0;
    for (let h = 1; h < n.length; h++) if (n[h] < n[best]) best = h;
    n[best]++;
    return best;
  }

  remove(host: number): void {
    this.instances[host]--;
  }
}
