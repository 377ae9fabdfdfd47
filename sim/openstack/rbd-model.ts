import { Simulation, type Tracer } from '../engine/simulation.js';
import type { Distribution } from '../random/distributions.js';
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

/**
 * One replication of the RBD pool: disks arrive (Poisson) and leave (lifetimes) as events; each
 * disk's guest filesystem writes and deletes data in batches every `batch` seconds (one event for
 * all disks: the time step of the churn); fstrim runs for every guest at once each
 * `fstrimInterval` (systemd's fstrim.timer is calendar-based); the fill is recorded at the series
 * points. Ceph's thresholds are checked whenever the usage changes; at full, writes block (§10,
 * §14: the pool, the guests and the disk population freeze until the horizon).
 *
 * Common random numbers: disk attributes come from `rbd-disks` in creation order, arrivals from
 * `rbd-arrivals`, deletion extents from `rbd-guest`. The guest filesystems do not depend on the
 * discard design, so every design replays the same writes and deletes.
 */
export class RbdModel {
  readonly sim = new Simulation();
  private readonly disks: (RbdDisk | undefined)[] = [];
  private readonly target: number[] = [];
  private readonly churnBlocks: number[] = [];
  private readonly fillBlocks: number[] = [];
  private readonly carry: number[] = [];
  private readonly activePos: number[] = [];
  private active: Int32Array = new Int32Array(1024);
  private activeCount = 0;
  private storedBytes: number;
  private reclaimedGoneBlocks = 0;
  private readonly rDisks: Rng;
  private readonly rArrivals: Rng;
  private readonly rGuest: Rng;
  private readonly deathId: number;
  private readonly online: boolean;
  private readonly minDiscardBlocks: number;
  private readonly sourceCdf: number[];
  private tNearfull = NaN;
  private tFull = NaN;
  readonly series: Float64Array;

  constructor(readonly cfg: RbdModelConfig, streams: Streams, private readonly pool: WordPool = defaultPool, tracer?: Tracer) {
    this.sim.tracer = tracer;
    this.rDisks = streams.stream('rbd-disks');
    this.rArrivals = streams.stream('rbd-arrivals');
    this.rGuest = streams.stream('rbd-guest');
    this.storedBytes = cfg.baseStoredBytes;
    this.online = cfg.discard === 'online' && cfg.discardReachesCeph;
    this.minDiscardBlocks = Math.max(1, Math.ceil(cfg.minDiscardBytes / cfg.blockBytes));
    this.series = new Float64Array(cfg.seriesX.length);
    const total = cfg.sources.reduce((a, s) => a + s.share, 0);
    let acc = 0;
    this.sourceCdf = cfg.sources.map((s) => (acc += s.share / total));

    const sim = this.sim;
    this.deathId = sim.register({ fire: (slot) => this.onDeath(slot) }, 'disk-deleted');
    const arrivalId = sim.register({ fire: () => this.onArrival(arrivalId) }, 'disk-created');
    const activityId = sim.register({ fire: () => this.onActivity(activityId) }, 'guest-activity');
    const sampleId = sim.register({ fire: (i) => { this.series[i] = this.fullest(); } }, 'sample');

    for (let i = 0; i < cfg.initialDisks; i++) this.createDisk(true);
    if (cfg.arrivalRate > 0) sim.schedule(this.interArrival(), arrivalId);
    sim.schedule(cfg.batch, activityId, 0, 0);
    if (cfg.discard === 'fstrim' && cfg.discardReachesCeph) {
      const trimId = sim.register({ fire: () => this.onTrim(trimId) }, 'fstrim');
      sim.schedule(cfg.fstrimInterval, trimId, 0, 1);
    }
    cfg.seriesX.forEach((x, i) => { if (x <= cfg.horizon) sim.at(x, sampleId, i, 2); });
    this.checkThresholds();
  }

  run(): RbdResult {
    const cfg = this.cfg;
    if (Number.isNaN(this.tFull)) this.sim.run(cfg.horizon);
    if (!Number.isNaN(this.tFull)) {
      const frozen = this.fullest();
      cfg.seriesX.forEach((x, i) => { if (x >= this.tFull) this.series[i] = frozen; });
    }
    let provisioned = 0, allocated = 0, live = 0, reclaimed = this.reclaimedGoneBlocks;
    for (let k = 0; k < this.activeCount; k++) {
      const d = this.disks[this.active[k]]!;
      provisioned += d.provisionedBytes;
      allocated += d.allocatedBytes;
      live += d.liveBytes;
      reclaimed += d.reclaimedBlocks;
    }
    return {
      timeToNearfull: this.tNearfull,
      timeToFull: this.tFull,
      usedFractionEnd: cfg.pool.meanFill(this.storedBytes),
      fullestFractionEnd: this.fullest(),
      reclaimedBytes: reclaimed * cfg.blockBytes,
      provisionedBytesEnd: provisioned,
      allocatedBytesEnd: allocated,
      liveBytesEnd: live,
      disksEnd: this.activeCount,
      series: this.series,
    };
  }

  /** Gives every disk's bitsets back to the pool (call once the result is taken). */
  dispose(): void {
    for (let k = 0; k < this.activeCount; k++) this.disks[this.active[k]]!.release(this.pool);
    this.activeCount = 0;
  }

  private fullest(): number {
    return this.cfg.pool.fullestFill(this.storedBytes);
  }

  private interArrival(): number {
    return -Math.log(1 - this.rArrivals.next()) / this.cfg.arrivalRate;
  }

  private onArrival(arrivalId: number): void {
    this.createDisk(false);
    this.checkThresholds();
    this.sim.schedule(this.interArrival(), arrivalId);
  }

  /** Draws a disk's attributes (always in this order, for common random numbers) and creates it. */
  private createDisk(initial: boolean): void {
    const cfg = this.cfg, r = this.rDisks, bb = cfg.blockBytes;
    const size = cfg.size.sample(r);
    const used = Math.min(0.98, Math.max(0, cfg.usedFraction.sample(r)));
    const churn = Math.max(0, cfg.churn.sample(r));
    const u = r.next();
    let s = 0;
    while (s < this.sourceCdf.length - 1 && u >= this.sourceCdf[s]) s++;
    const src = cfg.sources[s];
    const life = cfg.lifetime === undefined ? Infinity : cfg.lifetime.sample(r);

    const disk = new RbdDisk(size, src.objectBytes, bb, src.clone ? src.dataBytes : 0, this.pool);
    const dataBlocks = Math.min(disk.blocks, Math.ceil(src.dataBytes / bb));
    if (src.clone) disk.markParentData(dataBlocks);
    else disk.write(dataBlocks, true); // rbd import: a full copy of the image's data
    const target = Math.max(disk.liveBlocks, Math.round(used * disk.blocks));
    const slot = this.disks.length;
    this.disks.push(disk);
    this.target.push(target);
    this.churnBlocks.push(churn * cfg.batch * disk.blocks);
    const toFill = target - disk.liveBlocks;
    // Disks present at the start have already been filled; new ones fill over fill_time.
    const fillBatches = initial ? 0 : cfg.fillTime / cfg.batch;
    if (fillBatches < 1) {
      disk.write(toFill, true);
      this.fillBlocks.push(0);
    } else this.fillBlocks.push(toFill / fillBatches);
    this.carry.push(0);
    this.storedBytes += disk.allocatedBytes;
    if (this.activeCount === this.active.length) {
      const a = new Int32Array(this.active.length * 2);
      a.set(this.active);
      this.active = a;
    }
    this.activePos.push(this.activeCount);
    this.active[this.activeCount++] = slot;
    if (Number.isFinite(life)) this.sim.schedule(life, this.deathId, slot);
  }

  private onDeath(slot: number): void {
    const disk = this.disks[slot]!;
    this.storedBytes -= disk.allocatedBytes;
    this.reclaimedGoneBlocks += disk.reclaimedBlocks;
    const k = this.activePos[slot];
    const last = this.active[--this.activeCount];
    this.active[k] = last;
    this.activePos[last] = k;
    disk.release(this.pool);
    this.disks[slot] = undefined;
  }

  /** One batch of guest activity on every disk: deletions (discarded at once when online), then writes. */
  private onActivity(activityId: number): void {
    const cfg = this.cfg, rg = this.rGuest, bb = cfg.blockBytes, reuse = cfg.reuse, online = this.online;
    let delta = 0;
    for (let k = 0; k < this.activeCount; k++) {
      const slot = this.active[k];
      const d = this.disks[slot]!;
      const before = d.allocBlocks;
      const want = this.churnBlocks[slot] + this.carry[slot];
      const churn = Math.floor(want);
      this.carry[slot] = want - churn;
      const target = this.target[slot];
      let fill = 0;
      if (d.liveBlocks < target) fill = Math.min(Math.ceil(this.fillBlocks[slot]), target - d.liveBlocks);
      let del = d.liveBlocks + churn + fill - target;
      while (del > 0) {
        const ext = Math.min(del, Math.max(1, Math.round(cfg.deleteExtent.sample(rg) / bb)));
        const start = Math.floor(rg.next() * d.blocks);
        if (d.free(start, ext, online, this.minDiscardBlocks) === 0) break;
        del -= ext;
      }
      const w = churn + fill;
      const wReuse = Math.round(w * reuse);
      if (wReuse > 0) d.write(wReuse, true);
      if (w > wReuse) d.write(w - wReuse, false);
      delta += d.allocBlocks - before;
    }
    this.storedBytes += delta * bb;
    this.checkThresholds();
    this.sim.schedule(cfg.batch, activityId, 0, 0);
  }

  private onTrim(trimId: number): void {
    let delta = 0;
    for (let k = 0; k < this.activeCount; k++) delta -= this.disks[this.active[k]]!.trim();
    this.storedBytes += delta * this.cfg.blockBytes;
    this.checkThresholds();
    this.sim.schedule(this.cfg.fstrimInterval, trimId, 0, 1);
  }

  private checkThresholds(): void {
    const pool = this.cfg.pool;
    const f = pool.fullestFill(this.storedBytes);
    if (f >= pool.nearfull && Number.isNaN(this.tNearfull)) {
      this.tNearfull = this.sim.now;
      this.sim.tracer?.note(this.sim.now, 'nearfull', { fullestOsd: f });
    }
    if (f >= pool.full && Number.isNaN(this.tFull)) {
      this.tFull = this.sim.now;
      this.sim.tracer?.note(this.sim.now, 'full: client writes blocked', { fullestOsd: f });
      this.sim.stop();
    }
  }
}
