import type { Cloud } from '../cloud.js';
import { isCloneable } from './boot-model.js';
import { nfsServerRate } from './backend-limits.js';

/**
 * Closed-form time of ONE boot on an otherwise idle cloud: the BootModel's path with every link
 * to itself (no sharing, no queue for a build slot). It is the floor of what the simulation can
 * give, a quick figure for a single rebuild on local storage, and the test oracle for the model.
 *
 * - RBD clone (§9.2, with show_image_direct_url): clone latency + the guest boot.
 * - Otherwise (§9.1): fetch unless the base is cached — the download runs at the slowest of its
 *   hops (compute NIC/disk cap, NFS server; or glance-api NIC and, on a glance cache miss, the
 *   store), then qemu-img convert when qcow2 and force_raw_images — then, with instance disks on
 *   RBD, a sparse `rbd import` of the image's data; then the guest boot.
 * - Guest boot (docs/boot-and-storage.md §1): its boot reads (local disk, or Ceph over the compute
 *   NIC), THEN its init's CPU work at min(1, cores ÷ (1 + busy cores)) of a core.
 * NFS direct fetch is assumed to succeed (no fall-back).
 */
export interface SingleBoot {
  /** CPU-seconds of the guest boot (a draw of the image's `boot.cpu`). */
  cpuSeconds: number;
  /** RBD clone latency (cloneable images only). */
  cloneLatency?: number;
  /** The image's base is already in the host's `_base`. */
  cached?: boolean;
  /** The serving glance-api node has the image in its image cache (§9.3). */
  glanceCached?: boolean;
  /** Cores of the host (default: compute_node.cores, else the first rack's (or its first listed host's) vcpus). */
  cores?: number;
  /** Cores the host's running workload keeps busy (default 0). */
  busyCores?: number;
}

export function uncontendedBootTime(cloud: Cloud, imageIndex: number, b: SingleBoot): number {
  const image = cloud.images?.[imageIndex];
  if (!image) throw new RangeError(`uncontendedBootTime: no image ${imageIndex}`);
  const node = cloud.compute_node;
  const rbd = cloud.ephemeral_storage === 'rbd';
  const cephNet = cloud.ceph?.network ?? Infinity;
  const remote = Math.min(node.nic, cephNet);
  const rack0 = cloud.racks[0];
  const cores = b.cores ?? node.cores ?? rack0.vcpus ?? (typeof rack0.hosts === 'number' ? undefined : rack0.hosts[0]?.vcpus) ?? 1;
  const coreShare = Math.min(1, cores / (1 + (b.busyCores ?? 0)));
  const guest = image.boot.read / (rbd ? remote : node.disk_write) + b.cpuSeconds / coreShare;
  if (isCloneable(cloud, image.format)) return (b.cloneLatency ?? 0) + guest;

  let t = 0;
  if (!b.cached) {
    const cap = Math.min(node.nic, node.disk_write);
    let source: number;
    if (cloud.image_transfer === 'nfs-direct') source = nfsServerRate(cloud);
    else {
      const store = cloud.glance.store === 'nfs' ? nfsServerRate(cloud)
        : cloud.glance.store === 'rbd' ? cephNet : cloud.glance.backend_read;
      source = cloud.glance.image_cache && b.glanceCached ? cloud.glance.nic : Math.min(cloud.glance.nic, store);
    }
    t += image.size / Math.min(cap, source);
    if (image.format === 'qcow2' && node.force_raw_images) t += image.size / Math.min(node.convert_throughput, node.disk_write);
  }
  if (rbd) t += Math.min(image.virtual_size, image.data_size ?? image.size) / remote;
  return t + guest;
}
