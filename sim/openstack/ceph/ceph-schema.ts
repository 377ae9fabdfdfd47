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

export const cephSchema = z.object({
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
