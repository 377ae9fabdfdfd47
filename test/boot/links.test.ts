import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { cloudOf, harness, close, HUGE } from './fixtures.js';

// docs/validation.md item 4 through the boot model: an image download is one processor-sharing flow
// on the source link (NFS server, glance-api NIC), capped by the compute NIC.

test('N equal downloads started together on a link of capacity B all finish at N·S/B (NFS and glance)', () => {
  const B = 100, S = 50, N = 7;
  const nfs = cloudOf({ nova: { release: 'kilo' }, image_transfer: 'nfs-direct', glance: { store: 'nfs' },
    nfs: { server_bandwidth: B }, images: [{ name: 'i', size: S, virtual_size: S, format: 'raw', boot: { cpu: 0, read: 0 } }] });
  const glance = cloudOf({ glance: { api_nodes: 1, nic: B, backend_read: HUGE },
    images: [{ name: 'i', size: S, virtual_size: S, format: 'raw', boot: { cpu: 0, read: 0 } }] });
  for (const cloud of [nfs, glance]) {
    const h = harness(cloud, N);
    for (let i = 0; i < N; i++) h.boot(i);
    h.sim.run();
    assert.equal(h.booted.length, N);
    for (const b of h.booted) assert.ok(close(b.time, N * S / B), `finished at ${b.time}, expected ${N * S / B}`);
    assert.equal(h.model.downloads, N);
    assert.equal(h.model.bytesDownloaded, N * S);
  }
});

test('compute NIC caps: total throughput on the glance-api link plateaus at its capacity (hand-worked rates)', () => {
  // Link 10 B/s, each download capped at 3 B/s by the compute NIC, S = 30 B.
  // N = 1..3: each flow at its cap 3 (total 3, 6, 9), done at 30/3 = 10 s.
  // N = 4: level 10/4 = 2.5 < 3, total 10, done at 4·30/10 = 12 s. N = 5: 2 each, done at 15 s.
  const expected = [
    { n: 1, rate: 3, total: 3, done: 10 },
    { n: 2, rate: 3, total: 6, done: 10 },
    { n: 3, rate: 3, total: 9, done: 10 },
    { n: 4, rate: 2.5, total: 10, done: 12 },
    { n: 5, rate: 2, total: 10, done: 15 },
  ];
  for (const e of expected) {
    const cloud = cloudOf({ compute_node: { nic: 3, disk_write: HUGE, convert_throughput: HUGE },
      glance: { api_nodes: 1, nic: 10, backend_read: HUGE },
      images: [{ name: 'i', size: 30, virtual_size: 30, format: 'raw', boot: { cpu: 0, read: 0 } }] });
    const h = harness(cloud, e.n);
    for (let i = 0; i < e.n; i++) h.boot(i);
    h.sim.run(1); // grants fire at t = 0; rates are then fixed until the first completion
    const api = h.model.link('glance-api0')!;
    assert.equal(api.activeFlows, e.n);
    assert.ok(close(api.throughput, e.total), `N=${e.n}: throughput ${api.throughput}`);
    assert.ok(close(Math.min(api.fairShare, 3), e.rate), `N=${e.n}: per-flow rate ${api.fairShare}`);
    h.sim.run();
    for (const b of h.booted) assert.ok(close(b.time, e.done), `N=${e.n}: done at ${b.time}, expected ${e.done}`);
  }
});

test('Poisson downloads on one NFS link match M/G/1-PS: E[T] = E[S]/(1 − ρ), E[T | S] = S/(1 − ρ)', () => {
  // Sizes 0.2, 1, 1.8 s of link time with equal shares (E[S] = 1), λ = 0.5 ⇒ ρ = 0.5, E[T] = 2,
  // E[T | S = 0.2] = 0.4, E[T | S = 1.8] = 3.6. Every arrival boots on a host whose cache was
  // emptied by the cache manager long before (instances deleted on boot, bases unused for 0 s
  // are evicted at the next pass, hosts reused round-robin 3000 arrivals later), so every boot
  // is exactly one download on the NFS link.
  const B = 1e9, H = 3000, jobs = 60000, lambda = 0.5;
  const sizes = [0.2, 1, 1.8];
  const cloud = cloudOf({ nova: { release: 'kilo' }, image_transfer: 'nfs-direct', glance: { store: 'nfs' },
    nfs: { server_bandwidth: B },
    image_cache_manager: { interval: 500, remove_unused_after: 0 },
    images: sizes.map((s, i) => ({ name: `i${i}`, size: s * B, virtual_size: s * B, format: 'raw', boot: { cpu: 0, read: 0 } })) });
  const h = harness(cloud, H);
  const rng = new Streams(7, 0).stream('arrivals');
  const arrival = new Float64Array(jobs), image = new Int32Array(jobs), bootOf = new Int32Array(jobs);
  for (let i = 0, t = 0; i < jobs; i++) {
    t += -Math.log(1 - rng.next()) / lambda;
    arrival[i] = t;
    image[i] = Math.floor(rng.next() * 3);
  }
  const sum = [0, 0, 0], count = [0, 0, 0];
  let total = 0;
  const doneId = h.sim.addHandler('done', (i: number) => {
    const t = h.sim.now - arrival[i];
    total += t; sum[image[i]] += t; count[image[i]]++;
    h.model.deleteInstance(bootOf[i]);
    if (i === jobs - 1) h.sim.stop();
  });
  const arriveId = h.sim.addHandler('arrive', (i: number) => {
    bootOf[i] = h.model.boot(i % H, image[i], 0, 0, doneId, i, false);
    if (i + 1 < jobs) h.sim.at(arrival[i + 1], arriveId, i + 1);
  });
  h.sim.at(arrival[0], arriveId, 0);
  h.sim.run();
  assert.equal(h.model.downloads, jobs, 'every boot downloads (no stale cache hits)');
  const mean = total / jobs;
  assert.ok(Math.abs(mean / 2 - 1) < 0.04, `E[T] = ${mean}, expected 2`);
  assert.ok(Math.abs(sum[0] / count[0] / 0.4 - 1) < 0.04, `E[T|S=0.2] = ${sum[0] / count[0]}, expected 0.4`);
  assert.ok(Math.abs(sum[2] / count[2] / 3.6 - 1) < 0.04, `E[T|S=1.8] = ${sum[2] / count[2]}, expected 3.6`);
});
