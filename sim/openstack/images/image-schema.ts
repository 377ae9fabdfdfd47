import { z } from 'zod';
import { distribution } from '../../random/spec.js';
import { bandwidth, bytes, duration, fraction } from '../../units/zod-units.js';

/**
 * Image side of `cloud:`: images, glance-api nodes, the NFS image store, how images reach the
 * compute nodes, compute-node I/O and nova's `_base` cache manager (docs/openstack-facts.md §2, §9).
 * Owned by the boot study; the evacuation study's local-storage rebuilds read it.
 * No durations for downloads, conversions or clones are given by the sources (§14): every one
 * of them is a parameter here.
 */
export const bootProfileSchema = z.object({
  cpu: distribution('duration').prefault('20s')
    .meta({ description: 'CPU-seconds the guest needs to boot (one core at full speed); shares the host cores with other booting guests' }),
  read: bytes().prefault('200MiB')
    .meta({ description: 'bytes the guest reads from its root disk while booting (through the storage path: local disk or Ceph)' }),
}).strict();

export const imageSchema = z.object({
  name: z.string().min(1),
  size: bytes({ positive: true }).meta({ description: 'image file size (what is transferred)' }),
  virtual_size: bytes({ positive: true }),
  format: z.enum(['qcow2', 'raw']),
  share: z.number().min(0).default(1).meta({ description: 'share of boots using this image (normalised over all images)' }),
  boot: bootProfileSchema.prefault({}),
}).strict();

export const imageCloudShape = {
  images: z.array(imageSchema).optional(),
  image_transfer: z.enum(['glance-http', 'nfs-direct']).prefault('glance-http')
    .meta({ description: 'how nova fetches an image it must download: streamed from glance-api over HTTP, or `cp` from the NFS mount ([image_file_url], removed in Pike) with fall-back to HTTP on error' }),
  compute_node: z.object({
    nic: bandwidth().prefault('10Gbit/s'),
    disk_write: bandwidth().prefault('500MB/s')
      .meta({ description: 'local disk bandwidth of a compute node, shared by qemu-img conversions and guests booting from local disk' }),
    cores: z.number().int().min(1).optional()
      .meta({ description: 'physical cores booting guests share; default: the rack vcpus' }),
    max_concurrent_builds: z.number().int().min(1).default(10),
    force_raw_images: z.boolean().default(true),
    convert_throughput: bandwidth().prefault('300MB/s')
      .meta({ description: 'qemu-img convert qcow2 -> raw speed, in bytes of image file per second' }),
  }).strict().prefault({}),
  glance: z.object({
    api_nodes: z.number().int().min(1).default(2),
    nic: bandwidth().prefault('10Gbit/s'),
    store: z.enum(['file', 'nfs', 'rbd']).prefault('file')
      .meta({ description: "glance's store: file (glance-api's own disks, backend_read), nfs (filesystem store on the NFS server, reads share cloud.nfs), rbd (images in cloud.ceph, reads share the Ceph network)" }),
    backend_read: bandwidth().prefault('1GB/s')
      .meta({ description: 'store read bandwidth shared by all glance-api nodes (store: file)' }),
    image_cache: z.boolean().default(false)
      .meta({ description: 'glance-api image cache: an image served by GET is cached on that node; later GETs skip the store' }),
  }).strict().prefault({}),
  nfs: z.object({
    server_bandwidth: bandwidth().prefault('10Gbit/s'),
    fallback_probability: fraction().default(0)
      .meta({ description: 'probability that a direct `cp` fails and nova falls back to the Glance HTTP download' }),
  }).strict().prefault({}),
  rbd_clone: z.object({
    latency: distribution('duration').prefault({ lognormal: { median: '1s', sigma: 0.5 } })
      .meta({ description: 'time to make the copy-on-write RBD clone of a raw image in the same cluster' }),
  }).strict().prefault({}),
  image_cache_manager: z.object({
    interval: duration().prefault('2400s')
      .meta({ description: 'image_cache.manager_interval: seconds between cache-manager passes (0 means 60 s)' }),
    remove_unused_base_images: z.boolean().default(true)
      .meta({ description: 'false: bases stay in _base for good (no removal)' }),
    remove_unused_after: duration().prefault('86400s')
      .meta({ description: 'remove_unused_original_minimum_age_seconds: how long a base must go unused before a pass removes it' }),
  }).strict().prefault({}),
};
