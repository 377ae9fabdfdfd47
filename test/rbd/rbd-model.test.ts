import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { Deterministic, Exponential, Lognormal, Uniform } from '../../sim/random/distributions.js';
import { CephPool } from '../../sim/openstack/ceph-pool.js';
import { cephSchema } from '../../sim/openstack/ceph-schema.js';
import { PairedLognormal, runRbd, type RbdModelConfig } from '../../sim/openstack/rbd-model.js';
import { runRbdEvents } from './event-model.js';

const MiB = 2 ** 20, GiB = 2 ** 30, DAY = 86400;

function small(over: Partial<RbdModelConfig> = {}): RbdModelConfig {
  return {
    horizon: 120 * DAY, batch: DAY, blockBytes: MiB, discard: 'none', discardReachesCeph: true,
    fstrimInterval: 7 * DAY, minDiscardBytes: 64 * 1024,
    pool: new CephPool(cephSchema.parse({ osds: 3, osd_size: '40GiB', osd_imbalance: 1.1 })),
    baseStoredBytes: 2 * GiB, initialDisks: 6, arrivalRate: 0.2 / DAY,
    lifetime: new Exponential(60 * DAY), size: new Uniform(2 * GiB, 6 * GiB),
    usedFraction: new Uniform(0.2, 0.6), churn: new Lognormal(Math.log(0.02 / DAY), 0.5),
    fillTime: 10 * DAY, reuse: 0.3, deleteExtent: new Lognormal(Math.log(16 * MiB), 1),
    sources: [
      { share: 2, dataBytes: 300 * MiB, clone: true, objectBytes: 8 * MiB },
      { share: 1, dataBytes: 200 * MiB, clone: false, objectBytes: 4 * MiB },
      { share: 1, dataBytes: 0, clone: false, objectBytes: 4 * MiB },
    ],
    seriesX: Array.from({ length: 18 }, (_, i) => i * 7 * DAY),
    ...over,
  };
}

test('disk-by-disk run with pool replay equals the interleaved event simulation, every discard mode', () => {
  for (const discard of ['none', 'online', 'fstrim'] as const) {
    for (let r = 0; r < 4; r++) {
      const cfg = small({ discard });
      const fast = runRbd(cfg, new Streams(7, r));
      const ref = runRbdEvents(cfg, new Streams(7, r));
      const msg = `${discard} replication ${r}`;
      assert.deepEqual({ ...fast, series: Array.from(fast.series) }, { ...ref, series: Array.from(ref.series) }, msg);
    }
  }
});

test('the designs see the same disks: reclaim only with discard; without discard the pool holds the most', () => {
  const big = new CephPool(cephSchema.parse({ osds: 3, osd_size: '400GiB' }));
  const res = (discard: 'none' | 'online' | 'fstrim', reaches = true) => runRbd(small({ discard, discardReachesCeph: reaches, horizon: 200 * DAY, pool: big }), new Streams(3, 0));
  const none = res('none'), online = res('online'), fstrim = res('fstrim'), blocked = res('fstrim', false);
  assert.equal(none.reclaimedBytes, 0);
  assert.ok(online.reclaimedBytes > 0 && fstrim.reclaimedBytes > 0);
  assert.deepEqual(blocked, none, 'fstrim without the virtio-scsi/unmap path behaves as no discard');
  assert.equal(online.liveBytesEnd, fstrim.liveBytesEnd, 'guest data does not depend on the discard design');
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
  assert.equal(p.health(stored), 1, 'nearfull (0.864 ≥ 0.85)');
  const balanced = new CephPool(cephSchema.parse({ osds: 10, osd_size: '1TB', replication: 3 }));
  assert.equal(balanced.health(stored), 0, 'balanced: 0.72 < 0.85');
  assert.equal(p.health(0.8 * 10e12 / 3), 3, 'fullest 0.96 ≥ full 0.95');
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
    churn: new Deterministic(0), sources: [{ share: 1, dataBytes: 0, clone: false, objectBytes: 4 * MiB }], baseStoredBytes: 0,
    pool: new CephPool(cephSchema.parse({ osds: 3, osd_size: '1GiB', replication: 3 })), horizon: 14 * DAY,
  });
  const r = runRbd(cfg, new Streams(1, 0));
  // 2 disks × 512 MiB written contiguously = 2 × 128 objects of 4 MiB; × 3 replicas on 3 GiB raw.
  assert.equal(r.allocatedBytesEnd, GiB);
  assert.equal(r.usedFractionEnd, 1);
  assert.equal(r.timeToNearfull, 0);
  assert.equal(r.provisionedBytesEnd / r.allocatedBytesEnd, 2);
});

test('deleted-file sizes: both normals of each Box–Muller pair, the same lognormal (quantiles, independence of pair members), one uniform per draw', () => {
  const mu = Math.log(32), sigma = 1.2, n = 100_000;
  const raw = new Streams(11, 0).stream('x');
  let uniforms = 0;
  const rg = { next: () => (uniforms++, raw.next()) };
  const p = new PairedLognormal(mu, sigma);
  const z = Float64Array.from({ length: n }, () => (Math.log(p.sample(rg)) - mu) / sigma);
  assert.equal(uniforms, n, 'two uniforms per pair of draws');
  // Standard normal quantiles: the empirical CDF at each is within 4 standard errors.
  for (const [q, p0] of [[-1.6449, 0.05], [-0.6745, 0.25], [0, 0.5], [0.6745, 0.75], [1.6449, 0.95]]) {
    const frac = z.filter((v) => v <= q).length / n;
    assert.ok(Math.abs(frac - p0) < 4 * Math.sqrt(p0 * (1 - p0) / n), `P(Z ≤ ${q}) = ${frac}, expected ${p0}`);
  }
  // Members of a pair (cos, sin) are uncorrelated, and so are their squares (dependence would show there).
  let c1 = 0, c2 = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    c1 += z[i] * z[i + 1];
    c2 += (z[i] * z[i] - 1) * (z[i + 1] * z[i + 1] - 1);
  }
  const pairs = n / 2;
  assert.ok(Math.abs(c1 / pairs) < 4 / Math.sqrt(pairs), `corr ${c1 / pairs}`);
  assert.ok(Math.abs(c2 / pairs / 2) < 4 / Math.sqrt(pairs), `corr of squares ${c2 / pairs / 2}`);
});

test('guest streams: Streams.fresh gives the numbers of Streams.stream (same seed string, same generator)', () => {
  for (const [seed, r, name] of [[7, 0, 'rbd-guest/0'], [20150202, 3, 'rbd-guest/1999'], ['abc', 12, 'x']] as const) {
    const streams = new Streams(seed, r);
    const ref = streams.stream(name), fast = streams.fresh(name);
    for (let i = 0; i < 20_000; i++) assert.equal(fast.next(), ref.next(), `${seed}/${r}/${name} draw ${i}`);
  }
});
