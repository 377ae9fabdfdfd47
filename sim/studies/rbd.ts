import { z } from 'zod';
import { distribution } from '../random/spec.js';
import { bytes, count, duration, fraction, rate } from '../units/zod-units.js';
import type { Cloud } from '../openstack/cloud.js';
import { CephPool } from '../openstack/ceph/ceph-pool.js';
import { allocationUnit, cephAtLeast, objectStore, wholeObjectImportWarning } from '../openstack/ceph/ceph-schema.js';
import { runRbd } from '../openstack/ceph/rbd-model.js';
import type { DiskSource, RbdModelConfig } from '../openstack/ceph/rbd-plan.js';
import type { MetricDef, Problem, SeriesDef, StudyDefinition, StudyInput, Threshold } from './study.js';
import { versionAtLeast } from '../openstack/versions.js';

/**
 * rbd: when does the Ceph pool holding the instances' disks reach nearfull and full, with and
 * without discard (docs/openstack-facts.md §5, §10; issue 5)?
 */
export const rbdSchema = z.object({
  disks: z.object({
    initial: count().default(0).meta({ description: 'disks present at the start, already filled to their used fraction' }),
    arrivals: rate().prefault('0/d').meta({ description: 'new disks per unit time (Poisson)' }),
    lifetime: distribution('duration').optional().meta({ description: 'time until a disk is deleted (rbd rm); absent: disks stay. Initial disks draw theirs from the start (their remaining life: exact for exponential lifetimes)' }),
    size: distribution('bytes').prefault('100GiB').meta({ description: 'provisioned size of a disk' }),
    from_images: z.boolean().default(true)
      .meta({ description: 'disks boot from cloud.images (by share): raw images in a Glance rbd store become CoW clones, others full copies (docs/openstack-facts.md §9.2); false or no images: blank disks' }),
  }).strict().prefault({}),
  guest: z.object({
    used_fraction: distribution('fraction').prefault({ uniform: { min: '30%', max: '70%' } })
      .meta({ description: 'steady share of the disk the guest filesystem holds data in (default: mean 50 %, desktop file systems are half full on average — docs/boot-and-storage.md §9)' }),
    churn: distribution('rate').prefault({ lognormal: { median: '0.3%/d', sigma: 0.8 } })
      .meta({ description: 'data written (and deleted, at the steady used fraction) per unit time, as a share of the provisioned size' }),
    fill_time: duration().prefault('30d').meta({ description: 'time a new disk takes to reach its used fraction' }),
    delete_extent: distribution('bytes').prefault({ lognormal: { median: '32MiB', sigma: 1.2 } })
      .meta({ description: 'size of one file the guest deletes (a run of live blocks freed together, one discard request when online) or writes; files are never cut to fit a batch' }),
    reuse: fraction().optional()
      .meta({ description: 'share of written files the filesystem allocator puts into space freed by deleted files (at random freed blocks) rather than at its rotating cursor, which sweeps on into fresh blocks. Default: by each disk\'s file system (docs/boot-and-storage.md §8): ext4 0 (stream allocation next-fit from a global goal), xfs and ntfs 1 (best fit in free extents, freed holes first)' }),
    filesystem: z.enum(['ext4', 'xfs', 'ntfs']).default('ext4')
      .meta({ description: 'file system of blank disks, and of images that do not name theirs' }),
    fs_block: bytes({ positive: true }).prefault('1MiB')
      .meta({ description: 'model block: the unit of extents (object sizes must be power-of-two multiples of it)' }),
    simulated_size: bytes({ positive: true }).prefault('10GiB')
      .meta({ description: 'disks larger than this are simulated as scale models of this size (same used fraction, churn share, allocator and deleted-file sizes; object counts scaled up): the cost of a disk is this size. Keep it well above the deleted files (the default 10 GiB model gives the allocated bytes of whole 100 GiB disks within 0.6 %, the gross reclaim of fstrim within 1.5 % at a year and 4 % in the first weeks); set it to the largest disk size to simulate every block' }),
  }).strict().prefault({}),
  batch: duration({ positive: true }).prefault('1d').meta({ description: 'time step of the guests\' write/delete batches' }),
  discard: z.enum(['none', 'online', 'fstrim']).default('none')
    .meta({ description: 'none; online (mount -o discard: each freed extent discarded at once); fstrim (periodic batch trim of free space)' }),
  fstrim_interval: duration({ positive: true }).prefault('7d'),
  min_discard: bytes().prefault('64KiB').meta({ description: 'online discards shorter than this are dropped; only changes `rbd du` when objects are smaller than it (a shorter discard never covers a whole object of 64 KiB or more) and fs_block is below it' }),
  hw_scsi_model: z.string().optional().meta({ description: 'image property; with hw_disk_bus=scsi, virtio-scsi is needed for discard (docs/openstack-facts.md §5)' }),
  hw_disk_bus: z.enum(['virtio', 'scsi', 'ide', 'sata', 'usb']).default('virtio').meta({ description: 'image property: virtio (virtio-blk) passes discard with QEMU ≥ 4.0 and a guest kernel ≥ 5.0; scsi (with virtio-scsi) on any era' }),
  hw_disk_discard: z.enum(['unmap', 'ignore']).optional().meta({ description: 'nova.conf [libvirt] hw_disk_discard; unmap is needed for discard (unset = no discard attribute)' }),
  qemu_version: z.string().regex(/^\d+(\.\d+)*/).default('8.2')
    .meta({ description: 'QEMU on the compute nodes (e.g. 2.3 for a 2015 stack, 8.2 for Ubuntu 24.04): virtio-blk handles discard from 4.0' }),
  guest_kernel: z.string().regex(/^\d+(\.\d+)*/).default('6.8')
    .meta({ description: 'Linux kernel of the guests (e.g. 3.19 for 2015, 6.8 today): the virtio_blk driver sends discards from 5.0' }),
  series_interval: duration({ positive: true }).prefault('7d').meta({ description: 'spacing of the pool usage series' }),
}).strict();

export type RbdConfig = z.output<typeof rbdSchema>;

export { versionAtLeast };

/**
 * What stops discards from reaching Ceph (docs/openstack-facts.md §5, §10; docs/boot-and-storage.md §7); empty when
 * the path is complete. nova must put discard='unmap' on the disk (hw_disk_discard), and the bus
 * must carry it: virtio-scsi on any era; virtio-blk only since QEMU 4.0 (device side) and Linux
 * 5.0 (guest driver).
 */
export function missingDiscardPath(c: RbdConfig): string[] {
  const missing: string[] = [];
  if (c.hw_disk_bus === 'scsi') {
    if (c.hw_scsi_model !== 'virtio-scsi') missing.push('image property hw_scsi_model=virtio-scsi');
  } else if (c.hw_disk_bus === 'virtio') {
    if (!versionAtLeast(c.qemu_version, '4.0')) missing.push(`QEMU ≥ 4.0 for discard on virtio-blk (qemu_version is ${c.qemu_version}), or hw_disk_bus=scsi with hw_scsi_model=virtio-scsi`);
    if (!versionAtLeast(c.guest_kernel, '5.0')) missing.push(`a guest kernel ≥ 5.0 for discard on virtio-blk (guest_kernel is ${c.guest_kernel}), or hw_disk_bus=scsi with hw_scsi_model=virtio-scsi`);
  } else missing.push('image properties hw_disk_bus=scsi and hw_scsi_model=virtio-scsi, or hw_disk_bus=virtio on QEMU ≥ 4.0 with a guest kernel ≥ 5.0');
  if (c.hw_disk_discard !== 'unmap') missing.push('nova.conf [libvirt] hw_disk_discard=unmap');
  return missing;
}

/** Points of the pool usage series at most (check): 100,000 is a point a minute for 69 days. */
const MAX_SERIES_POINTS = 100_000;

function seriesX(input: StudyInput<RbdConfig>): number[] {
  const step = input.config.series_interval;
  const xs: number[] = [];
  for (let x = 0; x <= input.horizon + 1e-9; x += step) xs.push(x);
  if (xs[xs.length - 1] < input.horizon) xs.push(input.horizon);
  return xs;
}

/**
 * Share of new files a guest file system writes into space freed by deleted files, by file system
 * (docs/boot-and-storage.md §8). ext4's multi-block allocator serves a file larger than
 * mb_stream_req (16 blocks, 64 KiB) as a stream request whose goal is the last allocation
 * (s_mb_last_group/start): next fit from a global cursor — the model's cursor, which takes the
 * free blocks it passes, freed or never used. XFS picks a best-fit free extent in the file's
 * allocation group (by-size btree), so a freed hole of the right size is taken before fresh
 * space; NTFS likewise reuses freed clusters first [inferred from its allocator's first fit].
 */
export function freedSpaceReuse(fs: 'ext4' | 'xfs' | 'ntfs'): number {
  return fs === 'ext4' ? 0 : 1;
}

/** Disk sources and the images pool's data from cloud.images and Glance's store (docs/openstack-facts.md §9.2). */
/** A disk from this image is a clone of it (a raw image in this cluster's Glance store whose location glance shows). */
function clonedInPool(cloud: Cloud, format: 'raw' | 'qcow2'): boolean {
  return cloud.glance.store === 'rbd' && cloud.glance.show_image_direct_url && format === 'raw';
}

export function diskSources(cloud: Cloud, c: RbdConfig): { sources: DiskSource[]; imagesPoolBytes: number } {
  const ceph = cloud.ceph!;
  const unit = (objectBytes: number) => allocationUnit(ceph, objectBytes, c.guest.fs_block);
  const reuse = (fs: 'ext4' | 'xfs' | 'ntfs' | undefined) => c.guest.reuse ?? freedSpaceReuse(fs ?? c.guest.filesystem);
  const blank: DiskSource = { share: 1, dataBytes: 0, clone: false, objectBytes: ceph.rbd_default_object_size, unitBytes: unit(ceph.rbd_default_object_size), reuse: reuse(undefined) };
  const images = c.disks.from_images ? cloud.images ?? [] : [];
  if (images.length === 0 || images.every((i) => i.share === 0)) return { sources: [blank], imagesPoolBytes: 0 };
  const inCeph = cloud.glance.store === 'rbd';
  const sources = images.map((i): DiskSource => {
    // A raw image in this cluster's Glance store is cloned (nova's is_cloneable); anything else is
    // downloaded and imported as a full copy with Ceph's default object size.
    const clone = clonedInPool(cloud, i.format);
    const objectBytes = clone ? ceph.glance_chunk_size : ceph.rbd_default_object_size;
    return { share: i.share, dataBytes: Math.min(i.virtual_size, i.data_size ?? i.size), clone, objectBytes, unitBytes: unit(objectBytes), reuse: reuse(i.filesystem) };
  });
  const imagesPoolBytes = inCeph ? images.reduce((a, i) => a + i.size, 0) : 0;
  return { sources, imagesPoolBytes };
}

export function modelConfig(input: StudyInput<RbdConfig>): RbdModelConfig {
  const c = input.config;
  const ceph = input.cloud.ceph!;
  const { sources, imagesPoolBytes } = diskSources(input.cloud, c);
  return {
    horizon: input.horizon,
    batch: c.batch,
    blockBytes: c.guest.fs_block,
    simulatedBytes: c.guest.simulated_size,
    discard: c.discard,
    discardReachesCeph: missingDiscardPath(c).length === 0,
    fstrimInterval: c.fstrim_interval,
    minDiscardBytes: c.min_discard,
    pool: new CephPool(ceph),
    baseStoredBytes: imagesPoolBytes,
    initialDisks: c.disks.initial,
    arrivalRate: c.disks.arrivals,
    lifetime: c.disks.lifetime,
    size: c.disks.size,
    usedFraction: c.guest.used_fraction,
    churn: c.guest.churn,
    fillTime: c.guest.fill_time,
    deleteExtent: c.guest.delete_extent,
    sources,
    seriesX: seriesX(input),
  };
}

const metrics = {
  time_to_nearfull: { label: 'Time to nearfull', unit: 's', kind: 'time-to-event', description: 'time until the fullest OSD reaches nearfull_ratio; the horizon when it never does (censored: see reached_nearfull)' },
  reached_nearfull: { label: 'P(pool reaches nearfull)', unit: 'probability', kind: 'probability', description: '1 when nearfull was reached within the horizon (mean: share of replications)' },
  time_to_full: { label: 'Time to full', unit: 's', kind: 'time-to-event', description: 'time until the fullest OSD reaches full_ratio and client writes block; the horizon when it never does (censored: see reached_full)' },
  reached_full: { label: 'P(pool reaches full)', unit: 'probability', kind: 'probability', description: '1 when full was reached within the horizon' },
  writes_blocked_time: { label: 'Time with writes blocked', unit: 's', kind: 'duration', description: 'time from full to the horizon, during which every guest write blocks (the guests stop growing)' },
  used_fraction_end: { label: 'Pool used at end', unit: 'fraction', kind: 'fraction', description: 'mean OSD fill (raw used ÷ raw capacity) at the horizon, frozen at full' },
  fullest_osd_fraction_end: { label: 'Fullest OSD at end', unit: 'fraction', kind: 'fraction', description: 'fill of the fullest OSD at the horizon (mean × osd_imbalance)' },
  reclaimed_bytes: { label: 'Reclaimed by discard', unit: 'bytes', kind: 'size', description: 'RADOS object bytes removed by discard (online or fstrim) over the run, before replication; gross: an object removed, rewritten and removed again counts twice (the net saving is the paired difference of allocated_bytes_end)' },
  thin_ratio: { label: 'Thin-provisioning ratio', unit: '×', kind: 'ratio', description: 'provisioned ÷ used (rbd du) of the disks at the horizon' },
  allocated_bytes_end: { label: 'Allocated at end', unit: 'bytes', kind: 'size', description: 'space the object store holds for all disks at the horizon, before replication: existing objects × object size on FileStore (what rbd du reports), allocated min_alloc_size units on BlueStore' },
  live_bytes_end: { label: 'Live data at end', unit: 'bytes', kind: 'size', description: 'data the guest filesystems hold at the horizon' },
  provisioned_bytes_end: { label: 'Provisioned at end', unit: 'bytes', kind: 'size', description: 'provisioned size of all disks at the horizon' },
  disks_end: { label: 'Disks at end', unit: 'count', kind: 'count', description: 'disks at the horizon' },
  allocated_over_live_mean: { label: 'Allocated ÷ used (time-average)', unit: '×', kind: 'ratio', description: 'time-average over the horizon of the space the object store holds for the disks ÷ the data their guests hold (allocated ÷ used): what a byte of guest data costs in the pool, independent of where the horizon falls in an fstrim cycle; below 1 when clones still share their parent image\'s data' },
} as const satisfies Record<string, MetricDef>;

export const rbdStudy: StudyDefinition<RbdConfig, keyof typeof metrics> = {
  name: 'rbd',
  title: 'Ceph RBD pool growth: thin provisioning, discard, nearfull/full',
  question: 'When does the Ceph pool holding the instances\' disks reach nearfull and full, with and without discard (online or fstrim), and how much does discard reclaim?',
  schema: rbdSchema,
  metrics,
  keyMetrics: ['time_to_nearfull', 'reached_full', 'reclaimed_bytes', 'used_fraction_end'],
  charts: [
    { kind: 'series', series: 'fullest_osd_usage' },
    { kind: 'spread', metric: 'time_to_nearfull' },
    { kind: 'design', metric: 'reached_nearfull' },
    { kind: 'design', metric: 'reclaimed_bytes' },
  ],

  series(input): Record<string, SeriesDef> {
    return {
      fullest_osd_usage: {
        label: 'Fullest OSD usage',
        unit: 'fraction',
        description: 'fill of the fullest OSD (mean OSD fill × osd_imbalance), compared with Ceph\'s per-OSD ratios',
        x: seriesX(input),
        xLabel: 'time',
        xUnit: 's',
      },
    };
  },

  /** This design's own Ceph ratios (a design may change them), docs/openstack-facts.md §11. */
  thresholds(input): Record<string, Threshold[]> {
    const ceph = input.cloud.ceph;
    if (ceph === undefined) return {};
    return { fullest_osd_usage: [{ label: 'nearfull', value: ceph.nearfull_ratio }, { label: 'full', value: ceph.full_ratio }] };
  },

  check(input): Problem[] {
    const problems: Problem[] = [];
    // The series has a point per series_interval: refused here, before anything builds it (a
    // horizon of 10^15 s at 7 days is 1.7·10^9 points, beyond what a JavaScript array holds).
    const points = input.horizon / input.config.series_interval;
    if (!(points <= MAX_SERIES_POINTS)) {
      problems.push({ path: ['studies', 'rbd', 'series_interval'], message: `${points.toExponential(1)} points of the pool usage series over a horizon of ${input.horizon} s (expected at most ${MAX_SERIES_POINTS.toLocaleString('en-US')}: a longer series_interval or a shorter horizon)` });
      return problems;
    }
    const ceph = input.cloud.ceph;
    if (ceph === undefined) {
      return [{ path: ['cloud', 'ceph'], message: 'missing (expected the Ceph cluster: osds, osd_size, replication or erasure_coding)' }];
    }
    if (!(ceph.nearfull_ratio <= ceph.backfillfull_ratio && ceph.backfillfull_ratio <= ceph.full_ratio)) {
      problems.push({ path: ['cloud', 'ceph', 'full_ratio'], message: 'ratios out of order (expected nearfull_ratio ≤ backfillfull_ratio ≤ full_ratio)' });
    }
    const store = objectStore(ceph);
    if (store === 'bluestore' && !cephAtLeast(ceph.release, 'luminous')) {
      problems.push({ path: ['cloud', 'ceph', 'objectstore'], message: `BlueStore became stable in Luminous (12.2.0), ceph.release is ${ceph.release} (expected filestore, or release luminous or later)` });
    }
    if (store === 'filestore' && cephAtLeast(ceph.release, 'reef')) {
      problems.push({ path: ['cloud', 'ceph', 'objectstore'], message: `FileStore is not supported from Reef (18.2.0; deprecated in Quincy), ceph.release is ${ceph.release} (expected bluestore, or release quincy or earlier)` });
    }
    const ma = ceph.min_alloc_size;
    if (ma !== undefined && (ma & (ma - 1)) !== 0) {
      problems.push({ path: ['cloud', 'ceph', 'min_alloc_size'], message: `${ma} B is not a power of two (expected e.g. 4KiB, 16KiB, 64KiB)` });
    }
    const block = input.config.guest.fs_block;
    for (const s of diskSources(input.cloud, input.config).sources) {
      const r = s.objectBytes / block;
      if (!(Number.isInteger(r) && r >= 1 && (r & (r - 1)) === 0)) {
        problems.push({ path: ['studies', 'rbd', 'guest', 'fs_block'], message: `${block} B does not divide the object size ${s.objectBytes} B by a power of two (expected e.g. 1MiB for 4 MiB and 8 MiB objects)` });
        break;
      }
    }
    return problems;
  },

  warnings(input): string[] {
    const c = input.config;
    const out: string[] = [];
    const ceph = input.cloud.ceph;
    if (ceph && c.disks.from_images) {
      const imported = (input.cloud.images ?? []).filter((i) => i.share > 0 && i.data_size === undefined && !clonedInPool(input.cloud, i.format));
      out.push(...wholeObjectImportWarning(ceph.release, imported.map((i) => i.name)).map((w) => `design ${input.design}: ${w}`));
    }
    if (c.discard === 'none') return out;
    const missing = missingDiscardPath(c);
    if (missing.length === 0) return out;
    return [...out, `design ${input.design} asks for ${c.discard === 'online' ? 'online discard (mount -o discard)' : 'fstrim'} but discards never reach Ceph without ${missing.join(', ')}: no space is reclaimed`];
  },

  replicate(input, ctx) {
    const r = runRbd(modelConfig(input), ctx.streams, undefined, ctx.tracer);
    const h = input.horizon;
    const near = Number.isNaN(r.timeToNearfull) ? h : r.timeToNearfull;
    const full = Number.isNaN(r.timeToFull) ? h : r.timeToFull;
    return {
      metrics: {
        time_to_nearfull: near,
        reached_nearfull: Number.isNaN(r.timeToNearfull) ? 0 : 1,
        time_to_full: full,
        reached_full: Number.isNaN(r.timeToFull) ? 0 : 1,
        writes_blocked_time: h - full,
        used_fraction_end: r.usedFractionEnd,
        fullest_osd_fraction_end: r.fullestFractionEnd,
        reclaimed_bytes: r.reclaimedBytes,
        thin_ratio: r.allocatedBytesEnd > 0 ? r.provisionedBytesEnd / r.allocatedBytesEnd : 0,
        allocated_bytes_end: r.allocatedBytesEnd,
        live_bytes_end: r.liveBytesEnd,
        provisioned_bytes_end: r.provisionedBytesEnd,
        disks_end: r.disksEnd,
        allocated_over_live_mean: r.allocatedOverLiveMean,
      },
      series: { fullest_osd_usage: r.series },
      // The RBD model samples its disks' lives directly, without the event engine.
      events: 0,
    };
  },
};
