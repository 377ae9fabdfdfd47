import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation } from '../../sim/engine/simulation.js';
import { Streams } from '../../sim/random/streams.js';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { ComputeState, RUNNING } from '../../sim/openstack/nova/compute-state.js';
import { EvacuationModel } from '../../sim/openstack/nova/evacuation.js';
import { FailureProcess } from '../../sim/openstack/nova/failures.js';
import { HostIndex } from '../../sim/openstack/nova/host-index.js';
import { evacuationParams, failureConfig } from '../../sim/studies/evacuation.js';
import { cloud, config } from './fixtures.js';

/** Checks the model's invariants; `capacity` also asserts that no host is above its placement capacity. */
function checkInvariants(s: ComputeState, model: EvacuationModel, capacity: boolean): void {
  const N = s.instanceCount;
  // No instance lost or duplicated: every instance is on exactly one host list, its own.
  const seen = new Uint8Array(N);
  for (let h = 0; h < s.hostCount; h++) {
    let count = 0, mb = 0;
    for (let i = s.head[h]; i >= 0; i = s.next[i]) {
      assert.equal(seen[i], 0, `instance ${i} listed twice`);
      seen[i] = 1;
      assert.equal(s.hostOf[i], h);
      count++;
      mb += s.ramMb[i];
    }
    assert.equal(count, s.residentCount[h]);
    assert.ok(Math.abs(mb - s.residentMb[h]) < 1e-6, `host ${h} resident MB`);
    if (capacity && s.alive[h]) assert.ok(s.residentMb[h] + s.heldMb[h] <= s.ramCap[h] + 1e-6, `host ${h} above capacity`);
  }
  for (let i = 0; i < N; i++) assert.equal(seen[i], 1, `instance ${i} lost`);
  // running + down + evacuating + stranded = all instances, and the counters match the states.
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < N; i++) counts[s.state[i]]++;
  assert.deepEqual(Array.from(model.counts), counts);
  assert.equal(counts.reduce((a, b) => a + b, 0), N);
  // Running instances live on hosts that are up.
  for (let i = 0; i < N; i++) if (s.state[i] === RUNNING) assert.equal(s.alive[s.hostOf[i]], 1, `running instance ${i} on a dead host`);
  // num_io_ops (IoOpsWeigher): a live host counts exactly the rebuilds in flight on it; a dead
  // host's frozen record keeps at least those (it is recounted when its compute restarts).
  const inFlight = new Int32Array(s.hostCount);
  for (let i = 0; i < N; i++) {
    const h = s.ioHost[i];
    if (h < 0) continue;
    assert.equal(s.hostOf[i], h, `instance ${i} counted on host ${h} but lives on ${s.hostOf[i]}`);
    inFlight[h]++;
  }
  for (let h = 0; h < s.hostCount; h++) {
    if (s.alive[h]) assert.equal(s.ioOps[h], inFlight[h], `host ${h} num_io_ops`);
    else assert.ok(s.ioOps[h] >= inFlight[h], `host ${h} num_io_ops below its rebuilds`);
  }
  // The scheduler's table is current once its deferred changes are applied (as a placement does
  // before reading it).
  s.index!.list[0].flush();
  const fresh = new HostIndex(s);
  assert.deepEqual(Array.from(s.index!.list[0].ramSlack), Array.from(fresh.ramSlack));
  assert.deepEqual(Array.from(s.index!.list[0].ioOps), Array.from(fresh.ioOps));
}

const arbitraryCloud = fc.record({
  racks: fc.integer({ min: 1, max: 3 }),
  hostsPerRack: fc.integer({ min: 2, max: 5 }),
  release: fc.constantFrom('kilo', 'antelope'),
  ramMult: fc.constantFrom(1, -1),
  subset: fc.integer({ min: 1, max: 3 }),
  fill: fc.double({ min: 0.3, max: 0.98, noNaN: true }),
  design: fc.constantFrom('none', 'hook-wait', 'hook-race', 'spares'),
  groups: fc.constantFrom(0, 0.3),
  churn: fc.boolean(),
  storage: fc.constantFrom('rbd', 'local'),
  seed: fc.integer({ min: 0, max: 1000 }),
});

test('property: no instance lost or duplicated, no host above capacity, state counts add up at every event', () => {
  fc.assert(fc.property(arbitraryCloud, (p) => {
    const hooked = p.design !== 'none';
    const c = cloud({
      nova: { release: p.release, ram_weight_multiplier: p.ramMult, host_subset_size: p.subset, reserved_host_memory_mb: hooked ? 4096 : 512 },
      racks: Array.from({ length: p.racks }, (_, r) => ({ name: `r${r}`, hosts: p.hostsPerRack, ram: r % 2 ? '32GiB' : '16GiB', vcpus: 8 })),
      flavors: [{ name: 's', ram: '1GiB', vcpus: 1, share: 3 }, { name: 'm', ram: '4GiB', vcpus: 2, share: 2 }, { name: 'l', ram: '8GiB', vcpus: 4, share: 1 }],
      fill: p.fill,
      spare_hosts: p.design === 'spares' ? 1 : 0,
      on_failure: hooked ? { release_reservation_to: p.design === 'spares' ? undefined : '512MiB', after: '5m', evacuation: p.design === 'hook-race' ? 'race' : 'wait' } : undefined,
      server_groups: { anti_affinity_share: p.groups, size: 2 },
      churn: p.churn ? { rate: '2/d' } : undefined,
      ephemeral_storage: p.storage,
    });
    const cfg = config({
      host_failures: { time_to_failure: { exponential: { mean: '20d' } } },
      repair: { lognormal: { median: '6h', sigma: 1 } },
      rack_failures: { rate: '3/y', duration: '3h' },
      repair_crews: 2,
    });
    const built = buildCloud(c, p.seed);
    const s = built.state;
    const sim = new Simulation();
    const streams = new Streams(p.seed, 1);
    const model = new EvacuationModel(sim, s, evacuationParams(c, cfg), streams);
    const failures = new FailureProcess(sim, s.hostCount, s.rackStart, failureConfig(cfg), streams, model);
    failures.start();
    // The hook restores the reservation under hosts still holding evacuated guests (placement
    // accepts existing over-capacity allocations), so the capacity bound is asserted without it.
    const capacity = !hooked;
    sim.tracer = { event: () => checkInvariants(s, model, capacity), note: () => {} };
    sim.run(60 * 86400);
    checkInvariants(s, model, capacity);
    model.finish();
    assert.ok(model.strandedSeconds >= 0 && model.evacuated >= 0);
  }), {
    numRuns: 60,
    // Found by this property: churn placing a new server on a crashed host the scheduler still
    // thought up (before detection) left a "running" instance on a dead host.
    examples: [[{ racks: 2, hostsPerRack: 2, release: 'kilo', ramMult: -1, subset: 1, fill: 0.8098591549295775, design: 'none', groups: 0, churn: true, storage: 'rbd', seed: 961 }]],
  });
});
