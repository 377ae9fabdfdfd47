import { z } from 'zod';
import { bandwidth, bytes, fraction } from '../scenario/zod-units.js';

/**
 * `cloud.ceph`: the Ceph cluster behind RBD (OSDs, replication, full ratios) and its network.
 * Owned by the rbd study; the boot study reads `network` and `read_bandwidth` for CoW-clone boots.
 */
export const cephSchema = z.object({
  osds: z.number().int().min(1),
  osd_size: bytes({ positive: true }),
  replication: z.number().int().min(1).default(3),
  nearfull_ratio: fraction().default(0.85),
  backfillfull_ratio: fraction().default(0.9),
  full_ratio: fraction().default(0.95),
  network: bandwidth().prefault('40Gbit/s').meta({ description: 'client-facing (public) network capacity shared by guests reading from RBD' }),
}).strict();
