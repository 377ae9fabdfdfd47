import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bootStudy, simulateBoots, type BootConfig } from '../../sim/studies/boot.js';
import type { StudyInput } from '../../sim/studies/study.js';
import { Streams } from '../../sim/random/streams.js';
import { cloudOf, harness, HUGE } from './fixtures.js';
import { Memo } from '../../sim/studies/memo.js';

/**
 * The IoOpsWeigher in the boot study (docs/openstack-facts.md §7): a boot counts in its host's
 * num_io_ops from its placement (consume_from_request) until its instance is ACTIVE — libvirt's
 * spawn returns once the domain runs, and nova sets ACTIVE then, before the guest OS is up.
 */

function input(cloud: ReturnType<typeof cloudOf>, config: Record<string, unknown>): StudyInput<BootConfig> {
  return { memo: new Memo(), scenarioName: 't', seed: 3, horizon: 86400, design: 'd', cloud, config: bootStudy.schema.parse(config) };
}

const run = (cloud: ReturnType<typeof cloudOf>, config: Record<string, unknown>, replication = 0) =>
  simulateBoots(input(cloud, config), { replication, streams: new Streams(3, replication) });

test('the instance is ACTIVE when its domain starts (build slot released), not when the guest OS is up', () => {
  // One build slot; the download takes 100 B / 10 B/s = 10 s, each guest 30 CPU-seconds.
  // a: slot at 0, base at 10 → ACTIVE at 10; b waits for the slot, finds the base → ACTIVE at 10.
  const h = harness(cloudOf({
    glance: { api_nodes: 1, nic: 10, backend_read: HUGE },
    compute_node: { nic: HUGE, disk_write: HUGE, convert_throughput: HUGE, max_concurrent_builds: 1 },
  }));
  const a = h.boot(0, 0, 30), b = h.boot(0, 0, 30);
  h.sim.run();
  assert.deepEqual(h.active, [{ payload: a, time: 10 }, { payload: b, time: 10 }]);
  assert.deepEqual([h.timeOf(a), h.timeOf(b)], [40, 40]);
});

test('an RBD clone is ACTIVE after its clone latency; an ungated rebuild is ACTIVE too', () => {
  const h = harness(cloudOf({
    ephemeral_storage: 'rbd', glance: { api_nodes: 1, nic: HUGE, store: 'rbd', show_image_direct_url: true }, ceph: { osds: 3, osd_size: '1TiB' },
  }));
  const a = h.boot(0, 0, 30, 2), r = h.boot(1, 0, 5, 3, false);
  h.sim.run();
  assert.deepEqual(h.active, [{ payload: a, time: 2 }, { payload: r, time: 3 }]);
  assert.deepEqual([h.timeOf(a), h.timeOf(r)], [32, 8]);
});

/**
 * Host A has 64 GiB, B and C 16 GiB (free = total − 512 MiB reserved): A 65024, B = C = 15872
 * MiB. Flavor 4 GiB. The CPU weigher is off so RAM alone is weighed (free / max free).
 */
const unequal = (io?: number) => cloudOf({
  racks: [{ name: 'big', hosts: 1, ram: '64GiB', vcpus: 8 }, { name: 'small', hosts: 2, ram: '16GiB', vcpus: 8 }],
  nova: { cpu_weight_multiplier: 0, io_ops_weight_multiplier: io },
  images: [{ name: 'img', size: 1e6, virtual_size: 1e9, format: 'raw', boot: { cpu: '1s', read: 0 } }],
});

test('hand-worked storm: with io_ops_weight_multiplier 0 every boot follows the RAM weigher to the big host', () => {
  // A stays the freest until 13 boots: 65024 − 4096·12 = 15872 = B's free (tie: host order, A).
  const r = run(unequal(0), { storm: { size: 7 } });
  assert.deepEqual(Array.from(r.hostOf), [0, 0, 0, 0, 0, 0, 0]);
});

test('hand-worked storm: the IoOpsWeigher (−1.0, the default) sends consecutive boots to other hosts until RAM outweighs it', () => {
  // IoOpsWeigher minval = 0 (nova weights/io_ops.py), so its term is −io/max_io (0 when all are 0):
  //  1: all idle, RAM alone → A.   2: A 60928/60928 − 1/1 = 0, B 15872/60928 = 0.26 → B.
  //  3: A 0, B 11776/60928 − 1 < 0, C 0.26 → C.   4: counts 1,1,1: −1 each, RAM decides → A.
  //  5: A 56832/56832 − 2/2 = 0, B = C = 11776/56832 − 1/2 = −0.29 → A.
  //  6: A 0, B 11776/52736 − 1/3 = −0.11 → A.   7: A 0, B 11776/48640 − 1/4 = −0.008 → A.
  //  8: A 0, B 11776/44544 − 1/5 = +0.064 → B.
  const r = run(unequal(undefined), { storm: { size: 8 } });
  assert.deepEqual(Array.from(r.hostOf), [0, 1, 2, 0, 0, 0, 0, 1]);
  assert.equal(r.model.downloads, 3, 'one download of the image per host used');
  assert.equal(run(unequal(0), { storm: { size: 8 } }).model.downloads, 1, 'without the weigher only A downloads it');
});

test('the count returns to 0 once every boot has finished (storms, NoValidHost, arrivals with deletions)', () => {
  const cloud = unequal(undefined);
  // Capacity (antelope, RAM ratio 1.0): A 65024/4096 → 15 boots, B and C 15872/4096 → 3 each.
  for (const config of [{ storm: { size: 8 } }, { storm: { size: 30 } }, { arrivals: { rate: '1/min', lifetime: '20min' } }]) {
    const r = run(cloud, config);
    assert.deepEqual(Array.from(r.placement.state.ioOps), [0, 0, 0], JSON.stringify(config));
    assert.ok(r.placement.state.ioHost.every((h) => h === -1), JSON.stringify(config));
  }
  assert.equal(run(cloud, { storm: { size: 30 } }).noValidHost, 9);
});

test('property: whatever the cloud, the image path and the workload, num_io_ops is 0 on every host at the end', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 16, max: 256 }), { minLength: 1, maxLength: 5 }),
    fc.boolean(), fc.boolean(), fc.constantFrom(-1, 0, 2),
    fc.integer({ min: 1, max: 120 }),
    fc.integer({ min: 0, max: 1000 }),
    (ramGiB, rbd, storm, io, size, replication) => {
      const image = (name: string, read: number) => ({ name, size: 1e8, virtual_size: 4e8, format: 'raw', share: 1, boot: { cpu: { exponential: { mean: '20s' } }, read } });
      const cloud = cloudOf({
        racks: ramGiB.map((g, k) => ({ name: `r${k}`, hosts: 1 + (k % 3), ram: `${g}GiB`, vcpus: 16 })),
        flavors: [{ name: 'm', ram: '4GiB', vcpus: 2, share: 0.6 }, { name: 'l', ram: '8GiB', vcpus: 4, share: 0.4 }],
        nova: { io_ops_weight_multiplier: io },
        glance: rbd ? { api_nodes: 1, nic: 1e9, store: 'rbd', show_image_direct_url: true } : { api_nodes: 1, nic: 1e9, backend_read: 1e9 },
        ...(rbd ? { ephemeral_storage: 'rbd', ceph: { osds: 3, osd_size: '1TiB', network: '10Gbit/s' } } : {}),
        compute_node: { nic: 1e9, disk_write: 1e9, convert_throughput: 1e9, max_concurrent_builds: 2 },
        images: [image('a', 1e7), image('b', 0)],
      });
      const r = run(cloud, storm ? { storm: { size } } : { arrivals: { rate: `${size}/h`, lifetime: '1h' } }, replication);
      assert.ok(r.placement.state.ioOps.every((x) => x === 0), `${r.placement.state.ioOps}`);
      assert.ok(r.placement.state.ioHost.every((h) => h === -1));
    },
  ), { numRuns: 40 });
});
