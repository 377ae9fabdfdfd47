import type { Tracer } from '../engine/simulation.js';
import { Lognormal, type Distribution } from '../random/distributions.js';
import type { Rng, Streams } from '../random/streams.js';
import { CephPool } from './ceph-pool.js';
import { RbdDisk, WordPool, defaultPool } from './rbd-disk.js';

/** Where a disk's initial data comes from (facts §9.2). */
export interface DiskSource {
  /** Relative weight of disks of this source. */
  share: number;
  /** Image data present on the disk at creation (0 for a blank disk). */
  dataBytes: number;
  /** CoW clone of a Glance image in this cluster (parent objects shared until written) vs a full copy. */
  clone: boolean;
  /** RBD object size of the disk (a clone inherits its parent's, §9.2). */
  objectBytes: number;
}

export type DiscardMode = 'none' | 'online' | 'fstrim';

export interface RbdModelConfig {
  horizon: number;
  /** Guest activity is applied in batches this far apart (the time step of the filesystem churn). */
  batch: number;
  blockBytes: number;
  discard: DiscardMode;
  /** virtio-scsi + hw_disk_bus=scsi + hw_disk_discard=unmap: without them no discard reaches Ceph (§5). */
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
  /** Share of each batch's writes the allocator puts into freed blocks (first fit) rather than fresh ones. */
  reuse: number;
  deleteExtent: Distribution;
  sources: DiskSource[];
  /** Points (seconds) at which the fullest OSD's fill is recorded. */
  seriesX: number[];
}

export interface RbdResult {
  /** First time the fullest OSD reached the ratio; NaN when it never did within the horizon. */
  timeToNearfull: number;
  timeToFull: number;
  /** Mean OSD fill at the end (frozen at full). */
  usedFractionEnd: number;
  fullestFractionEnd: number;
  /** Bytes of RADOS objects removed by discard (online or fstrim), stored bytes before redundancy. */
  reclaimedBytes: number;
  provisionedBytesEnd: number;
  allocatedBytesEnd: number;
  liveBytesEnd: number;
  disksEnd: number;
  series: Float64Array;
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

/**
 * Lognormal draws, ln X ~ N(mu, sigma²), using both normals of each Box–Muller pair (R cos θ,
 * R sin θ: independent standard normals): the same distribution as `Lognormal.sample` with half
 * the uniforms and logarithms. Only for a stream whose use does not depend on the design (a
 * guest's), so common random numbers across designs hold.
 */
export class PairedLognormal {
  /** The second normal of the last pair, NaN when used. */
  private spare = NaN;
  constructor(readonly mu: number, readonly sigma: number) {}
  sample(rg: Rng): number {
    let z = this.spare;
    if (Number.isNaN(z)) {
      const r = Math.sqrt(-2 * Math.log(1 - rg.next())), a = 2 * Math.PI * rg.next();
      z = r * Math.cos(a);
      this.spare = r * Math.sin(a);
    } else this.spare = NaN;
    return Math.exp(this.mu + this.sigma * z);
  }
}

/**
 * One disk's guest filesystem: its contents at creation and its batches of writes and deletes.
 * Shared by the fast model below and the event-interleaved reference model of the tests.
 */
export class GuestDisk {
  readonly disk: RbdDisk;
  readonly target: number;
  private readonly churnBlocks: number;
  private readonly fillBlocks: number;
  private carry = 0;
  private readonly online: boolean;
  private readonly minDiscardBlocks: number;
  /** Lognormal deleted-file sizes drawn two per pair of uniforms (the study's hot spot). */
  private readonly extentPairs: PairedLognormal | undefined;

  constructor(private readonly cfg: RbdModelConfig, plan: DiskPlan, i: number, pool: WordPool) {
    const src = cfg.sources[plan.source[i]], bb = cfg.blockBytes;
    const disk = new RbdDisk(plan.size[i], src.objectBytes, bb, src.clone ? src.dataBytes : 0, pool);
    this.disk = disk;
    const dataBlocks = Math.min(disk.blocks, Math.ceil(src.dataBytes / bb));
    if (src.clone) disk.markParentData(dataBlocks);
    else disk.write(dataBlocks, true); // rbd import: a full copy of the image's data
    this.target = Math.max(disk.liveBlocks, Math.round(plan.used[i] * disk.blocks));
    this.churnBlocks = plan.churn[i] * cfg.batch * disk.blocks;
    const toFill = this.target - disk.liveBlocks;
    // Disks present at the start have already been filled; new ones fill over fill_time.
    const fillBatches = plan.created[i] === 0 ? 0 : cfg.fillTime / cfg.batch;
    if (fillBatches < 1) {
      disk.write(toFill, true);
      this.fillBlocks = 0;
    } else this.fillBlocks = toFill / fillBatches;
    this.online = cfg.discard === 'online' && cfg.discardReachesCeph;
    this.minDiscardBlocks = Math.max(1, Math.ceil(cfg.minDiscardBytes / bb));
    const ext = cfg.deleteExtent;
    this.extentPairs = ext instanceof Lognormal ? new PairedLognormal(ext.mu, ext.sigma) : undefined;
  }

  /** One batch: deletions around the steady used fraction (discarded at once when online), then writes. */
  activity(rg: Rng): void {
    const d = this.disk, cfg = this.cfg, bb = cfg.blockBytes;
    const want = this.churnBlocks + this.carry;
    const churn = Math.floor(want);
    this.carry = want - churn;
    let fill = 0;
    if (d.liveBlocks < this.target) fill = Math.min(Math.ceil(this.fillBlocks), this.target - d.liveBlocks);
    let del = d.liveBlocks + churn + fill - this.target;
    const pairs = this.extentPairs;
    while (del > 0) {
      const bytes = pairs !== undefined ? pairs.sample(rg) : cfg.deleteExtent.sample(rg);
      const ext = Math.min(del, Math.max(1, Math.round(bytes / bb)));
      if (d.free(randomLiveBlock(d, rg), ext, this.online, this.minDiscardBlocks) === 0) break;
      del -= ext;
    }
    const w = churn + fill;
    const wReuse = Math.round(w * cfg.reuse);
    if (wReuse > 0) d.write(wReuse, true);
    if (w > wReuse) d.write(w - wReuse, false);
  }
}

/**
 * A uniformly random block holding data, where a deleted file starts (rejection sampling: tries ≈
 * 1 ÷ used fraction). After 64 misses (an almost empty disk) the last try is taken; the deletion
 * then frees the next live blocks after it.
 */
function randomLiveBlock(d: RbdDisk, rg: Rng): number {
  const live = d.live, blocks = d.blocks;
  let b = 0;
  for (let i = 0; i < 64; i++) {
    b = Math.floor(rg.next() * blocks);
    if ((live[b >>> 5] & (1 << (b & 31))) !== 0) return b;
  }
  return b;
}

/** The guest-activity stream of disk i: its own, so that disks can be run in any order. */
export function guestStream(streams: Streams, i: number): Rng {
  return streams.fresh(`rbd-guest/${i}`);
}

// Change points of the pool: batch ticks (priority 0) and fstrim passes (1) on fixed grids, disk
// creations and deletions at their own times; series points come after both (2).
const Q_ALLOC = 0, Q_LIVE = 1, Q_PROV = 2, Q_RECL = 3, Q_DISKS = 4, NQ = 5;

/**
 * One replication of the RBD pool.
 *
 * The disks do not interact until the pool is full: guest filesystems write and delete the same
 * way whatever the others do. So each disk is run on its own from creation to deletion or the
 * horizon — its bitsets stay in the CPU cache instead of 2,000 disks' 25 KB each being walked every
 * day — and records how it changes the pool at each change point: every batch tick (its writes and
 * deletes, all disks at once every `batch` seconds: the time step of the churn), every fstrim pass
 * (systemd's fstrim.timer is calendar-based: every guest at the same instant), its creation and its
 * deletion (events at their own times). The pool is then replayed in time order (time, then
 * priority), Ceph's per-OSD thresholds checked after each change point exactly as an interleaved
 * event simulation would (test/rbd checks that it gives identical results). At full, client writes
 * block (facts §10, §14): the guests stop growing and the pool freezes until the horizon.
 */
export function runRbd(cfg: RbdModelConfig, streams: Streams, pool: WordPool = defaultPool, tracer?: Tracer): RbdResult {
  const plan = planDisks(cfg, streams);
  const h = cfg.horizon;
  const ticks = Math.floor(h / cfg.batch);
  const trimming = cfg.discard === 'fstrim' && cfg.discardReachesCeph;
  const trims = trimming ? Math.floor(h / cfg.fstrimInterval) : 0;
  const tickQ = new Float64Array((ticks + 1) * NQ);
  const trimQ = new Float64Array((trims + 1) * NQ);
  const bornQ = new Float64Array(plan.count * NQ);
  const goneQ = new Float64Array(plan.count * NQ);
  const bb = cfg.blockBytes;
  const snap = new Float64Array(NQ);
  const take = (d: RbdDisk, into: Float64Array, at: number, sign = 1) => {
    into[at + Q_ALLOC] += sign * d.allocBlocks * bb - snap[Q_ALLOC];
    into[at + Q_LIVE] += sign * d.liveBlocks * bb - snap[Q_LIVE];
    into[at + Q_RECL] += d.reclaimedBlocks * bb - snap[Q_RECL];
    snap[Q_ALLOC] = d.allocBlocks * bb;
    snap[Q_LIVE] = d.liveBlocks * bb;
    snap[Q_RECL] = d.reclaimedBlocks * bb;
  };

  for (let i = 0; i < plan.count; i++) {
    const g = new GuestDisk(cfg, plan, i, pool), d = g.disk, rg = guestStream(streams, i);
    const born = plan.created[i], dies = plan.dies[i];
    snap.fill(0);
    take(d, bornQ, i * NQ);
    bornQ[i * NQ + Q_PROV] = d.provisionedBytes;
    bornQ[i * NQ + Q_DISKS] = 1;
    // Batch ticks k·batch and fstrim passes j·interval after creation, merged in time order.
    let k = Math.floor(born / cfg.batch) + 1, j = trimming ? Math.floor(born / cfg.fstrimInterval) + 1 : trims + 1;
    for (;;) {
      const tk = k <= ticks ? k * cfg.batch : Infinity;
      const tj = j <= trims ? j * cfg.fstrimInterval : Infinity;
      if (tk <= tj) {
        if (tk >= dies || tk === Infinity) break;
        g.activity(rg);
        take(d, tickQ, k * NQ);
        k++;
      } else {
        if (tj >= dies) break;
        d.trim();
        take(d, trimQ, j * NQ);
        j++;
      }
    }
    if (dies <= h) {
      take(d, goneQ, i * NQ, 0);
      goneQ[i * NQ + Q_PROV] = -d.provisionedBytes;
      goneQ[i * NQ + Q_DISKS] = -1;
    }
    d.release(pool);
  }

  // Replay the pool in time order.
  type Point = { t: number; prio: number; q: Float64Array; at: number };
  const points: Point[] = [];
  for (let k = 1; k <= ticks; k++) points.push({ t: k * cfg.batch, prio: 0, q: tickQ, at: k * NQ });
  for (let j = 1; j <= trims; j++) points.push({ t: j * cfg.fstrimInterval, prio: 1, q: trimQ, at: j * NQ });
  for (let i = 0; i < plan.count; i++) {
    if (plan.created[i] > 0) points.push({ t: plan.created[i], prio: 0, q: bornQ, at: i * NQ });
    if (plan.dies[i] <= h) points.push({ t: plan.dies[i], prio: 0, q: goneQ, at: i * NQ });
  }
  points.sort((a, b) => a.t - b.t || a.prio - b.prio);
  const state = new Float64Array(NQ);
  for (let i = 0; i < plan.count; i++) if (plan.created[i] === 0) for (let q = 0; q < NQ; q++) state[q] += bornQ[i * NQ + q];
  const poolOf = cfg.pool;
  const series = new Float64Array(cfg.seriesX.length);
  let tNear = NaN, tFull = NaN, s = 0;
  const fullest = () => poolOf.fullestFill(cfg.baseStoredBytes + state[Q_ALLOC]);
  const check = (t: number) => {
    const f = fullest();
    if (f >= poolOf.nearfull && Number.isNaN(tNear)) {
      tNear = t;
      tracer?.note(t, 'nearfull', { fullestOsd: f });
    }
    if (f >= poolOf.full) {
      tFull = t;
      tracer?.note(t, 'full: client writes blocked', { fullestOsd: f });
    }
  };
  check(0);
  for (let p = 0; p <= points.length && Number.isNaN(tFull); p++) {
    const t = p < points.length ? points[p].t : Infinity;
    while (s < series.length && cfg.seriesX[s] < t) series[s++] = fullest();
    if (p === points.length || t > h) break;
    const { q, at } = points[p];
    for (let i = 0; i < NQ; i++) state[i] += q[at + i];
    check(t);
  }
  while (s < series.length) series[s++] = fullest();
  return {
    timeToNearfull: tNear,
    timeToFull: tFull,
    usedFractionEnd: poolOf.meanFill(cfg.baseStoredBytes + state[Q_ALLOC]),
    fullestFractionEnd: fullest(),
    reclaimedBytes: state[Q_RECL],
    provisionedBytesEnd: state[Q_PROV],
    allocatedBytesEnd: state[Q_ALLOC],
    liveBytesEnd: state[Q_LIVE],
    disksEnd: state[Q_DISKS],
    series,
  };
}
