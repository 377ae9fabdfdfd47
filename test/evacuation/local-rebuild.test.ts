import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation } from '../../sim/engine/simulation.js';
import { Streams } from '../../sim/random/streams.js';
import { RUNNING } from '../../sim/openstack/nova/compute-state.js';
import { EvacuationModel } from '../../sim/openstack/nova/evacuation.js';
import { uncontendedBootTime } from '../../sim/openstack/images/boot-time.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import type { Cloud } from '../../sim/openstack/cloud.js';
import { evacuationParams, evacuationStudy, fixedFill, metrics, workingState, type EvacuationConfig } from '../../sim/studies/evacuation.js';
import type { StudyInput } from '../../sim/studies/study.js';
import { cloud, config, input, runScript, scripted, startModel } from './fixtures.js';
import { replicateFlat } from '../flat.js';

/**
 * Two 16 GiB hosts (r1-1, r1-2), or two racks of them; instances pinned; local instance disks.
 * A download alone runs at min(compute NIC 1.25 GB/s, disk 500 MB/s, glance-api NIC, store):
 * 1000 MB in 2 s with the default 10 Gbit/s glance-api nodes. Guests boot on 10 CPU-seconds and
 * read nothing, so a rebuild on an idle host is download + 10 s.
 */
function localCloud(extra: Record<string, unknown>): Cloud {
  return cloud({
    racks: [{ name: 'r1', hosts: 2, ram: '16GiB', vcpus: 8 }],
    flavors: [{ name: 's', ram: '2GiB', vcpus: 1, share: 1 }],
    ephemeral_storage: 'local',
    images: [
      { name: 'a', size: '1000MB', virtual_size: '2000MB', format: 'raw', share: 1, boot: { cpu: '10s', read: '0B' } },
      { name: 'b', size: '1000MB', virtual_size: '2000MB', format: 'raw', share: 0, boot: { cpu: '10s', read: '0B' } },
    ],
    compute_node: { nic: '10Gbit/s', disk_write: '500MB/s' },
    ...extra,
  });
}

function run(c: Cloud, cfg: EvacuationConfig, script: { host: string; at: number; repair: number }[], horizon: number,
  prepare?: (m: EvacuationModel) => void) {
  const r = runScript(c, cfg, script, horizon, prepare);
  return { ...r, downtimes: Array.from(r.model.downtimes.subarray(0, r.model.downtimeCount)) };
}

// Fencing: service down 60 s after the crash at t=100; reaction 0 ⇒ host-evacuate at t=160.
const cfg = config({ ...scripted, move_back: false });

test('cold _base: two rebuilds of one image on the same destination share one download (2 s), then boot (10 s)', () => {
  const c = localCloud({ instances: [{ flavor: 's', count: 2, host: 'r1-1' }] });
  const r = run(c, cfg, [{ host: 'r1-1', at: 100, repair: 1e4 }], 2e4);
  const boot = r.model.rebuilds!.boot;
  assert.equal(r.model.rebuilds!.started, 2);
  assert.equal(boot.downloads, 1);
  assert.equal(boot.bootsWithoutDownload, 1, 'the second rebuild waits on the image lock');
  assert.ok(r.log.includes('t=172 i0 running on r1-2'), r.log.join('\n'));
  assert.ok(r.log.includes('t=172 i1 running on r1-2'), r.log.join('\n'));
  assert.deepEqual(r.downtimes.map((d) => Math.round(d * 1e6) / 1e6), [72, 72]);
  // The closed form of one rebuild on an idle cloud agrees with the simulated path.
  assert.equal(60 + uncontendedBootTime(c, 0, { cpuSeconds: 10 }), 72);
});

test('a rebuild stops counting in num_io_ops when the instance is ACTIVE (domain started after the download), not when the guest is up', () => {
  const c = localCloud({ instances: [{ flavor: 's', count: 2, host: 'r1-1' }] });
  const at = (t: number) => Array.from(run(c, cfg, [{ host: 'r1-1', at: 100, repair: 1e4 }], t).state.ioOps);
  assert.deepEqual(at(161), [0, 2], 'both rebuilds count on r1-2 while the image downloads (160–162)');
  assert.deepEqual(at(165), [0, 0], 'ACTIVE at 162: the guests still boot until 172');
});

test('warm _base: an instance of the image already on the destination means no download', () => {
  const c = localCloud({ instances: [{ flavor: 's', count: 2, host: 'r1-1' }, { flavor: 's', count: 1, host: 'r1-2' }] });
  const r = run(c, cfg, [{ host: 'r1-1', at: 100, repair: 1e4 }], 2e4);
  assert.equal(r.model.rebuilds!.boot.downloads, 0);
  assert.equal(r.model.rebuilds!.boot.bootsWithoutDownload, 2);
  assert.deepEqual(r.downtimes.map((d) => Math.round(d * 1e6) / 1e6), [70, 70]);
  assert.equal(60 + uncontendedBootTime(c, 0, { cpuSeconds: 10, cached: true }), 70);
});

test('rebuilds are not gated by max_concurrent_builds: two downloads run at once on a 1-slot host', () => {
  // Two images, two 1 Gbit/s glance-api nodes (round robin): each download alone takes 8 s.
  // Ungated both finish at 168 and boot by 178; a build slot of 1 would push the second to 186.
  const c = localCloud({
    instances: [{ flavor: 's', count: 2, host: 'r1-1' }],
    compute_node: { nic: '10Gbit/s', disk_write: '500MB/s', max_concurrent_builds: 1 },
    glance: { api_nodes: 2, nic: '1Gbit/s' },
  });
  const r = run(c, cfg, [{ host: 'r1-1', at: 100, repair: 1e4 }], 2e4, (m) => m.rebuilds!.assignImage(1, 1));
  assert.deepEqual(Array.from(r.model.rebuilds!.imageOf), [0, 1]);
  assert.equal(r.model.rebuilds!.boot.downloads, 2);
  assert.deepEqual(r.downtimes.map((d) => Math.round(d * 1e6) / 1e6), [78, 78]);
});

test('after repair the source destroys the evacuated disks: their bases become unused and the cache manager removes them', () => {
  const c = localCloud({
    instances: [{ flavor: 's', count: 2, host: 'r1-1' }],
    image_cache_manager: { interval: '600s', remove_unused_after: '3600s' },
  });
  const r = run(c, cfg, [{ host: 'r1-1', at: 100, repair: 1000 }], 1e4);
  const rb = r.model.rebuilds!;
  assert.equal(rb.cached(1, 0), true, 'the destination keeps the base its rebuilt instances use');
  assert.equal(rb.cached(0, 0), false, 'r1-1 is back at t=1100; its unused base goes at the first pass ≥ 4700 s');
  assert.equal(rb.boot.cache.evictions, 1);
});

test('a rebuild whose destination dies is dropped; after repair the instance is rebuilt there from the image', () => {
  // r1-1 fails at 100 (evacuated to r1-2 at 160, download until 162); r1-2 dies at 161.
  const c = localCloud({ instances: [{ flavor: 's', count: 1, host: 'r1-1' }] });
  const r = run(c, cfg, [{ host: 'r1-1', at: 100, repair: 1e5 }, { host: 'r1-2', at: 161, repair: 1000 }], 3e4);
  // r1-2 back at 1161; the instance (on r1-2, no disk there) is rebuilt after the 0 s reaction:
  // cold base? No: the first rebuild's download completed in the model (it cannot be cancelled)
  // at 162, so the base is present: 1161 + 10 s.
  assert.ok(r.log.includes('t=1171 i0 running on r1-2'), r.log.join('\n'));
  assert.equal(r.model.rebuilds!.started, 2);
  assert.equal(r.model.counts[0], 1);
});

test('rack rebuild storm: per-instance downtime is longer than a single rebuild on an idle cloud (shared glance)', () => {
  // Rack r1 (4 hosts × 6 instances) dies; rack r2 (4 empty hosts, cold _base) takes the 24
  // rebuilds. One 1 Gbit/s glance-api node: a download alone takes 8 s.
  const racks = [{ name: 'r1', hosts: 4, ram: '16GiB', vcpus: 8 }, { name: 'r2', hosts: 4, ram: '16GiB', vcpus: 8 }];
  const images = [0, 1, 2].map((k) => ({ name: `img${k}`, size: '1000MB', virtual_size: '2000MB', format: 'raw', share: 1, boot: { cpu: '10s', read: '0B' } }));
  const base = { racks, images, glance: { api_nodes: 1, nic: '1Gbit/s' } };
  const single = localCloud({ ...base, instances: [{ flavor: 's', count: 1, host: 'r1-1' }] });
  const one = run(single, cfg, [{ host: 'r1-1', at: 100, repair: 1e4 }], 2e4);
  const img = one.model.rebuilds!.imageOf[0];
  const alone = 60 + uncontendedBootTime(single, img, { cpuSeconds: 10 });
  assert.equal(alone, 78);
  assert.ok(Math.abs(one.downtimes[0] - alone) < 1e-6, `single rebuild ${one.downtimes[0]} vs closed form ${alone}`);

  const storm = localCloud({ ...base, instances: [1, 2, 3, 4].map((n) => ({ flavor: 's', count: 6, host: `r1-${n}` })) });
  const many = run(storm, cfg, [1, 2, 3, 4].map((n) => ({ host: `r1-${n}`, at: 100, repair: 1e4 })), 2e4);
  assert.equal(many.downtimes.length, 24);
  const mean = many.downtimes.reduce((a, b) => a + b, 0) / 24;
  // ≈ 12 downloads (4 hosts × ≤ 3 images) through one 8-s-per-image NIC: the last ends ~96 s in.
  assert.ok(many.model.rebuilds!.boot.downloads >= 8);
  assert.ok(mean > alone + 20, `storm mean downtime ${mean} s vs single ${alone} s`);
  assert.ok(Math.max(...many.downtimes) >= 60 + 8 * many.model.rebuilds!.boot.downloads + 10 - 1e-6);
});

test('without cloud.images local storage falls back to restart.local, with a study warning', () => {
  const c = cloud({
    racks: [{ name: 'r1', hosts: 2, ram: '16GiB', vcpus: 8 }],
    flavors: [{ name: 's', ram: '2GiB', vcpus: 1, share: 1 }],
    instances: [{ flavor: 's', count: 2, host: 'r1-1' }],
    ephemeral_storage: 'local',
  });
  const r = run(c, cfg, [{ host: 'r1-1', at: 100, repair: 1e4 }], 2e4);
  assert.equal(r.model.rebuilds, undefined);
  assert.deepEqual(r.downtimes, [360, 360], 'fencing 60 s + restart.local 5 m');
  const w = evacuationStudy.warnings!(input(c, cfg));
  assert.ok(w.some((x) => x.includes('restart.local')), w.join('\n'));
  assert.ok(!evacuationStudy.warnings!(input(localCloud({}), cfg)).some((x) => x.includes('restart.local')));
});

test('common random numbers: local and rbd designs of scenarios/evacuation-local.yaml see the same failures; local designs the same images', () => {
  const loaded = loadScenarioFile('scenarios/evacuation-local.yaml');
  const plan = loaded.studies.find((s) => s.name === 'evacuation')!;
  const ds = new Map(plan.variants.filter((v) => !v.sweep).map((v) => [v.design, v.input as StudyInput<EvacuationConfig>]));
  assert.deepEqual([...ds.keys()], ['rbd', 'local', 'local-nfs-40g', 'rbd-ha', 'local-ha']);
  const names = Object.keys(metrics);
  for (let r = 0; r < 4; r++) {
    const rows = [...ds.values()].map((inp) => replicateFlat(evacuationStudy, inp, { replication: r, streams: new Streams(inp.seed, r) }));
    for (const m of ['host_failures', 'rack_failures', 'max_hosts_down']) {
      assert.equal(new Set(rows.map((row) => row[names.indexOf(m)])).size, 1, `${m} differs across designs in replication ${r}`);
    }
  }
  // Images are drawn per instance in instance order from their own stream: identical for every
  // local design with the same instances, whatever else the design changes.
  const images = [...ds.values()].filter((inp) => inp.cloud.ephemeral_storage === 'local' && inp.cloud.images !== undefined).map((inp) => {
    const built = fixedFill(inp);
    const m = new EvacuationModel(new Simulation(), workingState(inp, built, true), evacuationParams(inp.cloud, inp.config), new Streams(inp.seed, 2));
    return Array.from(m.rebuilds!.imageOf);
  });
  assert.ok(images.length >= 2);
  for (const x of images) assert.deepEqual(x, images[0]);
});

test('property: with rebuilds every instance is accounted for, running ones have their disk where they run, and `_base` uses match the disks', () => {
  fc.assert(fc.property(fc.record({
    hosts: fc.integer({ min: 2, max: 5 }),
    fill: fc.double({ min: 0.3, max: 0.95, noNaN: true }),
    images: fc.integer({ min: 1, max: 4 }),
    churn: fc.boolean(),
    moveBack: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1000 }),
  }), (p) => {
    const c = cloud({
      racks: [{ name: 'r1', hosts: p.hosts, ram: '16GiB', vcpus: 8 }, { name: 'r2', hosts: p.hosts, ram: '32GiB', vcpus: 8 }],
      flavors: [{ name: 's', ram: '1GiB', vcpus: 1, share: 3 }, { name: 'm', ram: '4GiB', vcpus: 2, share: 2 }],
      fill: p.fill,
      churn: p.churn ? { rate: '4/d' } : undefined,
      ephemeral_storage: 'local',
      images: Array.from({ length: p.images }, (_, k) => ({ name: `i${k}`, size: '2GiB', virtual_size: '4GiB', format: 'qcow2', share: 1, boot: { cpu: '20s', read: '100MiB' } })),
      glance: { api_nodes: 1, nic: '1Gbit/s' },
      image_cache_manager: { interval: '600s', remove_unused_after: '2h' },
    });
    const cfg = config({
      host_failures: { time_to_failure: { exponential: { mean: '10d' } } },
      repair: { lognormal: { median: '3h', sigma: 1 } },
      rack_failures: { rate: '6/y', duration: '1h' },
      reaction: { exponential: { mean: '1m' } },
      move_back: p.moveBack,
      move_back_after: '30m',
    });
    const { sim, model, built } = startModel(c, cfg, p.seed, 1);
    const s = built.state;
    const rb = model.rebuilds!;
    const check = () => {
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < s.instanceCount; i++) {
        counts[s.state[i]]++;
        if (s.state[i] === RUNNING) assert.equal(rb.diskHost(i), s.hostOf[i], `running instance ${i} without its disk`);
      }
      assert.deepEqual(Array.from(model.counts), counts);
      let uses = 0;
      for (const u of rb.boot.cache.inUse) { assert.ok(u >= 0); uses += u; }
      assert.equal(uses, rb.accountedUses());
    };
    sim.tracer = { event: check, note: () => {} };
    sim.run(40 * 86400);
    check();
  }), { numRuns: 25 });
});
