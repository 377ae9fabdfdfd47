import type { Distribution } from '../../random/distributions.js';
import type { Streams } from '../../random/streams.js';
import type { CephPool } from './ceph-pool.js';

// The rbd model's configuration and the disks drawn for one replication: read by the pool's
// replay (rbd-model.ts) and by each guest (rbd-guest.ts).

/** Where a disk's initial data comes from (docs/openstack-facts.md §9.2). */
export interface DiskSource {
  /** Relative weight of disks of this source. */
  share: number;
  /** Image data present on the disk at creation (0 for a blank disk). */
  dataBytes: number;
  /** CoW clone of a Glance image in this cluster (parent objects shared until written) vs a full copy. */
  clone: boolean;
  /** RBD object size of the disk (a clone inherits its parent's, §9.2). */
  objectBytes: number;
  /** Share of the guest's written files its file system puts into space freed by deleted files (docs/boot-and-storage.md §8). */
  reuse: number;
  /** Unit the object store allocates and frees space in (the object on FileStore; BlueStore's min_alloc_size, at least a model block). */
  unitBytes: number;
}

export type DiscardMode = 'none' | 'online' | 'fstrim';

export interface RbdModelConfig {
  horizon: number;
  /** Guest activity is applied in batches this far apart (the time step of the filesystem churn). */
  batch: number;
  blockBytes: number;
  /** Disks larger than this are simulated as scale models of this size (rbd-guest.ts). */
  simulatedBytes: number;
  discard: DiscardMode;
  /** The guest's discards reach Ceph (hw_disk_discard=unmap and a bus that passes them, by era: docs/boot-and-storage.md §7). */
  discardReachesCeph: boolean;
  fstrimInterval: number;
  minDiscardBytes: number;
  pool: CephPool;
  /** Data stored in the cluster besides the disks (the parent images in the images pool). */
  baseStoredBytes: number;
  initialDisks: number;
  /** New disks per second (Poisson). */
  arrivalRate: number;
  lifetime: Distribution | undefined;
  size: Distribution;
  usedFraction: Distribution;
  /** Data written (and, in steady state, deleted) per second, as a fraction of the provisioned size. */
  churn: Distribution;
  fillTime: number;
  deleteExtent: Distribution;
  sources: DiskSource[];
  /** Points (seconds) at which the fullest OSD's fill is recorded. */
  seriesX: number[];
}

/** The disks of one replication, drawn before anything runs (common random numbers). */
export interface DiskPlan {
  count: number;
  created: Float64Array;
  dies: Float64Array;
  size: Float64Array;
  used: Float64Array;
  churn: Float64Array;
  source: Int32Array;
}

/**
 * Disks present at the start, then Poisson arrivals (`rbd-arrivals`); each disk's attributes are
 * drawn from `rbd-disks` in creation order, always in the same order, so every design of a
 * replication has the same disks.
 */
export function planDisks(cfg: RbdModelConfig, streams: Streams): DiskPlan {
  const times: number[] = [];
  for (let i = 0; i < cfg.initialDisks; i++) times.push(0);
  if (cfg.arrivalRate > 0) {
    const ra = streams.stream('rbd-arrivals');
    for (let t = -Math.log(1 - ra.next()) / cfg.arrivalRate; t <= cfg.horizon; t += -Math.log(1 - ra.next()) / cfg.arrivalRate) times.push(t);
  }
  const n = times.length, r = streams.stream('rbd-disks');
  const plan: DiskPlan = {
    count: n, created: Float64Array.from(times), dies: new Float64Array(n), size: new Float64Array(n),
    used: new Float64Array(n), churn: new Float64Array(n), source: new Int32Array(n),
  };
  const total = cfg.sources.reduce((a, s) => a + s.share, 0);
  for (let i = 0; i < n; i++) {
    plan.size[i] = cfg.size.sample(r);
    plan.used[i] = Math.min(0.98, Math.max(0, cfg.usedFraction.sample(r)));
    plan.churn[i] = Math.max(0, cfg.churn.sample(r));
    let u = r.next() * total, s = 0;
    while (s < cfg.sources.length - 1 && u >= cfg.sources[s].share) u -= cfg.sources[s++].share;
    plan.source[i] = s;
    plan.dies[i] = times[i] + (cfg.lifetime === undefined ? Infinity : cfg.lifetime.sample(r));
  }
  return plan;
}

