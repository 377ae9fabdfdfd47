import type { Cloud } from '../cloud.js';

/**
 * Closed-form time of ONE boot on an otherwise idle cloud: the BootModel's path with every link
 * to itself (no sharing, no queue for a build slot). It is the floor of what the simulation can
 * give, a quick figure for a single rebuild on local storage, and the test oracle for the model.
 *
 * - RBD clone (§9.2): clone latency + the guest boot.
 * - Otherwise (§9.1): fetch unless the base is cached — the download runs at the slowest of its
 *   hops (compute NIC/disk cap, NFS server; or glance-api NIC and, on a glance cache miss, the
 *   store), then qemu-img convert when qcow2 and force_raw_images — then, with instance disks on
 *   RBD, `rbd import` of the virtual size; then the guest boot.
 * - Guest boot (§9): CPU work on one core, overlapped with reading its boot working set (local
 *   disk, or Ceph over the compute NIC): the longer of the two.
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
}

export function uncontendedBootTime(cloud: Cloud, imageIndex: number, b: SingleBoot): number {
  const image = cloud.images?.[imageIndex];
  if (!image) throw new RangeError(`uncontendedBootTime: no image ${imageIndex}`);
  const node = cloud.compute_node;
  const rbd = cloud.ephemeral_storage === 'rbd';
  const cephNet = cloud.ceph?.network ?? Infinity;
  const remote = Math.min(node.nic, cephNet);
  const guest = Math.max(b.cpuSeconds, image.boot.read / (rbd ? remote : node.disk_write));
  if (rbd && cloud.glance.store === 'rbd' && image.format === 'raw') return (b.cloneLatency ?? 0) + guest;

  let t = 0;
  if (!b.cached) {
    const cap = Math.min(node.nic, node.disk_write);
    let source: number;
    if (cloud.image_transfer === 'nfs-direct') source = cloud.nfs.server_bandwidth;
    else {
      const store = cloud.glance.store === 'nfs' ? cloud.nfs.server_bandwidth
        : cloud.glance.store === 'rbd' ? cephNet : cloud.glance.backend_read;
      source = cloud.glance.image_cache && b.glanceCached ? cloud.glance.nic : Math.min(cloud.glance.nic, store);
    }
    t += image.size / Math.min(cap, source);
    if (image.format === 'qcow2' && node.force_raw_images) t += image.size / Math.min(node.convert_throughput, node.disk_write);
  }
  if (rbd) t += image.virtual_size / remote;
  return t + guest;
}
