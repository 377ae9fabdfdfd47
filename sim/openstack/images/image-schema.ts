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
    .meta({ description: 'CPU-seconds of the guest\'s init stage (one core at full speed), after its boot reads; shares the host cores with other booting guests and the host\'s running workload (busy_cores)' }),
  read: bytes().prefault('200MiB')
    .meta({ description: 'bytes the guest reads from its root disk in its first, I/O-bound boot stage (kernel, initrd, root file system), through the storage path (local disk or Ceph), before its CPU-bound init' }),
}).strict();

export const imageSchema = z.object({
  name: z.string().min(1),
  size: bytes({ positive: true }).meta({ description: 'image file size (what is transferred)' }),
  virtual_size: bytes({ positive: true }),
  data_size: bytes({ positive: true }).optional()
    .meta({ description: 'bytes of non-zero data in the raw image (what `rbd import` writes: it skips zeroes); default: the image size (a qcow2 file holds about its allocated clusters)' }),
  format: z.enum(['qcow2', 'raw']),
  filesystem: z.enum(['ext4', 'xfs', 'ntfs']).optional()
    .meta({ description: "the guest's root file system (Ubuntu and Debian cloud images ext4, RHEL-family XFS, Windows NTFS): how it places new files in its free space (docs/boot-and-storage.md §8); default ext4" }),
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
    cores: z.number().positive().optional()
      .meta({ description: 'physical cores (fractions allowed) that booting guests share with the host\'s running workload; default: the rack vcpus' }),
    busy_cores: distribution('number').prefault(0)
      .meta({ description: 'cores the host\'s running workload keeps busy (a number of cores, or a distribution drawn per host and replication): processor-shared with booting guests on `cores`' }),
    cpu_utilisation: z.union([fraction(), z.record(z.string(), fraction())]).default(0)
      .meta({ description: 'share of its vCPUs a running instance keeps busy, one value for every flavor or a map flavor name → share; instances booted in the boot study add vcpus × share to their host\'s busy cores once their guest is up' }),
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
    show_image_direct_url: z.boolean().default(false)
      .meta({ description: "glance's show_image_direct_url (default False): glance tells nova an image's rbd:// location only when it is on; without it nova cannot clone and downloads every image (docs/boot-and-storage.md §5)" }),
    max_concurrent_downloads: z.number().int().min(1).optional()
      .meta({ description: 'a load balancer\'s per-server connection limit in front of each glance-api node (haproxy maxconn): beyond it downloads wait in FIFO order. The node serves at most the smaller of this and its WSGI server\'s limit (wsgi_server). Default: no load-balancer limit' }),
    wsgi_server: z.enum(['eventlet', 'uwsgi']).default('eventlet')
      .meta({ description: "what serves glance-api's requests: eventlet — the `glance-api` command's own server (every release modelled; removed after 2026.1), `workers` processes × 1000 greenthreads; uwsgi — glance.wsgi.api:application under uWSGI, `uwsgi.processes` × `uwsgi.threads` requests at once (docs/boot-and-storage.md §3)" }),
    workers: z.number().int().min(1).default(8)
      .meta({ description: 'glance-api worker processes of the eventlet server, each with a pool of 1000 greenthreads; glance\'s default is the node\'s CPU count capped at 8 (since Queens), 8 here' }),
    uwsgi: z.object({
      processes: z.number().int().min(1).default(4)
        .meta({ description: 'uWSGI worker processes (glance\'s sample httpd/glance-api-uwsgi.ini: 4)' }),
      threads: z.number().int().min(1).default(1)
        .meta({ description: 'uWSGI threads per process (the sample sets none: 1); each serves one request, a download for its whole transfer' }),
    }).strict().prefault({}),
  }).strict().prefault({}),
  nfs: z.object({
    server_bandwidth: bandwidth().prefault('10Gbit/s'),
    nfs_utils: z.string().regex(/^\d+(\.\d+){0,2}$/).default('2.6.4')
      .meta({ description: "the server's nfs-utils version (default 2.6.4, Ubuntu 24.04 LTS's): it sets the default nfsd thread count, 8 before 2.8.2 and 16 from it (docs/boot-and-storage.md §3)" }),
    threads: z.number().int().min(1).optional()
      .meta({ description: 'nfsd threads ([nfsd] threads in /etc/nfs.conf); default: by nfs_utils' }),
    rsize: bytes({ positive: true }).prefault('1MiB')
      .meta({ description: 'bytes per READ RPC (the client\'s rsize; Linux negotiates up to 1 MiB)' }),
    rpc_time: duration().prefault('0s')
      .meta({ description: 'time an nfsd thread spends on one READ of rsize bytes (storage read and reply). With threads busy the server completes at most threads ÷ rpc_time READs a second, so it serves at most threads × rsize ÷ rpc_time bytes/s. Default 0: the images are in the server\'s page cache and only server_bandwidth binds' }),
    fallback_probability: fraction().default(0)
      .meta({ description: 'probability that a direct `cp` fails and nova falls back to the Glance HTTP download' }),
  }).strict().prefault({}),
  rbd_clone: z.object({
    latency: distribution('duration').prefault({ lognormal: { median: '1s', sigma: 0.5 } })
      .meta({ description: 'time to make the copy-on-write RBD clone of a raw image in the same cluster' }),
  }).strict().prefault({}),
  image_cache_manager: z.object({
    precache: z.union([z.literal('all'), z.array(z.string())]).optional()
      .meta({ description: 'images pre-cached into every host\'s _base before the workload (nova aggregate image cache, compute API 2.81, Ussuri): `all` or image names' }),
    interval: duration().prefault('2400s')
      .meta({ description: 'image_cache.manager_interval: seconds between cache-manager passes (0 means 60 s)' }),
    remove_unused_base_images: z.boolean().default(true)
      .meta({ description: 'false: bases stay in _base for good (no removal)' }),
    remove_unused_after: duration().prefault('86400s')
      .meta({ description: 'remove_unused_original_minimum_age_seconds: how long a base must go unused before a pass removes it' }),
  }).strict().prefault({}),
};
