import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uncontendedBootTime } from '../../sim/openstack/images/boot-time.js';
import { bootStudy, flavorBusyCores, simulateBoots, type BootConfig } from '../../sim/studies/boot.js';
import type { StudyInput } from '../../sim/studies/study.js';
import { Streams } from '../../sim/random/streams.js';
import { cloudOf, harness, close, HUGE } from './fixtures.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { BootModel } from '../../sim/openstack/images/boot-model.js';
import { Memo } from '../../sim/studies/memo.js';

// Busy hosts, pre-caching and the first-vs-later boot of an image (docs/boot-and-storage.md §1, §4).

const tiny = { name: 'i', size: 1, virtual_size: 1, format: 'raw', boot: { cpu: 0, read: 0 } };

function busyHarness(cores: number, busy: number) {
  const cloud = cloudOf({ images: [tiny] });
  const sim = new Simulation();
  const done: [number, number][] = [];
  const id = sim.addHandler('done', (p: number) => { done.push([sim.now, p]); });
  const model = new BootModel(sim, cloud, { hostCores: [cores], busyCores: [busy], nfsFallback: new Streams(1, 0).stream('nfs-fallback') });
  return { sim, model, done, id };
}

test('busy host: 4 cores, 2 guests of 3 CPU-s each get min(1, 4 ÷ (2 + busy)) of a core', () => {
  // The base download (1 B at HUGE) takes ~0; init then runs at 1 core (busy 0 or 2) or 0.5 (busy 6).
  for (const [busy, t] of [[0, 3], [2, 3], [6, 6], [10, 9]] as const) {
    const h = busyHarness(4, busy);
    h.model.boot(0, 0, 3, 0, h.id, 0);
    h.model.boot(0, 0, 3, 0, h.id, 1);
    h.sim.run();
    for (const [at] of h.done) assert.ok(close(at, t, 1e-6), `busy ${busy}: ${at} (expected ${t})`);
  }
});

test('busy host: load that appears mid-boot slows the rest of the init; boot time grows with concurrent boots and with load', () => {
  const h = busyHarness(2, 0);
  h.model.boot(0, 0, 4, 0, h.id, 0);
  const later = h.sim.addHandler('load', () => h.model.addBusyCores(0, 3));
  h.sim.at(2, later);
  h.sim.run();
  // 2 CPU-s done alone by 2 s; then 2 ÷ (1 + 3) = 0.5 core: 2 CPU-s more take 4 s.
  assert.ok(close(h.done[0][0], 6, 1e-6), `${h.done[0][0]}`);
  assert.equal(h.model.busyCoresOf(0), 3);
  // Monotone in both: n boots of 3 CPU-s on 4 cores with b busy cores end at 3·max(1, (n + b)/4).
  for (const n of [1, 4, 8]) for (const b of [0, 4, 12]) {
    const g = busyHarness(4, b);
    for (let i = 0; i < n; i++) g.model.boot(0, 0, 3, 0, g.id, i);
    g.sim.run();
    const expected = 3 * Math.max(1, (n + b) / 4);
    for (const [at] of g.done) assert.ok(close(at, expected, 1e-6), `n ${n} busy ${b}: ${at} vs ${expected}`);
  }
});

test('uncontendedBootTime: the init runs at min(1, cores ÷ (1 + busy cores)) of a core', () => {
  const cloud = cloudOf({ compute_node: { nic: HUGE, disk_write: 100, convert_throughput: HUGE }, images: [{ ...tiny, boot: { cpu: 0, read: 200 } }] });
  // base cached: reads 2 s, then 5 CPU-s at 4 ÷ (1 + 7) = 0.5 core → 10 s.
  assert.equal(uncontendedBootTime(cloud, 0, { cpuSeconds: 5, cached: true, cores: 4, busyCores: 7 }), 12);
  assert.equal(uncontendedBootTime(cloud, 0, { cpuSeconds: 5, cached: true, cores: 4, busyCores: 2 }), 7);
  // fractional cores: 1.5 cores, 2 busy → 0.5 core.
  assert.equal(uncontendedBootTime(cloud, 0, { cpuSeconds: 5, cached: true, cores: 1.5, busyCores: 2 }), 12);
});

test('pre-caching: a pre-cached base serves the first boot (no download); unused, it goes after remove_unused_after like any base', () => {
  const cloud = cloudOf({ glance: { api_nodes: 1, nic: HUGE, backend_read: 10 }, image_cache_manager: { interval: '60s', remove_unused_after: '600s' } });
  const h = harness(cloud);
  h.model.precache(0, 0);
  const first = h.boot(0);
  const cold = h.boot(1);
  h.sim.run();
  assert.ok(close(h.timeOf(first), 0), 'the first boot on a pre-cached host downloads nothing');
  assert.ok(close(h.timeOf(cold), 10), 'the first boot on a host without the base downloads 100 B at 10 B/s');
  assert.equal(h.model.downloads, 1);
  assert.equal(h.model.bootsWithoutDownload, 1);
  // Pre-cached, never used: removed by the first pass at or after 600 s.
  const g = harness(cloud);
  g.model.precache(2, 0);
  g.sim.run();
  assert.equal(g.model.cache.evictions, 1);
  assert.equal(g.sim.now, 600);
});

function study(cloud: ReturnType<typeof cloudOf>, config: Record<string, unknown>): StudyInput<BootConfig> {
  return { memo: new Memo(), scenarioName: 't', seed: 5, horizon: 86400, design: 'd', cloud, config: bootStudy.schema.parse(config) };
}

const stormCloud = (patch: Record<string, unknown> = {}) => cloudOf({
  nova: { release: 'antelope' },
  racks: [{ name: 'r1', hosts: 4, ram: '256GiB', vcpus: 8 }],
  compute_node: { nic: 1e9, disk_write: 1e9, convert_throughput: 4e8 },
  glance: { api_nodes: 1, nic: 1e9, backend_read: 1e9 },
  images: [{ name: 'a', size: 6e8, virtual_size: 2e9, format: 'qcow2', boot: { cpu: '10s', read: 2e8 } }],
  ...patch,
});

test('boot study: a storm after pre-caching is faster (every boot finds its base) and downloads nothing', () => {
  const cold = simulateBoots(study(stormCloud(), { storm: { size: 20 } }), { replication: 0, streams: new Streams(5, 0) });
  const warm = simulateBoots(study(stormCloud({ image_cache_manager: { precache: 'all' } }), { storm: { size: 20 } }), { replication: 0, streams: new Streams(5, 0) });
  assert.equal(warm.model.downloads, 0);
  assert.equal(cold.model.downloads, 4);
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
  assert.ok(mean(warm.bootTimes) < mean(cold.bootTimes), `${mean(warm.bootTimes)} vs ${mean(cold.bootTimes)}`);
  // Without downloads every boot is reads then init: 20 boots over 4 hosts, 5 per host: their
  // 5 × 2e8 B of reads share the 1e9 B/s disk (1 s), then 10 CPU-s of init each on 8 cores.
  for (const t of warm.bootTimes) assert.ok(close(t, 11, 1e-6), `${t}`);
});

test('boot study: busy_cores and instance CPU utilisation lengthen boots; pre-caching needs Ussuri', () => {
  const run = (patch: Record<string, unknown>) => {
    const r = simulateBoots(study(stormCloud({ image_cache_manager: { precache: 'all' }, ...patch }), { storm: { size: 20 } }), { replication: 0, streams: new Streams(5, 0) });
    return r.bootTimes;
  };
  // 5 booting guests per 8-core host; 9 busy cores → 8 ÷ 14 of a core each: init 10 ÷ (8/14) = 17.5 s.
  for (const t of run({ compute_node: { nic: 1e9, disk_write: 1e9, convert_throughput: 4e8, busy_cores: 9 } })) assert.ok(close(t, 1 + 17.5, 1e-6), `${t}`);
  // A distribution per host: boots are slower on average than on idle hosts.
  const spread = run({ compute_node: { nic: 1e9, disk_write: 1e9, convert_throughput: 4e8, busy_cores: { uniform: { min: 4, max: 12 } } } });
  assert.ok(spread.every((t) => t > 11));
  assert.deepEqual(flavorBusyCores(stormCloud({ compute_node: { cpu_utilisation: { m1: 0.25 } } })), Float64Array.from([0.5]));
  const kilo = bootStudy.check!(study(stormCloud({ nova: { release: 'kilo' }, image_cache_manager: { precache: ['a', 'nope'] } }), { storm: { size: 1 } }));
  assert.deepEqual(kilo.map((p) => p.path.join('.')), ['cloud.image_cache_manager.precache', 'cloud.image_cache_manager.precache']);
  assert.match(kilo[0].message, /Ussuri/);
});

test('boot study: running instances load their host once up — arrivals with cpu_utilisation boot slower than without', () => {
  const cfg = { arrivals: { rate: '1/s' } };
  const base = stormCloud({ image_cache_manager: { precache: 'all' }, racks: [{ name: 'r1', hosts: 1, ram: '4TiB', vcpus: 8 }] });
  const idle = simulateBoots({ ...study(base, cfg), horizon: 120 }, { replication: 0, streams: new Streams(5, 0) });
  const loaded = simulateBoots({ ...study(stormCloud({ image_cache_manager: { precache: 'all' }, racks: [{ name: 'r1', hosts: 1, ram: '4TiB', vcpus: 8 }],
    compute_node: { nic: 1e9, disk_write: 1e9, convert_throughput: 4e8, cpu_utilisation: 0.5 } }), cfg), horizon: 120 }, { replication: 0, streams: new Streams(5, 0) });
  assert.equal(idle.bootTimes.length, loaded.bootTimes.length);
  const last = (a: Float64Array) => a[a.length - 1];
  assert.ok(last(loaded.bootTimes) > last(idle.bootTimes) * 1.3, `${last(loaded.bootTimes)} vs ${last(idle.bootTimes)}`);
  for (let i = 0; i < idle.bootTimes.length; i++) assert.ok(loaded.bootTimes[i] >= idle.bootTimes[i] - 1e-9);
  assert.equal(loaded.model.busyCoresOf(0), loaded.bootTimes.length * 2 * 0.5);
});
