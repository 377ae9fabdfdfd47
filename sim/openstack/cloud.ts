import { z } from 'zod';
import { computeCloudShape } from './nova/compute-schema.js';
import { imageCloudShape } from './images/image-schema.js';
import { cephSchema } from './ceph/ceph-schema.js';

/**
 * `cloud:` — one description of the cloud shared by every study. Each domain owns its keys in
 * its own file (compute and nova: compute-schema.ts; images, glance, NFS, compute NIC/disk:
 * image-schema.ts; the Ceph cluster: ceph-schema.ts) so studies can grow independently.
 */
export const cloudSchema = z.object({
  ...computeCloudShape,
  ...imageCloudShape,
  ceph: cephSchema.optional(),
}).strict();

export type Cloud = z.output<typeof cloudSchema>;
