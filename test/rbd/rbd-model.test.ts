import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { Deterministic, Exponential, Lognormal, Uniform } from '../../sim/random/distributions.js';
import { CephPool } from '../../sim/openstack/ceph/ceph-pool.js';
import { cephSchema } from '../../sim/openstack/ceph/ceph-schema.js';
import { runRbd } from '../../sim/openstack/ceph/rbd-model.js';
import { planDisks, type RbdModelConfig } from '../../sim/openstack/ceph/rbd-plan.js';
import { ExtentBlocks, GuestDisk } from '../../sim/openstack/ceph/rbd-guest.js';
import { WordPool } from '../../sim/openstack/ceph/rbd-disk.js';
import { normalCdf, normalQuantile } from '../../sim/stats/t.js';
import { runRbdEvents } from './event-model.js';

const KiB = 1024, MiB = 2 ** 20, GiB = 2 ** 30, DAY = 86400;

function small(over: Partial<RbdModelConfig> = {}): RbdModelConfig {
  return {
    horizon: 120 * DAY, batch: DAY, blockBytes: MiB, simulatedBytes: 16 * GiB, discard: 'none', discardReachesCeph: true,
    fstrimInterval: 7 * DAY, minDiscardBytes: 64 * 1024,
    pool: new CephPool(cephSchema.parse({ osds: 3, osd_size: '40GiB', osd_imbalance: 1.1 })),
    baseStoredBytes: 2 * GiB, initialDisks: 6, arrivalRate: 0.2 / DAY,
    lifetime: new Exponential(60 * DAY), size: new Uniform(2 * GiB, 6 * GiB),
    usedFraction: new Uniform(0.2, 0.6), churn: new Lognormal(Math.log(0.02 / DAY), 0.5),
    fillTime: 10 * DAY, deleteExtent: new Lognormal(Math.log(16 * MiB), 1),
    sources: [
      { share: 2, dataBytes: 300 * MiB, clone: true, objectBytes: 8 * MiB, unitBytes: 8 * MiB, reuse: 0.3 },
      { share: 1, dataBytes: 200 * MiB, clone: false, objectBytes: 4 * MiB, unitBytes: 4 * MiB, reuse: 0.3 },
      { share: 1, dataBytes: 0, clone: false, objectBytes: 4 * MiB, unitBytes: 4 * MiB, reuse: 0.3 },
    ],
    seriesX: Array.from({ length: 18 }, (_, i) => i * 7 * DAY),
    ...over,
  };
}

test('disk-by-disk run with pool replay equals the interleaved event simulation, every discard mode, whole disks and scale models', () => {
  for (const [discard, simulatedBytes] of [['none', 16 * GiB], ['online', 16 * GiB], ['fstrim', 16 * GiB], ['online', GiB], ['fstrim', GiB]] as const) {
    for (let r = 0; r < 4; r++) {
      const cfg = small({ discard, simulatedBytes });
      const fast = runRbd(cfg, new Streams(7, r));
      const ref = runRbdEvents(cfg, new Streams(7, r));
      const msg = `${discard}, ${simulatedBytes / GiB} GiB models, replication ${r}`;
      assert.deepEqual({ ...fast, series: Array.from(fast.series) }, { ...ref, series: Array.from(ref.series) }, msg);
    }
  }
});

test('the designs see the same disks: reclaim only with discard; without discard the pool holds the most', () => {
  const big = new CephPool(cephSchema.parse({ osds: 3, osd_size: '400GiB' }));
  const res = (discard: 'none' | 'online' | 'fstrim', reaches = true) => runRbd(small({ discard, discardReachesCeph: reaches, horizon: 196 * DAY, pool: big }), new Streams(3, 0));
  const none = res('none'), online = res('online'), fstrim = res('fstrim'), blocked = res('fstrim', false);
  assert.equal(none.reclaimedBytes, 0);
  assert.ok(online.reclaimedBytes > 0 && fstrim.reclaimedBytes > 0);
  assert.deepEqual(blocked, none, 'fstrim without the virtio-scsi/unmap path behaves as no discard');
  assert.equal(online.liveBytesEnd, fstrim.liveBytesEnd, 'guest data does not depend on the discard design');
  // The horizon is an fstrim instant (28 weeks), right after the last batch: fstrim has just removed every
  // object without live data, online discard only those one discard request covered whole.
  assert.ok(fstrim.allocatedBytesEnd <= online.allocatedBytesEnd, 'fstrim removes every empty object, online only wholly discarded ones');
  assert.ok(Number.isNaN(none.timeToFull) && Number.isNaN(online.timeToFull) && Number.isNaN(fstrim.timeToFull));
  assert.ok(none.allocatedBytesEnd > online.allocatedBytesEnd);
  assert.ok(online.allocatedBytesEnd >= online.liveBytesEnd - 300 * MiB * 8, 'live data (outside clone parents) sits in existing objects');
});

test('per-OSD thresholds: the imbalance trips nearfull while the mean is below the ratio', () => {
  const p = new CephPool(cephSchema.parse({ osds: 10, osd_size: '1TB', replication: 3, osd_imbalance: 1.2 }));
  const stored = 0.72 * 10e12 / 3; // mean OSD fill 0.72
  assert.ok(Math.abs(p.meanFill(stored) - 0.72) < 1e-12);
  assert.ok(Math.abs(p.fullestFill(stored) - 0.864) < 1e-12);
  assert.ok(p.fullestFill(stored) >= p.nearfull && p.fullestFill(stored) < p.backfillfull, 'nearfull (0.864 ≥ 0.85)');
  const balanced = new CephPool(cephSchema.parse({ osds: 10, osd_size: '1TB', replication: 3 }));
  assert.ok(balanced.fullestFill(stored) < balanced.nearfull, 'balanced: 0.72 < 0.85');
  assert.ok(p.fullestFill(0.8 * 10e12 / 3) >= p.full, 'fullest 0.96 ≥ full 0.95');
  const ec = new CephPool(cephSchema.parse({ osds: 10, osd_size: '1TB', erasure_coding: { k: 4, m: 2 } }));
  assert.ok(Math.abs(ec.meanFill(1e12) - 0.15) < 1e-12, 'EC 4+2 stores 1.5 raw bytes per byte');
});

test('at full, writes block: the pool freezes until the horizon', () => {
  const cfg = small({ pool: new CephPool(cephSchema.parse({ osds: 3, osd_size: '12GiB' })), horizon: 200 * DAY, lifetime: undefined, arrivalRate: 1 / DAY });
  const r = runRbd(cfg, new Streams(5, 0));
  assert.ok(r.timeToFull > 0 && r.timeToFull < 200 * DAY, `full at ${r.timeToFull / DAY} d`);
  assert.ok(r.timeToNearfull <= r.timeToFull);
  const after = cfg.seriesX.map((x, i) => [x, r.series[i]] as const).filter(([x]) => x >= r.timeToFull);
  assert.ok(after.length > 0 && after.every(([, y]) => y === r.fullestFractionEnd), 'series frozen after full');
  assert.ok(r.fullestFractionEnd >= 0.95);
});

test('fixed inputs give a hand-checkable pool: 2 initial 1 GiB blank disks fully written, no churn', () => {
  const cfg = small({
    initialDisks: 2, arrivalRate: 0, lifetime: undefined, size: new Deterministic(GiB), usedFraction: new Deterministic(0.5),
    churn: new Deterministic(0), sources: [{ share: 1, dataBytes: 0, clone: false, objectBytes: 4 * MiB, unitBytes: 4 * MiB, reuse: 0.3 }], baseStoredBytes: 0,
    pool: new CephPool(cephSchema.parse({ osds: 3, osd_size: '1GiB', replication: 3 })), horizon: 14 * DAY,
  });
  const r = runRbd(cfg, new Streams(1, 0));
  // 2 disks × 512 MiB written contiguously = 2 × 128 objects of 4 MiB; × 3 replicas on 3 GiB raw.
  assert.equal(r.allocatedBytesEnd, GiB);
  assert.equal(r.usedFractionEnd, 1);
  assert.equal(r.timeToNearfull, 0);
  assert.equal(r.provisionedBytesEnd / r.allocatedBytesEnd, 2);
});

test('deleted-file sizes in blocks: the guide table draws exactly max(1, round(X ÷ block)) of the lognormal, one uniform per draw, tail included', () => {
  const n = 400_000;
  for (const [median, sigma, block] of [[32 * MiB, 1.2, MiB], [GiB, 2, MiB], [64 * KiB, 0.7, 4 * KiB]] as const) {
    const dist = Lognormal.fromMedian(median, sigma);
    const sampler = new ExtentBlocks(dist, block);
    const raw = new Streams(11, 0).fresh('x');
    let uniforms = 0;
    const counted = Object.assign(Object.create(raw), { next: () => (uniforms++, raw.next()) });
    const counts = Float64Array.from({ length: n }, () => sampler.sample(counted));
    // P(count ≤ k) = Φ((ln((k + ½)·block) − mu) / sigma) at block counts spread over the range,
    // far into the tail (the second case puts 2 % of its draws beyond the 65,536-entry table).
    const cdf = (k: number) => normalCdf((Math.log((k + 0.5) * block) - dist.mu) / sigma);
    for (const q of [0.001, 0.05, 0.3, 0.5, 0.8, 0.95, 0.99, 0.999]) {
      const k = Math.max(1, Math.round(Math.exp(dist.mu + sigma * normalQuantile(q)) / block));
      const p0 = cdf(k), frac = counts.filter((c) => c <= k).length / n;
      assert.ok(Math.abs(frac - p0) < 5 * Math.sqrt(p0 * (1 - p0) / n) + 1e-6, `${median}/${sigma}: P(count ≤ ${k}) = ${frac}, expected ${p0}`);
    }
    assert.ok(counts.every((c) => Number.isInteger(c) && c >= 1));
    // One uniform, plus about two per try of the tail method for the rare draws beyond the table.
    const beyond = counts.filter((c) => c > 65536).length;
    assert.ok(uniforms < n + 4 * beyond + 10, `${uniforms} uniforms for ${n} draws, ${beyond} beyond the table`);
  }
});

test('a deterministic or non-lognormal deleted-file size falls back to sampling it', () => {
  const rg = new Streams(3, 0).fresh('y');
  assert.equal(new ExtentBlocks(new Deterministic(10 * MiB), MiB).sample(rg), 10);
  assert.equal(new ExtentBlocks(new Deterministic(0.2 * MiB), MiB).sample(rg), 1);
  const u = new ExtentBlocks(new Uniform(2 * MiB, 4 * MiB), MiB);
  for (let i = 0; i < 1000; i++) assert.ok([2, 3, 4].includes(u.sample(rg)));
});

/** A pool of whole 100 GiB disks like scenarios/rbd.yaml's, cheap enough to simulate block for block. */
function hundredGiB(discard: 'none' | 'online' | 'fstrim', horizon: number, simulatedBytes: number): RbdModelConfig {
  return small({
    discard, horizon, simulatedBytes, initialDisks: 300, arrivalRate: 0, lifetime: undefined,
    size: new Deterministic(100 * GiB), churn: Lognormal.fromMedian(0.003 / DAY, 0.8), fillTime: 30 * DAY,
    deleteExtent: Lognormal.fromMedian(32 * MiB, 1.2), baseStoredBytes: 0,
    pool: new CephPool(cephSchema.parse({ osds: 100, osd_size: '8TB' })),
    sources: [
      { share: 0.6, dataBytes: 2.2 * GiB, clone: true, objectBytes: 8 * MiB, unitBytes: 8 * MiB, reuse: 0.3 },
      { share: 0.3, dataBytes: 10 * GiB, clone: true, objectBytes: 8 * MiB, unitBytes: 8 * MiB, reuse: 0.3 },
      { share: 0.1, dataBytes: 9 * GiB, clone: false, objectBytes: 4 * MiB, unitBytes: 4 * MiB, reuse: 0.3 },
    ],
    seriesX: [0],
  });
}

test('a 10 GiB scale model (the default) of 100 GiB disks gives the pool of whole disks: allocated and live within 1 % early and late, reclaimed within 2 % at a year (6 % in the first weeks), every discard mode', () => {
  // The guest's rules are per file and per share of the disk, so a model much larger than the files
  // behaves like the disk in proportion. A rule tied to the batch's volume instead (reuse writes as
  // one first-fit chunk a day) made the model's fstrim reclaim 6 % too high: this test catches that.
  for (const horizon of [42 * DAY, 365 * DAY]) {
    for (const discard of ['none', 'online', 'fstrim'] as const) {
      const whole = runRbd(hundredGiB(discard, horizon, 100 * GiB), new Streams(5, 0));
      const model = runRbd(hundredGiB(discard, horizon, 10 * GiB), new Streams(5, 0));
      const rel = (a: number, b: number) => Math.abs(a / b - 1);
      const msg = `${discard} at ${horizon / DAY} d`;
      assert.equal(model.provisionedBytesEnd, whole.provisionedBytesEnd, msg);
      assert.ok(rel(model.allocatedBytesEnd, whole.allocatedBytesEnd) < 0.01, `${msg}: allocated ${model.allocatedBytesEnd} vs ${whole.allocatedBytesEnd}`);
      assert.ok(rel(model.liveBytesEnd, whole.liveBytesEnd) < 0.01, `${msg}: live ${model.liveBytesEnd} vs ${whole.liveBytesEnd}`);
      if (discard !== 'none') assert.ok(rel(model.reclaimedBytes, whole.reclaimedBytes) < (horizon < 100 * DAY ? 0.06 : 0.02), `${msg}: reclaimed ${model.reclaimedBytes} vs ${whole.reclaimedBytes}`);
    }
  }
});

test('guest files are deleted and written whole, and the data stays centred on the used fraction', () => {
  const cfg = small({ initialDisks: 1, arrivalRate: 0, lifetime: undefined, size: new Deterministic(4 * GiB), usedFraction: new Deterministic(0.5),
    churn: new Deterministic(10 * MiB / (4 * GiB) / DAY), deleteExtent: new Deterministic(48 * MiB), horizon: 2000 * DAY,
    sources: [{ share: 1, dataBytes: 0, clone: false, objectBytes: 4 * MiB, unitBytes: 4 * MiB, reuse: 0.3 }] });
  const plan = planDisks(cfg, new Streams(2, 0));
  const g = new GuestDisk(cfg, plan, 0, new WordPool(), new ExtentBlocks(cfg.deleteExtent, cfg.blockBytes));
  const rg = new Streams(2, 0).fresh('g');
  const target = 2048, levels: number[] = [];
  assert.equal(g.disk.liveBlocks, target);
  let sum = 0;
  for (let day = 0; day < 2000; day++) {
    const before = g.disk.liveBlocks;
    g.activity(rg);
    const change = g.disk.liveBlocks - before;
    // 10 blocks of churn a day, files of 48: each day's change is a whole number of files (± one write, ± one delete)
    assert.ok([0, 48, -48].includes(change), `day ${day}: live changed by ${change}`);
    levels.push(g.disk.liveBlocks);
    sum += g.disk.liveBlocks;
  }
  assert.ok(Math.min(...levels) >= target - 24 - 48 && Math.max(...levels) <= target + 24 + 48, 'within a file of the target');
  assert.ok(Math.abs(sum / 2000 - target) < 6, `mean ${sum / 2000} vs target ${target}: centred within an eighth of a file`);
});

test('guest streams: Streams.fresh gives the numbers of Streams.stream (same seed string, same generator)', () => {
  for (const [seed, r, name] of [[7, 0, 'rbd-guest/0'], [20150202, 3, 'rbd-guest/1999'], ['abc', 12, 'x']] as const) {
    const streams = new Streams(seed, r);
    const ref = streams.stream(name), fast = streams.fresh(name);
    for (let i = 0; i < 20_000; i++) assert.equal(fast.next(), ref.next(), `${seed}/${r}/${name} draw ${i}`);
  }
});
