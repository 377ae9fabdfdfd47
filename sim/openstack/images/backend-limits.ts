import type { Cloud } from '../cloud.js';
import { versionAtLeast } from '../versions.js';

/**
 * Concurrency limits of the image backends (docs/boot-and-storage.md §3), as the boot model and
 * the closed-form boot time both use them.
 *
 * - glance-api: a request holds its server slot for the whole download (the response body is
 *   streamed from the slot that took it), so a node serves at most `limit` downloads at once and
 *   the others wait in FIFO order — limited processor sharing.
 * - NFS server: an nfsd thread holds one READ RPC, not a stream, so streams share the server
 *   (processor sharing); the threads only cap its rate: with every thread busy it completes
 *   threads ÷ rpc_time READs a second (Little's law), threads × rsize ÷ rpc_time bytes/s.
 */

/** Eventlet greenthreads per glance-api worker: glance/common/wsgi.py `Server(threads=1000)`. */
export const GLANCE_GREENTHREADS_PER_WORKER = 1000;

/** Downloads one glance-api node serves at once: its WSGI server's limit, under the load balancer's. */
export function glanceNodeLimit(cloud: Cloud): number {
  const g = cloud.glance;
  const server = g.wsgi_server === 'uwsgi' ? g.uwsgi.processes * g.uwsgi.threads : g.workers * GLANCE_GREENTHREADS_PER_WORKER;
  return Math.min(server, g.max_concurrent_downloads ?? Infinity);
}

/**
 * nfsd threads when `[nfsd] threads` is not set: nfs-utils' NFSD_NPROC, 8 until nfs-utils 2.8.2
 * raised it (and nfs.conf's commented default) to 16 to match nfsdctl (commit eb5abb5c60ab
 * "nfsd: dump default number of threads to 16", tag nfs-utils-2-8-2-rc3, November 2024).
 */
export function defaultNfsdThreads(nfsUtilsVersion: string): number {
  return versionAtLeast(nfsUtilsVersion, '2.8.2') ? 16 : 8;
}

/** Bytes/s the NFS server serves at most: its bandwidth, or what its busy threads complete. */
export function nfsServerRate(cloud: Cloud): number {
  const nfs = cloud.nfs;
  if (!(nfs.rpc_time > 0)) return nfs.server_bandwidth;
  const threads = nfs.threads ?? defaultNfsdThreads(nfs.nfs_utils);
  return Math.min(nfs.server_bandwidth, (threads * nfs.rsize) / nfs.rpc_time);
}
