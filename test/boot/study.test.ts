import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bootStudy, CDF_POINTS, type BootConfig } from '../../sim/studies/boot.js';
import { quantileSorted } from '../../sim/stats/quantile.js';
import { packedValues, valuesPerReplication, type Replication, type StudyInput } from '../../sim/studies/study.js';
import { Streams } from '../../sim/random/streams.js';
import { loadScenarioFile, loadScenarioText } from '../../sim/scenario/load.js';
import { ScenarioError } from '../../sim/scenario/problems.js';
import { cloudOf, HUGE } from './fixtures.js';
import { Memo } from '../../sim/studies/memo.js';

const scenario = (name: string) => fileURLToPath(new URL(`../../../scenarios/${name}`, import.meta.url));
const at = (values: Replication, metric: string) => values.metrics[metric];

function input(cloud: ReturnType<typeof cloudOf>, config: Record<string, unknown>, design = 'd'): StudyInput<BootConfig> {
  return { memo: new Memo(), scenarioName: 't', seed: 3, horizon: 86400, design, cloud, config: bootStudy.schema.parse(config) };
}

test('check: NFS direct fetch on antelope is refused at cloud.image_transfer with the Pike message', () => {
  const nfs = { image_transfer: 'nfs-direct', glance: { store: 'nfs' } };
  assert.deepEqual(bootStudy.check!(input(cloudOf({ ...nfs, nova: { release: 'antelope' } }), { storm: { size: 1 } })), [{
    path: ['cloud', 'image_transfer'],
    message: 'NFS direct fetch (image_file_url) was removed in Pike, nova.release is antelope (expected nova.release ocata or earlier, or glance-http)',
  }]);
  assert.deepEqual(bootStudy.check!(input(cloudOf({ ...nfs, nova: { release: 'kilo' } }), { storm: { size: 1 } })), []);
  const wrongStore = bootStudy.check!(input(cloudOf({ nova: { release: 'kilo' }, image_transfer: 'nfs-direct' }), { storm: { size: 1 } }));
  assert.deepEqual(wrongStore.map((p) => p.path), [['cloud', 'glance', 'store']]);
});

test('check: RBD needs a Ceph cluster and force_raw_images; hosts must exist; exactly one workload', () => {
  const noCeph = bootStudy.check!(input(cloudOf({ ephemeral_storage: 'rbd' }), { storm: { size: 1 } }));
  assert.deepEqual(noCeph.map((p) => p.path), [['cloud']]);
  const notRaw = bootStudy.check!(input(cloudOf({ ephemeral_storage: 'rbd', ceph: { osds: 3, osd_size: '1TiB' },
    compute_node: { force_raw_images: false } }), { storm: { size: 1 } }));
  assert.deepEqual(notRaw.map((p) => p.path), [['cloud', 'compute_node', 'force_raw_images']]);
  const tooMany = bootStudy.check!(input(cloudOf({}), { storm: { size: 1 }, hosts: 5 }));
  assert.deepEqual(tooMany.map((p) => p.path), [['studies', 'boot', 'hosts']]);
  assert.equal(bootStudy.schema.safeParse({}).success, false);
  assert.equal(bootStudy.schema.safeParse({ storm: { size: 3 }, arrivals: { rate: '1/s' } }).success, false);
});

test('replicate: one value per metric and CDF point, deterministic, CDF consistent with the quantile metrics', () => {
  const cloud = cloudOf({ glance: { api_nodes: 1, nic: 1e9, backend_read: HUGE },
    images: [
      { name: 'a', size: 3e8, virtual_size: 1e9, format: 'qcow2', share: 2, boot: { cpu: { lognormal: { median: '10s', sigma: 0.5 } }, read: 1e8 } },
      { name: 'b', size: 2e9, virtual_size: 8e9, format: 'qcow2', share: 1, boot: { cpu: '30s', read: 5e8 } },
    ] });
  const inp = input(cloud, { storm: { size: 40 } });
  const a = bootStudy.replicate(inp, { replication: 2, streams: new Streams(3, 2) });
  const b = bootStudy.replicate(inp, { replication: 2, streams: new Streams(3, 2) });
  assert.equal(packedValues(bootStudy, inp, a).length, valuesPerReplication(bootStudy, inp));
  assert.deepEqual(a, b);
  const cdf = a.series!.boot_time_cdf;
  for (let i = 1; i < cdf.length; i++) assert.ok(cdf[i] >= cdf[i - 1]);
  assert.equal(cdf[CDF_POINTS.indexOf(0.5)], at(a, 'boot_time_p50'));
  assert.equal(cdf[CDF_POINTS.indexOf(0.95)], at(a, 'boot_time_p95'));
  assert.ok(at(a, 'storm_completion') >= at(a, 'boot_time_p99'));
  assert.ok(at(a, 'cache_hit_ratio') > 0 && at(a, 'cache_hit_ratio') < 1);
  assert.equal(quantileSorted(Float64Array.from([1, 2, 3, 4]), 0.5), 2.5);
});

test('common random numbers: glance-http and nfs-direct boot the same images on the same hosts', () => {
  const base = { nova: { release: 'kilo' }, glance: { api_nodes: 1, nic: 1e9, store: 'nfs' }, nfs: { server_bandwidth: 4e9 },
    images: [{ name: 'a', size: 3e8, virtual_size: 1e9, format: 'qcow2', share: 1 }, { name: 'b', size: 7e8, virtual_size: 1e9, format: 'raw', share: 1 }] };
  const http = bootStudy.replicate(input(cloudOf(base), { storm: { size: 30 } }), { replication: 0, streams: new Streams(9, 0) });
  const nfs = bootStudy.replicate(input(cloudOf({ ...base, image_transfer: 'nfs-direct' }), { storm: { size: 30 } }), { replication: 0, streams: new Streams(9, 0) });
  assert.equal(at(nfs, 'bytes_downloaded'), at(http, 'bytes_downloaded'));
  assert.equal(at(nfs, 'cache_hit_ratio'), at(http, 'cache_hit_ratio'));
  assert.ok(at(nfs, 'boot_time_p95') < at(http, 'boot_time_p95'), 'NFS (4 GB/s) beats one glance-api node (1 GB/s)');
});

test('Poisson arrivals with lifetimes: the cache manager removes bases of deleted instances, later boots download again', () => {
  const cloud = cloudOf({ image_cache_manager: { interval: '60s', remove_unused_after: '600s' },
    images: [{ name: 'a', size: 1e8, virtual_size: 1e9, format: 'raw', boot: { cpu: '5s', read: 0 } }] });
  const short = bootStudy.replicate(input(cloud, { arrivals: { rate: '1/h', lifetime: '5m' } }), { replication: 0, streams: new Streams(1, 0) });
  const long = bootStudy.replicate(input(cloud, { arrivals: { rate: '1/h', lifetime: '3d' } }), { replication: 0, streams: new Streams(1, 0) });
  // About one boot an hour, spread over 4 hosts. With 5-minute lifetimes a base goes unused
  // 600 s after its instance and is removed at the next 60 s pass, so a boot only finds it when
  // it comes within ~16 min of the previous one on that host; with 3-day lifetimes every base
  // stays in use, each host downloads the image once at most.
  assert.ok(at(short, 'cache_hit_ratio') < 0.5, `short-lived: hit ratio ${at(short, 'cache_hit_ratio')}`);
  assert.equal(at(long, 'bytes_downloaded'), 4e8, 'one download per host');
  assert.ok(at(short, 'bytes_downloaded') > 2 * at(long, 'bytes_downloaded'));
});

test('scenarios: boot.yaml has rbd-clone fastest and nfs-direct ahead of glance-http at p95, pre-caching faster than glance-http, glance under uWSGI (4 downloads per node, the rest queued) faster too, busy hosts slower; boot-fast-glance.yaml evens NFS and HTTP', () => {
  const p95 = (file: string, designs: string[]) => {
    const loaded = loadScenarioFile(scenario(file));
    const plan = loaded.studies.find((s) => s.name === 'boot')!;
    assert.deepEqual(plan.designs, designs);
    assert.deepEqual(plan.sweeps.map((s) => s.parameter), ['studies.boot.storm.size']);
    const out: Record<string, number> = {};
    for (const v of plan.variants.filter((x) => !x.sweep)) {
      let s = 0;
      const reps = 6;
      for (let r = 0; r < reps; r++) s += at(bootStudy.replicate(v.input as StudyInput<BootConfig>, { replication: r, streams: new Streams(loaded.seed, r) }), 'boot_time_p95');
      out[v.design] = s / reps;
    }
    return out;
  };
  const slow = p95('boot.yaml', ['glance-http', 'nfs-direct', 'rbd-clone', 'glance-http-precached', 'glance-http-uwsgi', 'glance-http-busy-hosts', 'rbd-clone-busy-hosts']);
  // Whole downloads served 4 at a time end earlier on average than all sharing each node.
  assert.ok(slow['glance-http-uwsgi'] < slow['glance-http'] * 0.9 && slow['glance-http-uwsgi'] > slow['nfs-direct'], JSON.stringify(slow));
  assert.ok(slow['rbd-clone'] < slow['nfs-direct'] && slow['nfs-direct'] < slow['glance-http'] * 0.8, JSON.stringify(slow));
  assert.ok(slow['glance-http-precached'] < slow['rbd-clone'], JSON.stringify(slow));
  assert.ok(slow['glance-http-busy-hosts'] > slow['glance-http'] && slow['rbd-clone-busy-hosts'] > slow['rbd-clone'], JSON.stringify(slow));
  const fast = p95('boot-fast-glance.yaml', ['glance-http', 'nfs-direct', 'rbd-clone']);
  assert.ok(Math.abs(fast['nfs-direct'] / fast['glance-http'] - 1) < 0.02, JSON.stringify(fast));
  assert.ok(fast['rbd-clone'] < fast['nfs-direct']);
});

test('scenarios: nfs-direct without the kilo patch fails validation at the design\'s image_transfer line', () => {
  const text = readFileSync(scenario('boot.yaml'), 'utf8').replace('nova: {release: kilo}', 'nova: {release: antelope}');
  assert.throws(() => loadScenarioText(text, 'boot.yaml'), (e: unknown) => {
    assert.ok(e instanceof ScenarioError);
    assert.equal(e.problems.length, 1);
    assert.deepEqual(e.problems[0].path, ['designs', 'nfs-direct', 'cloud', 'image_transfer']);
    assert.match(e.problems[0].message, /removed in Pike, nova\.release is antelope \(expected nova\.release ocata or earlier, or glance-http\)/);
    return true;
  });
});

test('placement through the scheduler: spread over hosts, NoValidHost beyond capacity, `hosts` confines the storm', () => {
  // 4 hosts of 8 vcpus, antelope cpu_allocation_ratio 4.0 ⇒ 32 VCPU each; flavor 2 vcpus ⇒ 16 per host.
  const cloud = cloudOf({ images: [{ name: 'a', size: 1e6, virtual_size: 1e9, format: 'raw', boot: { cpu: '1s', read: 0 } }] });
  const run = (config: Record<string, unknown>) => bootStudy.replicate(input(cloud, config), { replication: 0, streams: new Streams(1, 0) });
  const spread = run({ storm: { size: 8 } });
  assert.equal(at(spread, 'bytes_downloaded'), 4e6, 'RAMWeigher spreads 8 boots over all 4 hosts');
  assert.equal(at(spread, 'no_valid_host'), 0);
  const over = run({ storm: { size: 70 } });
  assert.equal(at(over, 'no_valid_host'), 6);
  const two = run({ storm: { size: 40 }, hosts: 2 });
  assert.equal(at(two, 'no_valid_host'), 8);
  assert.equal(at(two, 'bytes_downloaded'), 2e6, 'only the first two hosts are used');
});

test('warnings: rbd import by a pre-Luminous CLI writes whole objects, data_size is a lower bound', () => {
  const qcow = { name: 'q', size: 100, virtual_size: 400, format: 'qcow2', boot: { cpu: '1s', read: 0 } };
  const rbd = (release: string, image: Record<string, unknown> = qcow, glance: Record<string, unknown> = {}) => bootStudy.warnings!(input(cloudOf({
    ephemeral_storage: 'rbd', glance: { api_nodes: 1, ...glance }, images: [image],
    ceph: { osds: 3, osd_size: '1TiB', release, ...(release === 'hammer' ? { objectstore: 'filestore' } : {}) },
  }), { storm: { size: 1 } }));
  const w = rbd('hammer');
  assert.equal(w.length, 1);
  assert.match(w[0], /^ceph\.release hammer: rbd import before Luminous skipped only all-zero objects.* of q;.*§5/);
  assert.deepEqual(rbd('luminous'), []);
  assert.deepEqual(rbd('hammer', { ...qcow, data_size: 300 }), [], 'data_size stated');
  const raw = { ...qcow, format: 'raw', size: 400 };
  assert.deepEqual(rbd('hammer', raw, { store: 'rbd', show_image_direct_url: true }), [], 'cloned, not imported');
});

test('warnings: glance image cache with images on RBD', () => {
  const w = bootStudy.warnings!(input(cloudOf({ glance: { store: 'rbd', image_cache: true }, ceph: { osds: 3, osd_size: '1TiB' } }), { storm: { size: 1 } }));
  assert.equal(w.length, 1);
  assert.match(w[0], /§9\.3/);
  assert.deepEqual(bootStudy.warnings!(input(cloudOf({}), { storm: { size: 1 } })), []);
});
