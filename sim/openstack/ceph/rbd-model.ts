import type { Tracer } from '../../engine/simulation.js';
import type { Streams } from '../../random/streams.js';
import { RbdDisk, WordPool, defaultPool } from './rbd-disk.js';
import { ExtentBlocks, GuestDisk, guestStream } from './rbd-guest.js';
import { planDisks, type RbdModelConfig } from './rbd-plan.js';

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
  /**
   * Time-average over [0, horizon] of allocated ÷ live bytes of the disks (intervals with no live
   * data left out; NaN when there are none): the space the pool holds per byte of guest data,
   * whatever phase of an fstrim cycle the horizon falls in.
   */
  allocatedOverLiveMean: number;
  series: Float64Array;
}

/** Accumulates the time-average of allocated ÷ live over piecewise-constant intervals (shared with the tests' reference model). */
export class RatioAverage {
  private area = 0;
  private span = 0;
  private last = 0;
  /** The state was `alloc`, `live` from the last call until `t`. */
  advance(t: number, alloc: number, live: number): void {
    const dt = t - this.last;
    if (dt > 0 && live > 0) { this.area += dt * (alloc / live); this.span += dt; }
    if (t > this.last) this.last = t;
  }
  get mean(): number { return this.span > 0 ? this.area / this.span : NaN; }
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
 * block (docs/openstack-facts.md §10, §14): the guests stop growing and the pool freezes until the horizon.
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
  // Each disk's change at a change point, in its blocks × bytes per block (the scale model's
  // blocks stand for `scale` disk blocks); a batch that left the disk as it was adds nothing.
  let sAlloc = 0, sLive = 0, sRecl = 0, perBlock = 0;
  const take = (d: RbdDisk, into: Float64Array, at: number, sign = 1) => {
    const alloc = sign * d.allocBlocks, live = sign * d.liveBlocks, recl = d.reclaimedBlocks;
    if (alloc === sAlloc && live === sLive && recl === sRecl) return;
    into[at + Q_ALLOC] += (alloc - sAlloc) * perBlock;
    into[at + Q_LIVE] += (live - sLive) * perBlock;
    into[at + Q_RECL] += (recl - sRecl) * perBlock;
    sAlloc = alloc;
    sLive = live;
    sRecl = recl;
  };
  const extents = new ExtentBlocks(cfg.deleteExtent, cfg.blockBytes);

  for (let i = 0; i < plan.count; i++) {
    const g = new GuestDisk(cfg, plan, i, pool, extents), d = g.disk, rg = guestStream(streams, i);
    const born = plan.created[i], dies = plan.dies[i];
    sAlloc = sLive = sRecl = 0;
    perBlock = g.bytesPerBlock;
    take(d, bornQ, i * NQ);
    bornQ[i * NQ + Q_PROV] = g.provisionedBytes;
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
      goneQ[i * NQ + Q_PROV] = -g.provisionedBytes;
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
  const ratio = new RatioAverage();
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
    ratio.advance(t, state[Q_ALLOC], state[Q_LIVE]);
    const { q, at } = points[p];
    for (let i = 0; i < NQ; i++) state[i] += q[at + i];
    check(t);
  }
  while (s < series.length) series[s++] = fullest();
  ratio.advance(h, state[Q_ALLOC], state[Q_LIVE]); // frozen at full, or as left by the last change
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
    allocatedOverLiveMean: ratio.mean,
    series,
  };
}
