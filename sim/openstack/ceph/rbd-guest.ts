import { Lognormal, type Distribution } from '../../random/distributions.js';
import { AleaRng, type Streams } from '../../random/streams.js';
import { normalCdf } from '../../stats/t.js';
import { RbdDisk, type WordPool } from './rbd-disk.js';
import type { DiskPlan, RbdModelConfig } from './rbd-plan.js';

/**
 * Sizes of deleted files in model blocks: max(1, round(X ÷ blockBytes)), X ~ `guest.delete_extent`.
 *
 * For a lognormal X (the default) the block counts are drawn from their exact discrete
 * distribution by a guide table (Chen & Asau): one uniform and about one comparison per draw,
 * instead of a Box–Muller normal and an exp — the study draws millions of them. Block counts
 * above the table (z above 4.5, a probability of 3.4·10⁻⁶) come from the normal's exact tail
 * (Marsaglia's method), so the distribution is not truncated.
 */
export class ExtentBlocks {
  private readonly cdf: Float64Array | undefined;
  private readonly guide: Int32Array | undefined;
  private readonly tailZ: number = Infinity;

  constructor(private readonly dist: Distribution, private readonly blockBytes: number) {
    if (!(dist instanceof Lognormal) || !(dist.sigma > 0)) return;
    const { mu, sigma } = dist;
    const z = (blocks: number) => (Math.log(blocks * blockBytes) - mu) / sigma;
    // cdf[k] = P(count ≤ k + 1) = P(X < (k + 1.5)·blockBytes)
    const size = Math.max(1, Math.min(1 << 16, Math.ceil(Math.exp(mu + 4.5 * sigma) / blockBytes)));
    const cdf = new Float64Array(size);
    for (let k = 0; k < size; k++) cdf[k] = normalCdf(z(k + 1.5));
    const guide = new Int32Array(size);
    for (let j = 0, k = 0; j < size; j++) {
      while (k < size - 1 && cdf[k] <= j / size) k++;
      guide[j] = k;
    }
    this.cdf = cdf;
    this.guide = guide;
    this.tailZ = z(size + 0.5);
  }

  sample(rg: AleaRng): number {
    const cdf = this.cdf;
    if (cdf === undefined) return Math.max(1, Math.round(this.dist.sample(rg) / this.blockBytes));
    const u = rg.next();
    const n = cdf.length;
    if (u >= cdf[n - 1]) return Math.max(n + 1, this.tail(rg));
    let k = this.guide![(u * n) | 0];
    while (cdf[k] <= u) k++;
    return k + 1;
  }

  /** A count beyond the table: ln X = mu + sigma·Z with Z from the normal tail above tailZ. */
  private tail(rg: AleaRng): number {
    const { mu, sigma } = this.dist as Lognormal;
    const a = this.tailZ;
    let x: number;
    do x = Math.sqrt(a * a - 2 * Math.log(1 - rg.next())); while (rg.next() * x > a);
    return Math.round(Math.exp(mu + sigma * x) / this.blockBytes);
  }
}

/**
 * One disk's guest filesystem: its contents at creation and its batches of writes and deletes.
 * Shared by the fast model (rbd-model.ts) and the event-interleaved reference model of the tests.
 *
 * A disk larger than `simulatedBytes` is simulated as a scale model of that size: the same used
 * fraction, churn (a share of the disk per day), allocator, image data share and object size, and
 * deleted files of the same absolute sizes; its block counts are multiplied by `scale` (disk
 * objects ÷ model objects). The filesystem's rules are all per block or per file, so a model much
 * larger than the files behaves like the disk in proportion (test/rbd checks a 10 GiB model
 * against full 100 GiB disks); the cost of a disk is its model's size.
 */
export class GuestDisk {
  readonly disk: RbdDisk;
  /** Disk blocks per model block (1 when the disk is simulated whole). */
  readonly scale: number;
  /** Bytes of the real disk one model block stands for: blockBytes × scale. */
  readonly bytesPerBlock: number;
  /** Provisioned size of the real disk. */
  readonly provisionedBytes: number;
  readonly target: number;
  private readonly churnBlocks: number;
  private readonly fillBlocks: number;
  private filling: boolean;
  private carry = 0;
  /** Size of the next file to delete (blocks), drawn before the batch that deletes it. */
  private nextFile = 0;
  private nextWrite = 0;
  /** Writes owed to later batches (blocks; negative when a whole file went ahead of its share). */
  private writeCarry = 0;
  /** Sizes of the files the current batch writes (reused). */
  private readonly files: number[] = [];
  private readonly online: boolean;
  private readonly minDiscardBlocks: number;
  private readonly reuse: number;

  constructor(cfg: RbdModelConfig, plan: DiskPlan, i: number, pool: WordPool, private readonly extents: ExtentBlocks) {
    const src = cfg.sources[plan.source[i]], bb = cfg.blockBytes, ob = src.objectBytes;
    this.reuse = src.reuse;
    const objects = Math.max(1, Math.ceil(plan.size[i] / ob));
    const modelObjects = Math.min(objects, Math.max(1, Math.floor(cfg.simulatedBytes / ob)));
    this.scale = objects / modelObjects;
    this.bytesPerBlock = bb * this.scale;
    this.provisionedBytes = objects * ob;
    const dataBytes = src.dataBytes / this.scale;
    const disk = new RbdDisk(modelObjects * ob, ob, bb, src.clone ? dataBytes : 0, pool, src.unitBytes);
    this.disk = disk;
    const dataBlocks = Math.min(disk.blocks, Math.ceil(dataBytes / bb));
    if (src.clone) disk.markParentData(dataBlocks);
    else disk.write(dataBlocks); // rbd import: a full copy of the image's data
    this.target = Math.max(disk.liveBlocks, Math.round(plan.used[i] * disk.blocks));
    this.churnBlocks = plan.churn[i] * cfg.batch * disk.blocks;
    const toFill = this.target - disk.liveBlocks;
    // Disks present at the start have already been filled; new ones fill over fill_time.
    const fillBatches = plan.created[i] === 0 ? 0 : cfg.fillTime / cfg.batch;
    if (fillBatches < 1) {
      disk.write(toFill);
      this.fillBlocks = 0;
    } else this.fillBlocks = toFill / fillBatches;
    this.filling = this.fillBlocks > 0;
    this.online = cfg.discard === 'online' && cfg.discardReachesCeph;
    this.minDiscardBlocks = Math.max(1, Math.ceil(cfg.minDiscardBytes / bb));
  }

  get allocatedBytes(): number { return this.disk.allocBlocks * this.bytesPerBlock; }
  get liveBytes(): number { return this.disk.liveBlocks * this.bytesPerBlock; }
  get reclaimedBytes(): number { return this.disk.reclaimedBlocks * this.bytesPerBlock; }

  /**
   * One batch of the guest: its writes are whole files, as many as bring the written volume
   * closest to the churn (and fill) owed so far; then whole files are deleted (each discarded at
   * once when online) while deleting the next one brings the data after the batch closer to the
   * steady used fraction than keeping it; then the files are written — each, with probability
   * `reuse`, into space freed by deleted files (at random freed blocks), else at the rotating
   * cursor. Files are never cut to fit a batch, so their sizes keep their distribution however
   * small the batch's churn (which is what makes a scale model behave like the whole disk), and
   * the data stays centred on the used fraction.
   */
  activity(rg: AleaRng): void {
    const d = this.disk;
    const want = this.churnBlocks + this.carry;
    const churn = Math.floor(want);
    this.carry = want - churn;
    let fill = 0;
    if (this.filling) {
      fill = Math.min(Math.ceil(this.fillBlocks), this.target - d.liveBlocks);
      if (fill <= 0) fill = 0, this.filling = false;
    }
    // The batch's writes, as whole files (sizes drawn now, written after the deletions).
    const files = this.files;
    let toWrite = this.writeCarry + churn + fill, planned = 0, nFiles = 0;
    let next = this.nextWrite > 0 ? this.nextWrite : this.extents.sample(rg);
    while (2 * toWrite >= next) {
      files[nFiles++] = next;
      planned += next;
      toWrite -= next;
      next = this.extents.sample(rg);
    }
    this.nextWrite = next;
    // Deletions around the steady used fraction, counting this batch's writes.
    let del = d.liveBlocks + planned - this.target;
    next = this.nextFile > 0 ? this.nextFile : this.extents.sample(rg);
    while (2 * del >= next) {
      const freed = d.free(randomLiveBlock(d, rg), next, this.online, this.minDiscardBlocks);
      if (freed === 0) break;
      del -= freed;
      next = this.extents.sample(rg);
    }
    this.nextFile = next;
    for (let f = 0; f < nFiles; f++) {
      const size = files[f];
      let rest = size;
      if (rg.next32() < this.reuse) {
        // Into freed space, wherever there is some: a few goals; what does not fit goes to the cursor.
        for (let tries = 0; tries < 4 && rest > 0; tries++) {
          const goal = randomFreedBlock(d, rg);
          if (goal < 0) break;
          rest -= d.writeFreed(goal, rest);
        }
      }
      if (rest > 0) rest -= d.write(rest);
      toWrite += rest; // only when the filesystem is full
    }
    this.writeCarry = toWrite;
  }
}

/**
 * A uniformly random block holding data, where a deleted file starts (rejection sampling: tries ≈
 * 1 ÷ used fraction, each one alea step: 32 bits are plenty for a position among ≤ 2^26 blocks).
 * After 64 misses (an almost empty disk) the last try is taken; the deletion then frees the next
 * live blocks after it.
 */
function randomLiveBlock(d: RbdDisk, rg: AleaRng): number {
  const live = d.live, blocks = d.blocks;
  let b = 0;
  for (let i = 0; i < 64; i++) {
    b = Math.floor(rg.next32() * blocks);
    if ((live[b >>> 5] & (1 << (b & 31))) !== 0) return b;
  }
  return b;
}

/** A random free block the filesystem has used before (space freed by deletions), or -1 after 16 misses. */
function randomFreedBlock(d: RbdDisk, rg: AleaRng): number {
  const live = d.live, touched = d.touched, blocks = d.blocks;
  for (let i = 0; i < 16; i++) {
    const b = Math.floor(rg.next32() * blocks), w = b >>> 5, m = 1 << (b & 31);
    if ((touched[w] & ~live[w] & m) !== 0) return b;
  }
  return -1;
}

/** The guest-activity stream of disk i: its own, so that disks can be run in any order. */
export function guestStream(streams: Streams, i: number): AleaRng {
  return streams.fresh(`rbd-guest/${i}`);
}
