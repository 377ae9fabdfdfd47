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
}).strict().superRefine((c, ctx) => {
  // The fill draws flavors by share: all 0 leaves nothing to draw (an explicit instance list needs no shares).
  if (c.instances === undefined && c.flavors.every((f) => f.share === 0)) {
    ctx.addIssue({ code: 'custom', path: ['flavors'], message: 'every flavor has share 0 (expected at least one flavor with share > 0: the fill draws flavors by share)' });
  }
});

export type Cloud = z.output<typeof cloudSchema>;
