import { z } from 'zod';
import { bandwidth, bytes, duration } from '../scenario/zod-units.js';

/**
 * Image side of `cloud:`: images, glance-api nodes, the NFS image store and compute-node I/O.
 * Owned by the boot study; the evacuation study's local-storage rebuilds read it.
 */
export const imageSchema = z.object({
  name: z.string().min(1),
  size: bytes({ positive: true }).meta({ description: 'image file size (what is transferred)' }),
  virtual_size: bytes({ positive: true }),
  format: z.enum(['qcow2', 'raw']),
  share: z.number().min(0).default(1),
}).strict();

export const imageCloudShape = {
  images: z.array(imageSchema).optional(),
  compute_node: z.object({
    nic: bandwidth().prefault('10Gbit/s'),
    disk_write: bandwidth().prefault('500MB/s'),
    cores: z.number().int().min(1).optional(),
    max_concurrent_builds: z.number().int().min(1).default(10),
  }).strict().optional(),
  glance: z.object({
    api_nodes: z.number().int().min(1).default(2),
    nic: bandwidth().prefault('10Gbit/s'),
    backend_read: bandwidth().prefault('1GB/s'),
  }).strict().optional(),
  nfs: z.object({
    server_bandwidth: bandwidth().prefault('10Gbit/s'),
  }).strict().optional(),
  image_cache_manager: z.object({
    interval: duration().prefault('2400s'),
    remove_unused_after: duration().prefault('86400s'),
  }).strict().optional(),
};
