import { z } from 'zod';
import { bandwidth, bytes, fraction } from '../../units/zod-units.js';

/**
 * `cloud.ceph`: the Ceph cluster behind RBD (OSDs, redundancy, full ratios, object sizes) and its
 * network. Owned by the rbd study; the boot study reads `network` for CoW-clone boots.
 *
 * Redundancy: a replicated pool stores `replication` copies (osd_pool_default_size 3, docs/openstack-facts.md §10);
 * an erasure-coded data pool stores k data + m coding chunks, i.e. (k+m)/k raw bytes per byte.
 * The ratios are Ceph's mon_osd_*_ratio defaults (docs/openstack-facts.md §10); they apply to each OSD, so
 * `osd_imbalance` (fullest OSD ÷ mean OSD fill, from uneven CRUSH weights and PG counts) decides
 * when the cluster trips.
 */
export const erasureCodingSchema = z.object({
  k: z.number().int().min(1),
  m: z.number().int().min(1),
}).strict();

/** Ceph releases in order (hammer 0.94 … tentacle 20.2). */
export const CEPH_RELEASES = ['hammer', 'infernalis', 'jewel', 'kraken', 'luminous', 'mimic', 'nautilus', 'octopus',
  'pacific', 'quincy', 'reef', 'squid', 'tentacle'] as const;
export type CephRelease = (typeof CEPH_RELEASES)[number];

export function cephAtLeast(release: CephRelease, than: CephRelease): boolean {
  return CEPH_RELEASES.indexOf(release) >= CEPH_RELEASES.indexOf(than);
}

/**
 * The rbd CLI's `import` skips zeroed extents of 4 KiB from Luminous (ceph/ceph PR #12883, Jan 2017);
 * before, it skipped a block only when the whole object was zero, so it wrote every object holding
 * any data (docs/boot-and-storage.md §5).
 */
export function importSkipsOnlyZeroObjects(release: CephRelease): boolean {
  return !cephAtLeast(release, 'luminous');
}

/** The warning for imports whose bytes the model only bounds from below (a pre-Luminous rbd CLI, no `data_size`). */
export function wholeObjectImportWarning(release: CephRelease, imageNames: string[]): string[] {
  if (!importSkipsOnlyZeroObjects(release) || imageNames.length === 0) return [];
  return [`ceph.release ${release}: rbd import before Luminous skipped only all-zero objects, so it wrote more than the data of ${imageNames.join(', ')}; their data_size (default: the image size) is a lower bound — set it to the \`rbd du\` of an imported image (docs/boot-and-storage.md §5)`];
}

export const cephSchema = z.object({
  release: z.enum(CEPH_RELEASES).default('squid')
    .meta({ description: 'Ceph release the OSDs were created with: it sets the default object store and BlueStore\'s min_alloc_size (fixed when an OSD is created; docs/boot-and-storage.md §6)' }),
  objectstore: z.enum(['bluestore', 'filestore']).optional()
    .meta({ description: 'OSD object store; default: bluestore from Luminous on, filestore before. FileStore counts space in whole RADOS objects, BlueStore in min_alloc_size units' }),
  device_class: z.enum(['hdd', 'ssd']).default('hdd')
    .meta({ description: 'OSD data devices; picks bluestore_min_alloc_size_hdd or _ssd' }),
  min_alloc_size: bytes({ positive: true }).optional()
    .meta({ description: 'BlueStore allocation unit; default by release and device class: 64 KiB HDD / 16 KiB SSD (Luminous–Nautilus), 64 KiB / 4 KiB (Octopus), 4 KiB (Pacific on)' }),
  osds: z.number().int().min(1),
  osd_size: bytes({ positive: true }),
  replication: z.number().int().min(1).default(3)
    .meta({ description: 'replicated pool size (osd_pool_default_size); ignored when erasure_coding is set' }),
  erasure_coding: erasureCodingSchema.optional()
    .meta({ description: 'erasure-coded data pool {k, m}: (k+m)/k raw bytes per stored byte' }),
  nearfull_ratio: fraction().default(0.85),
  backfillfull_ratio: fraction().default(0.9),
  full_ratio: fraction().default(0.95),
  osd_imbalance: z.number().min(1).default(1)
    .meta({ description: 'fill of the fullest OSD divided by the mean OSD fill (1 = perfectly balanced CRUSH map)' }),
  rbd_default_object_size: bytes({ positive: true }).prefault('4MiB')
    .meta({ description: 'object size of RBD images created by Ceph itself (rbd_default_order 22 = 4 MiB)' }),
  glance_chunk_size: bytes({ positive: true }).prefault('8MiB')
    .meta({ description: "Glance rbd_store_chunk_size: object size of images stored by Glance, inherited by nova's clones (order 23)" }),
  network: bandwidth().prefault('40Gbit/s').meta({ description: 'client-facing (public) network capacity shared by guests reading from RBD' }),
}).strict();

export type CephCluster = z.output<typeof cephSchema>;

/** Raw bytes Ceph stores per byte written to the pool (replication, or (k+m)/k with erasure coding). */
export function rawPerStoredByte(ceph: CephCluster): number {
  const ec = ceph.erasure_coding;
  return ec ? (ec.k + ec.m) / ec.k : ceph.replication;
}

/** The OSDs' object store, explicit or by release (BlueStore is the default from Luminous 12.2.0). */
export function objectStore(ceph: CephCluster): 'bluestore' | 'filestore' {
  return ceph.objectstore ?? (cephAtLeast(ceph.release, 'luminous') ? 'bluestore' : 'filestore');
}

/**
 * bluestore_min_alloc_size when the OSDs were created (docs/boot-and-storage.md §6):
 * - HDD 64 KiB until Octopus; 4 KiB from Pacific (ceph/ceph PR #34588, 2020; v16.2.0);
 * - SSD 16 KiB from Luminous (PR #14076, 2017); 4 KiB from Octopus (PR #30698, kept for SSD by
 *   PR #32809, v15.2.0; backported to Nautilus by PR #32998, so late Nautilus point releases
 *   create 4 KiB SSD OSDs too — the model keys Nautilus at 16 KiB).
 */
export function defaultMinAllocSize(release: CephRelease, device: 'hdd' | 'ssd'): number {
  if (cephAtLeast(release, 'pacific')) return 4096;
  if (device === 'ssd') return cephAtLeast(release, 'octopus') ? 4096 : 16384;
  return 65536;
}

/**
 * The unit space is allocated and freed in, for an RBD object of `objectBytes` modelled in blocks
 * of `blockBytes`: the whole object on FileStore; on BlueStore min_alloc_size, but never finer than
 * the model block (a finer unit is below what the model resolves) nor coarser than the object.
 */
export function allocationUnit(ceph: CephCluster, objectBytes: number, blockBytes: number): number {
  if (objectStore(ceph) === 'filestore') return objectBytes;
  const minAlloc = ceph.min_alloc_size ?? defaultMinAllocSize(ceph.release, ceph.device_class);
  return Math.min(objectBytes, Math.max(minAlloc, blockBytes));
}
