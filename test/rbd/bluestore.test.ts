import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RbdDisk, WordPool } from '../../sim/openstack/ceph/rbd-disk.js';
import { allocationUnit, cephSchema, defaultMinAllocSize, objectStore } from '../../sim/openstack/ceph/ceph-schema.js';
import { cloudSchema } from '../../sim/openstack/cloud.js';
import { diskSources, freedSpaceReuse, rbdSchema, rbdStudy, type RbdConfig } from '../../sim/studies/rbd.js';
import type { StudyInput } from '../../sim/studies/study.js';
import { Streams } from '../../sim/random/streams.js';
import { Memo } from '../../sim/studies/memo.js';

// BlueStore allocation units vs FileStore objects (docs/boot-and-storage.md §6), hand-worked on a
// 16 MiB disk of 1 MiB blocks and 4 MiB objects (4 objects of 4 blocks).
const MiB = 2 ** 20;
const disk = (unit: number, overlap = 0) => new RbdDisk(16 * MiB, 4 * MiB, MiB, overlap, new WordPool(), unit);

test('writes allocate whole objects on FileStore, min_alloc units on BlueStore', () => {
  const fs = disk(4 * MiB), bs = disk(MiB), bs2 = disk(2 * MiB);
  for (const d of [fs, bs, bs2]) assert.equal(d.write(6), 6);
  assert.equal(fs.allocBlocks, 8, 'blocks 0–5 touch objects 0 and 1: 8 blocks of objects');
  assert.equal(bs.allocBlocks, 6, 'BlueStore holds what was written');
  assert.equal(bs2.allocBlocks, 6, '2 MiB units: blocks 0–5 are three whole units');
  assert.equal(bs2.write(1), 1);
  assert.equal(bs2.allocBlocks, 8, 'block 6 opens the unit of blocks 6–7');
});

test('a partial-object online discard frees what it covers on BlueStore, nothing on FileStore; fstrim frees whole empty objects on FileStore', () => {
  const fs = disk(4 * MiB), bs = disk(MiB);
  for (const d of [fs, bs]) d.write(6);
  // Delete blocks 4–5 (half of object 1), discarded at once.
  for (const d of [fs, bs]) assert.equal(d.free(4, 2, true), 2);
  assert.equal(fs.allocBlocks, 8, 'FileStore: the discard of 2 blocks covers no whole object; the zero op keeps its space');
  assert.equal(bs.allocBlocks, 4, 'BlueStore: the 2 blocks are released');
  // fstrim: object 1 has no live block left, so FileStore removes it now.
  assert.equal(fs.trim(), 4);
  assert.equal(fs.allocBlocks, 4);
  assert.equal(bs.trim(), 0, 'nothing left to free on BlueStore');
  // A delete inside an object that keeps live data: fstrim frees that block on BlueStore only.
  const f2 = disk(4 * MiB), b2 = disk(MiB);
  for (const d of [f2, b2]) { d.write(4); d.free(1, 1, false); }
  assert.equal(f2.trim(), 0);
  assert.equal(b2.trim(), 1);
  assert.deepEqual([f2.allocBlocks, b2.allocBlocks], [4, 3]);
});

test('BlueStore: inside a clone\'s parent overlap a write copies the whole object up; past it, units; discards there free nothing', () => {
  const d = disk(MiB, 4 * MiB); // overlap: object 0 (blocks 0–3)
  d.markParentData(4);
  assert.equal(d.allocBlocks, 0, 'parent data costs the child nothing');
  d.free(1, 1, false); // the guest deletes a parent block…
  assert.equal(d.writeFreed(1, 1), 1); // …and writes into block 1 again: copy-up of object 0
  assert.equal(d.allocBlocks, 4);
  d.write(1); // the cursor (after the parent data) writes block 4, past the overlap: one unit
  assert.equal(d.allocBlocks, 5);
  d.free(0, 4, true);
  assert.equal(d.allocBlocks, 5, 'no discard frees space in the overlap');
});

test('min_alloc_size defaults by Ceph release and device class; object store by release', () => {
  const KiB = 1024;
  const cases: [Parameters<typeof defaultMinAllocSize>[0], number, number][] = [
    ['luminous', 64 * KiB, 16 * KiB], ['nautilus', 64 * KiB, 16 * KiB], ['octopus', 64 * KiB, 4 * KiB],
    ['pacific', 4 * KiB, 4 * KiB], ['squid', 4 * KiB, 4 * KiB],
  ];
  for (const [r, hdd, ssd] of cases) assert.deepEqual([defaultMinAllocSize(r, 'hdd'), defaultMinAllocSize(r, 'ssd')], [hdd, ssd], r);
  const base = { osds: 3, osd_size: '1TiB' };
  assert.equal(objectStore(cephSchema.parse({ ...base, release: 'hammer' })), 'filestore');
  assert.equal(objectStore(cephSchema.parse({ ...base, release: 'luminous' })), 'bluestore');
  assert.equal(objectStore(cephSchema.parse(base)), 'bluestore');
  // The unit in model blocks: never finer than the block, never coarser than the object.
  assert.equal(allocationUnit(cephSchema.parse({ ...base, release: 'octopus' }), 4 * MiB, 16 * 1024), 64 * 1024);
  assert.equal(allocationUnit(cephSchema.parse({ ...base, release: 'octopus' }), 4 * MiB, MiB), MiB);
  assert.equal(allocationUnit(cephSchema.parse({ ...base, objectstore: 'filestore', release: 'jewel' }), 4 * MiB, MiB), 4 * MiB);
  assert.equal(allocationUnit(cephSchema.parse({ ...base, min_alloc_size: '8MiB' }), 4 * MiB, MiB), 4 * MiB);
});

const DAY = 86400;
function input(config: Record<string, unknown>, ceph: Record<string, unknown>): StudyInput<RbdConfig> {
  const cloud = cloudSchema.parse({
    racks: [{ name: 'r', hosts: 2, ram: '64GiB', vcpus: 16 }],
    flavors: [{ name: 'm', ram: '4GiB', vcpus: 2, disk: '4GiB', share: 1 }],
    ceph: { osds: 3, osd_size: '400GiB', ...ceph },
  });
  return { memo: new Memo(), scenarioName: 't', seed: 1, horizon: 120 * DAY, design: 'd', cloud, config: rbdSchema.parse(config) };
}

test('check: BlueStore before Luminous and FileStore from Reef are problems; min_alloc_size must be a power of two', () => {
  const paths = (ceph: Record<string, unknown>) => rbdStudy.check!(input({}, ceph)).map((p) => p.path.join('.'));
  assert.deepEqual(paths({ release: 'jewel', objectstore: 'bluestore' }), ['cloud.ceph.objectstore']);
  assert.deepEqual(paths({ release: 'reef', objectstore: 'filestore' }), ['cloud.ceph.objectstore']);
  assert.deepEqual(paths({ release: 'quincy', objectstore: 'filestore' }), []);
  assert.deepEqual(paths({ min_alloc_size: 12288 }), ['cloud.ceph.min_alloc_size']);
});

test('rbd study: online discard reclaims less than fstrim on FileStore (objects emptied piece by piece stay), not on BlueStore', () => {
  const run = (discard: string, ceph: Record<string, unknown>) => {
    const cfg = { disks: { initial: 20, size: '4GiB' }, guest: { churn: '3%/d', delete_extent: '8MiB' }, discard,
      hw_disk_bus: 'scsi', hw_scsi_model: 'virtio-scsi', hw_disk_discard: 'unmap' };
    return rbdStudy.replicate(input(cfg, ceph), { replication: 0, streams: new Streams(4, 0) }).metrics.allocated_bytes_end;
  };
  const filestore = { release: 'hammer' }, bluestore = { release: 'squid' };
  const fs = { none: run('none', filestore), online: run('online', filestore), fstrim: run('fstrim', filestore) };
  const bs = { none: run('none', bluestore), online: run('online', bluestore), fstrim: run('fstrim', bluestore) };
  assert.ok(fs.online > fs.fstrim * 1.05, `FileStore online ${fs.online} vs fstrim ${fs.fstrim}`);
  assert.ok(bs.online <= bs.fstrim * 1.0001, `BlueStore online ${bs.online} vs fstrim ${bs.fstrim}`);
  assert.ok(bs.none <= fs.none, 'without discard BlueStore never holds more: no whole-object rounding');
  assert.ok(bs.online < fs.online && bs.fstrim <= fs.fstrim);
});

test('allocated ÷ used as a time-average: hand-worked intervals, and the study reports it', async () => {
  const { RatioAverage } = await import('../../sim/openstack/ceph/rbd-model.js');
  const r = new RatioAverage();
  r.advance(0, 0, 0); // nothing yet
  r.advance(10, 0, 0); // [0, 10): no live data, left out
  r.advance(20, 40, 20); // [10, 20): (value given at the call is the state *until* t)
  assert.ok(Number.isNaN(r.mean) === false);
  // State until 20 was (40, 20): ratio 2 over 10 s; then 3 over 30 s → (20 + 90) / 40 = 2.75.
  r.advance(50, 30, 10);
  assert.equal(r.mean, (2 * 10 + 3 * 30) / 40);
  const v = rbdStudy.replicate(input({ disks: { initial: 4, size: '4GiB' }, discard: 'fstrim', hw_disk_bus: 'scsi', hw_scsi_model: 'virtio-scsi', hw_disk_discard: 'unmap' }, {}),
    { replication: 0, streams: new Streams(4, 0) }).metrics;
  const m = v.allocated_over_live_mean;
  assert.ok(m >= 1 && m < v.provisioned_bytes_end / v.live_bytes_end, `${m}`);
});

test('a guest file system writes over its own free space: XFS/NTFS into freed holes at once, ext4 once its stream cursor has wrapped', () => {
  // 64 blocks, BlueStore units of one block; 32 blocks written, then blocks 8–23 deleted (no discard).
  const used = () => { const d = new RbdDisk(64 * MiB, 4 * MiB, MiB, 0, new WordPool(), MiB); d.write(32); d.free(8, 16, false); return d; };
  const xfs = used();
  assert.equal(xfs.writeFreed(8, 16), 16);
  assert.equal(xfs.allocBlocks, 32, 'a 16 MiB file into the freed hole adds nothing to the pool');
  const ext4 = used();
  assert.equal(ext4.write(16), 16);
  assert.equal(ext4.allocBlocks, 48, 'the cursor (at block 32) writes fresh blocks: +16');
  // Long used: the cursor has swept to the end and wrapped; the next file lands on freed blocks.
  assert.equal(ext4.write(16), 16); // blocks 48–63: the disk is now full of allocation
  ext4.free(40, 16, false);
  assert.equal(ext4.write(16), 16);
  assert.equal(ext4.allocBlocks, 64, 'after the wrap a fresh 16 MiB file adds nothing: it reuses freed space');
  // The rule by file system, and an explicit reuse overriding it.
  assert.deepEqual((['ext4', 'xfs', 'ntfs'] as const).map(freedSpaceReuse), [0, 1, 1]);
  const images = [
    { name: 'u', size: '2GiB', virtual_size: '2GiB', format: 'raw', filesystem: 'ext4' },
    { name: 'r', size: '2GiB', virtual_size: '10GiB', format: 'raw', filesystem: 'xfs' },
    { name: 'x', size: '2GiB', virtual_size: '10GiB', format: 'raw' },
  ];
  const cloud = cloudSchema.parse({ racks: [{ name: 'r', hosts: 1, ram: '64GiB', vcpus: 16 }], flavors: [{ name: 'm', ram: '4GiB', vcpus: 2, share: 1 }],
    ceph: { osds: 3, osd_size: '1TiB' }, images, glance: { store: 'rbd', show_image_direct_url: true } });
  assert.deepEqual(diskSources(cloud, rbdSchema.parse({})).sources.map((s) => s.reuse), [0, 1, 0]);
  assert.deepEqual(diskSources(cloud, rbdSchema.parse({ guest: { filesystem: 'xfs' } })).sources.map((s) => s.reuse), [0, 1, 1]);
  assert.deepEqual(diskSources(cloud, rbdSchema.parse({ guest: { reuse: 0.3 } })).sources.map((s) => s.reuse), [0.3, 0.3, 0.3]);
});
