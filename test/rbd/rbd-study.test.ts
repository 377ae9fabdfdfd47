import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { cloudSchema } from '../../sim/openstack/cloud.js';
import { rbdStudy, missingDiscardPath, versionAtLeast, rbdSchema, diskSources, type RbdConfig } from '../../sim/studies/rbd.js';
import { valuesPerReplication, type StudyInput } from '../../sim/studies/study.js';
import { findStudy } from '../../sim/studies/registry.js';
import { replicateFlat } from '../flat.js';
import { Memo } from '../../sim/studies/memo.js';

const DAY = 86400, GiB = 2 ** 30;

function input(config: unknown, ceph: Record<string, unknown> = { osds: 3, osd_size: '200GiB' }, extra: Record<string, unknown> = {}): StudyInput<RbdConfig> {
  const cloud = cloudSchema.parse({
    racks: [{ name: 'r', hosts: 2, ram: '64GiB', vcpus: 16 }],
    flavors: [{ name: 'm', ram: '4GiB', vcpus: 2, disk: '4GiB', share: 1 }],
    ceph,
    ...extra,
  });
  return { memo: new Memo(), scenarioName: 't', seed: 1, horizon: 90 * DAY, design: 'd', cloud, config: rbdSchema.parse(config) };
}

const small = {
  disks: { initial: 8, arrivals: '0.1/d', size: '4GiB' },
  guest: { churn: '2%/d', delete_extent: '16MiB' },
};

test('registered as rbd; replicate returns the metrics then the series', () => {
  assert.equal(findStudy('rbd'), rbdStudy);
  const inp = input(small);
  const out = replicateFlat(rbdStudy, inp, { replication: 0, streams: new Streams(1, 0) });
  assert.equal(out.length, valuesPerReplication(rbdStudy, inp));
  const series = rbdStudy.series!(inp).fullest_osd_usage;
  assert.equal(series.x[0], 0);
  assert.equal(series.x[series.x.length - 1], 90 * DAY);
  assert.ok(out.every(Number.isFinite));
});

test('never reached within the horizon: time is the horizon (censored) and reached_* is 0', () => {
  const names = Object.keys(rbdStudy.metrics);
  const out = replicateFlat(rbdStudy, input(small, { osds: 30, osd_size: '1TiB' }), { replication: 0, streams: new Streams(1, 0) });
  const m = (k: string) => out[names.indexOf(k)];
  assert.equal(m('time_to_nearfull'), 90 * DAY);
  assert.equal(m('reached_nearfull'), 0);
  assert.equal(m('time_to_full'), 90 * DAY);
  assert.equal(m('reached_full'), 0);
  assert.equal(m('writes_blocked_time'), 0);
  const tight = replicateFlat(rbdStudy, input(small, { osds: 3, osd_size: '20GiB' }), { replication: 0, streams: new Streams(1, 0) });
  const t = (k: string) => tight[names.indexOf(k)];
  assert.equal(t('reached_full'), 1);
  assert.ok(t('time_to_full') < 90 * DAY);
  assert.equal(t('writes_blocked_time'), 90 * DAY - t('time_to_full'));
});

test('without discard and without disk deletions the pool never shrinks', () => {
  const inp = input({ ...small, disks: { initial: 8, arrivals: '0.2/d', size: '4GiB' } });
  const names = Object.keys(rbdStudy.metrics);
  for (let r = 0; r < 3; r++) {
    const out = replicateFlat(rbdStudy, inp, { replication: r, streams: new Streams(2, r) });
    const s = Array.from(out.subarray(names.length));
    for (let i = 1; i < s.length; i++) assert.ok(s[i] >= s[i - 1], `series drops at ${i}`);
  }
});

test('discard asked without virtio-scsi + scsi bus + unmap on a 2015 stack: a warning, and no reclaim', () => {
  const names = Object.keys(rbdStudy.metrics);
  const reclaimed = (cfg: unknown) => replicateFlat(rbdStudy, input(cfg), { replication: 0, streams: new Streams(1, 0) })[names.indexOf('reclaimed_bytes')];
  const full = { ...small, discard: 'fstrim', hw_scsi_model: 'virtio-scsi', hw_disk_bus: 'scsi', hw_disk_discard: 'unmap', qemu_version: '2.3.0', guest_kernel: '3.19' };
  assert.deepEqual(rbdStudy.warnings!(input(full)), []);
  assert.ok(reclaimed(full) > 0);
  for (const missing of ['hw_scsi_model', 'hw_disk_bus', 'hw_disk_discard'] as const) {
    const cfg: Record<string, unknown> = { ...full };
    delete cfg[missing];
    const w = rbdStudy.warnings!(input(cfg));
    assert.equal(w.length, 1);
    assert.match(w[0], new RegExp(missing));
    assert.equal(reclaimed(cfg), 0, `no reclaim without ${missing}`);
  }
  assert.deepEqual(rbdStudy.warnings!(input({ ...small, discard: 'none' })), [], 'no discard asked, no warning');
});

test('discard paths by era: virtio-blk passes discard with QEMU ≥ 4.0 and a guest kernel ≥ 5.0, virtio-scsi on any era', () => {
  const reclaimed = (cfg: unknown) => rbdStudy.replicate(input(cfg), { replication: 0, streams: new Streams(1, 0) }).metrics.reclaimed_bytes;
  const blk = { ...small, discard: 'fstrim', hw_disk_bus: 'virtio', hw_disk_discard: 'unmap' };
  const cases: [string, string, boolean][] = [['8.2', '6.8', true], ['4.0', '5.0', true], ['3.1', '6.8', false], ['8.2', '4.19.0-25-amd64', false], ['2.3', '3.19', false]];
  for (const [qemu, kernel, passes] of cases) {
    const cfg = { ...blk, qemu_version: qemu, guest_kernel: kernel };
    assert.equal(missingDiscardPath(rbdStudy.schema.parse(cfg)).length === 0, passes, `QEMU ${qemu}, guest ${kernel}`);
    assert.equal(reclaimed(cfg) > 0, passes, `QEMU ${qemu}, guest ${kernel}: reclaim`);
  }
  const w = rbdStudy.warnings!(input({ ...blk, qemu_version: '2.3', guest_kernel: '3.19' }));
  assert.equal(w.length, 1);
  assert.match(w[0], /QEMU ≥ 4\.0.*guest kernel ≥ 5\.0/);
  assert.equal(versionAtLeast('5.15.0-91-generic', '5.0'), true);
  assert.equal(versionAtLeast('4.20', '5.0'), false);
});

test('check: a missing Ceph cluster and an fs_block that does not divide the object size are problems', () => {
  const inp = input(small);
  assert.deepEqual(rbdStudy.check!(inp), []);
  const noCeph = { ...inp, cloud: { ...inp.cloud, ceph: undefined } };
  assert.deepEqual(rbdStudy.check!(noCeph).map((p) => p.path), [['cloud', 'ceph']]);
  const odd = input({ ...small, guest: { ...small.guest, fs_block: '3MiB' } });
  assert.deepEqual(rbdStudy.check!(odd).map((p) => p.path), [['studies', 'rbd', 'guest', 'fs_block']]);
});

test('disk sources: raw images in a Glance rbd store are clones with 8 MiB objects, others full copies with 4 MiB (docs/openstack-facts.md §9.2)', () => {
  const images = [
    { name: 'u', size: '2GiB', virtual_size: '2GiB', format: 'raw', share: 3 },
    { name: 'w', size: '9GiB', virtual_size: '40GiB', format: 'qcow2', share: 1 },
  ];
  const inRbd = input(small, undefined, { images, glance: { store: 'rbd', show_image_direct_url: true } });
  const { sources, imagesPoolBytes } = diskSources(inRbd.cloud, inRbd.config);
  assert.deepEqual(sources.map((s) => [s.clone, s.objectBytes / 2 ** 20, s.dataBytes / GiB]), [[true, 8, 2], [false, 4, 9]]);
  assert.equal(imagesPoolBytes, 11 * GiB);
  const onFile = input(small, undefined, { images, glance: { store: 'file' } });
  assert.deepEqual(diskSources(onFile.cloud, onFile.config).sources.map((s) => s.clone), [false, false]);
  // Without show_image_direct_url nova sees no location: every image is imported in full.
  const hidden = input(small, undefined, { images, glance: { store: 'rbd' } });
  assert.deepEqual(diskSources(hidden.cloud, hidden.config).sources.map((s) => [s.clone, s.objectBytes / 2 ** 20]), [[false, 4], [false, 4]]);
  // rbd import is sparse: a qcow2 image's data (data_size) is written, not its virtual size.
  const sparse = input(small, undefined, { images: [{ ...images[1], data_size: '12GiB' }], glance: { store: 'rbd' } });
  assert.deepEqual(diskSources(sparse.cloud, sparse.config).sources.map((s) => s.dataBytes / GiB), [12]);
  const blank = input({ ...small, disks: { ...small.disks, from_images: false } }, undefined, { images });
  assert.deepEqual(diskSources(blank.cloud, blank.config).sources.map((s) => s.dataBytes), [0]);
});

test('thresholds: each design is drawn against its own Ceph ratios (a design may change full_ratio)', async () => {
  const { readFileSync } = await import('node:fs');
  const { loadScenarioText } = await import('../../sim/scenario/load.js');
  const text = readFileSync('scenarios/rbd.yaml', 'utf8').replace('    designs:\n', '    designs:\n      tight: {discard: none, cloud: {ceph: {nearfull_ratio: 70%, backfillfull_ratio: 75%, full_ratio: 80%}}}\n');
  const plan = loadScenarioText(text, 'rbd.yaml').studies.find((s) => s.name === 'rbd')!;
  const of = (design: string) => rbdStudy.thresholds!(plan.variants.find((v) => v.design === design && !v.sweep)!.input as never);
  assert.deepEqual(of('tight'), { fullest_osd_usage: [{ label: 'nearfull', value: 0.7 }, { label: 'full', value: 0.8 }] });
  const base = of('no-discard').fullest_osd_usage.map((t) => t.value);
  assert.ok(base[0] !== 0.7 && base[1] !== 0.8, `the base file's ratios ${base}`);
});

test('an image imported by a pre-Luminous rbd CLI: a warning that its data_size is a lower bound', () => {
  const images = {
    glance: { store: 'rbd', show_image_direct_url: true },
    images: [
      { name: 'win', size: '9GiB', virtual_size: '40GiB', format: 'qcow2', share: 0.5 },
      { name: 'cloned', size: '2GiB', virtual_size: '2GiB', format: 'raw', share: 0.5 },
    ],
  };
  const w = rbdStudy.warnings!(input(small, { osds: 3, osd_size: '200GiB', release: 'jewel', objectstore: 'filestore' }, images));
  assert.equal(w.length, 1);
  assert.match(w[0], /^design d: ceph\.release jewel: rbd import before Luminous skipped only all-zero objects.* of win;/);
  assert.deepEqual(rbdStudy.warnings!(input(small, { osds: 3, osd_size: '200GiB', release: 'luminous' }, images)), [], 'Luminous skips 4 KiB zero extents');
  const measured = { ...images, images: [{ ...images.images[0], data_size: '12GiB' }, images.images[1]] };
  assert.deepEqual(rbdStudy.warnings!(input(small, { osds: 3, osd_size: '200GiB', release: 'jewel', objectstore: 'filestore' }, measured)), [], 'a stated data_size');
});
