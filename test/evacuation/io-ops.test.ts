import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultIoOpsWeightMultiplier, novaSchema } from '../../sim/openstack/nova/compute-schema.js';
import { ComputeState } from '../../sim/openstack/nova/compute-state.js';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { BootPlacement } from '../../sim/openstack/nova/boot-placement.js';
import { Scheduler } from '../../sim/openstack/nova/scheduler.js';
import { cloud, config, runScript, scripted, smallRack } from './fixtures.js';

/**
 * 16 GiB hosts (free RAM = 16384 − 512 − used): r1-1 s+s (dies), r1-2 empty (15872),
 * r1-3 m (11776), r1-4 l (7680). The CPU weigher is off so RAM alone is weighed.
 */
function twoSmallGuests(ioMult: number | undefined) {
  return cloud(smallRack(4, {
    nova: { cpu_weight_multiplier: 0, io_ops_weight_multiplier: ioMult },
    instances: [{ flavor: 's', count: 2, host: 'r1-1' }, { flavor: 'm', host: 'r1-3' }, { flavor: 'l', host: 'r1-4' }],
  }));
}

test('schema: io_ops_weight_multiplier defaults to −1.0 on kilo and antelope (IoOpsWeigher since Juno); an explicit value wins', () => {
  assert.equal(defaultIoOpsWeightMultiplier('kilo'), -1.0);
  assert.equal(defaultIoOpsWeightMultiplier('antelope'), -1.0);
  const state = (nova: Record<string, unknown>) => new ComputeState(cloud(smallRack(1, { nova, instances: [] })), 0, 0);
  assert.equal(state({ release: 'kilo' }).ioOpsWeightMultiplier, -1.0);
  assert.equal(state({}).ioOpsWeightMultiplier, -1.0);
  assert.equal(state({ release: 'kilo', io_ops_weight_multiplier: 0 }).ioOpsWeightMultiplier, 0);
  assert.equal(state({ io_ops_weight_multiplier: 2.5 }).ioOpsWeightMultiplier, 2.5);
  assert.equal(novaSchema.parse({}).io_ops_weight_multiplier, undefined);
});

test('hand-worked log: without the IoOpsWeigher both evacuated guests go to the emptiest host', () => {
  // i1 → r1-2 (15872, the most free RAM), which then has 13824 > r1-3's 11776: i0 → r1-2 too.
  const { log } = runScript(twoSmallGuests(0), config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 1000);
  assert.deepEqual(log.slice(0, 7), [
    't=100 host r1-1 down',
    't=160 service r1-1 down',
    't=160 host-evacuate r1-1',
    't=160 evacuate i1 r1-1 -> r1-2',
    't=160 evacuate i0 r1-1 -> r1-2',
    't=190 i1 running on r1-2',
    't=190 i0 running on r1-2',
  ]);
});

test('hand-worked log: with io_ops_weight_multiplier −1 the second guest avoids the host already rebuilding one', () => {
  // Second request: r1-2 has RAM weight 13824/13824 = 1 and num_io_ops 1 (the max) → 1 − 1 = 0;
  // r1-3 has 11776/13824 = 0.852 and no I/O → 0.852 wins; r1-4 has 7680/13824 = 0.556.
  const { log } = runScript(twoSmallGuests(undefined), config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 1000);
  assert.deepEqual(log.slice(3, 7), [
    't=160 evacuate i1 r1-1 -> r1-2',
    't=160 evacuate i0 r1-1 -> r1-3',
    't=190 i1 running on r1-2',
    't=190 i0 running on r1-3',
  ]);
});

test('num_io_ops counts each rebuild from its placement until it runs', () => {
  const during = runScript(twoSmallGuests(undefined), config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 170);
  assert.deepEqual(Array.from(during.state.ioOps), [0, 1, 1, 0]);
  assert.deepEqual(Array.from(during.state.ioHost.subarray(0, 2)), [2, 1]);
  const after = runScript(twoSmallGuests(undefined), config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 200);
  assert.deepEqual(Array.from(after.state.ioOps), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(after.state.ioHost.subarray(0, 2)), [-1, -1]);
});

test('a finished rebuild no longer counts: a later evacuation goes back to the emptiest host', () => {
  // r1-1 (one s) dies at 100: i0 → r1-2, running at 190. r1-4 (one l) dies at 1000: r1-2 13824
  // (weight 1) vs r1-3 11776 (0.852) with no I/O left → r1-2. Had i0's count stayed on r1-2 it
  // would weigh 1 − 1 = 0 and r1-3 would win.
  const c = cloud(smallRack(4, {
    nova: { cpu_weight_multiplier: 0 },
    instances: [{ flavor: 's', host: 'r1-1' }, { flavor: 'm', host: 'r1-3' }, { flavor: 'l', host: 'r1-4' }],
  }));
  const { log } = runScript(c, config({ ...scripted, move_back: false }),
    [{ host: 'r1-1', at: 100, repair: 36000 }, { host: 'r1-4', at: 1000, repair: 36000 }], 2000);
  assert.ok(log.includes('t=160 evacuate i0 r1-1 -> r1-2'), log.join('\n'));
  assert.ok(log.includes('t=1060 evacuate i2 r1-4 -> r1-2'), log.join('\n'));
});

test('a rebuild on a host that dies keeps counting there until its compute restarts (frozen record)', () => {
  // i1 rebuilds on r1-2, which dies at 170 (before the 30 s rebuild ends at 190): r1-2's count
  // stays 1 while it is down and drops to 0 when it comes back at 1170.
  const c = twoSmallGuests(undefined);
  const script = [{ host: 'r1-1', at: 100, repair: 36000 }, { host: 'r1-2', at: 170, repair: 1000 }];
  const down = runScript(c, config({ ...scripted, move_back: false }), script, 1000);
  assert.equal(down.state.ioOps[1], 1);
  assert.equal(down.state.ioHost[1] !== 1, true);
  const up = runScript(c, config({ ...scripted, move_back: false }), script, 1171);
  assert.equal(up.state.ioOps[1], 0);
});

test('selectScan and select agree when I/O counts decide (IoOps alone, RAM weigher off)', () => {
  const c = cloud(smallRack(4, { nova: { ram_weight_multiplier: 0, cpu_weight_multiplier: 0 }, instances: [] }));
  const s = buildCloud(c, 1).state;
  const sch = new Scheduler(s, undefined);
  // Counts 2, 0, 1, 3: the fewest ongoing operations wins (r1-2), then r1-3 once r1-2 has 2.
  s.ioOps.set([2, 0, 1, 3]);
  for (let h = 0; h < 4; h++) s.index!.update(h);
  assert.equal(s.hostNames[sch.select(1024, 1, -1, -1, -1)], 'r1-2');
  assert.equal(s.hostNames[sch.selectScan(1024, 1, -1, -1, -1)], 'r1-2');
  s.ioOps[1] = 2; s.index!.update(1);
  assert.equal(s.hostNames[sch.select(1024, 1, -1, -1, -1)], 'r1-3');
  assert.equal(s.hostNames[sch.selectScan(1024, 1, -1, -1, -1)], 'r1-3');
});

test('boot placement counting builds: a storm spreads over hosts until the boots finish', () => {
  const c = cloud(smallRack(3, { nova: { cpu_weight_multiplier: 0, ram_weight_multiplier: -1 }, instances: [] }));
  // Stacking (RAM −1) would put every boot on r1-1; with builds counted each host gets one first.
  const counted = new BootPlacement(c, 4, { next: () => 0 }, undefined, true);
  assert.deepEqual([0, 1, 2].map((i) => counted.state.hostNames[counted.place(i, 0)]), ['r1-1', 'r1-2', 'r1-3']);
  for (let i = 0; i < 3; i++) counted.booted(i);
  assert.deepEqual(Array.from(counted.state.ioOps), [0, 0, 0]);
  // Idle again: stacking picks the fullest host.
  assert.equal(counted.state.hostNames[counted.place(3, 0)], 'r1-1');
  const uncounted = new BootPlacement(c, 3, { next: () => 0 });
  assert.deepEqual([0, 1, 2].map((i) => uncounted.state.hostNames[uncounted.place(i, 0)]), ['r1-1', 'r1-1', 'r1-1']);
});
