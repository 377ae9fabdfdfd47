import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloud, config, runScript, scripted, smallRack } from './fixtures.js';

const layout = [
  { flavor: 'l', host: 'r1-1' }, { flavor: 'm', host: 'r1-1' },
  { flavor: 'm', host: 'r1-2' }, { flavor: 'l', host: 'r1-3' }, { flavor: 'm', count: 2, host: 'r1-4' },
];

test('hand-worked log (antelope, spread): crash, fencing 60 s, host-evacuate, NoValidHost → ERROR, repair, restart, move back', () => {
  const c = cloud(smallRack(4, { nova: { cpu_weight_multiplier: 0 }, instances: layout }));
  const { log, model } = runScript(c, config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 10000);
  assert.deepEqual(log, [
    't=100 host r1-1 down',
    't=160 service r1-1 down',
    't=160 host-evacuate r1-1',
    't=160 evacuate i1 r1-1 -> r1-2',
    't=160 evacuate i0 from r1-1: NoValidHost, stranded (ERROR)',
    't=190 i1 running on r1-2',
    't=3700 host r1-1 up',
    't=3730 i0 running on r1-1',
    't=4300 moved 1 instances back to r1-1',
  ]);
  assert.equal(model.evacuated, 1);
  assert.equal(model.strandings, 1);
  // i0 stranded from 160 s to 3730 s.
  assert.equal(model.strandedSeconds, 3570);
  // Downtimes: i1 90 s, i0 3630 s; the incident lasted 3630 s.
  assert.deepEqual(Array.from(model.downtimes.subarray(0, model.downtimeCount)), [90, 3630]);
  assert.equal(model.recoveryMax, 3630);
  assert.equal(model.s.hostNames[model.s.hostOf[1]], 'r1-1');
});

test('kilo: the stranded instance keeps its vm_state (no ERROR)', () => {
  const c = cloud(smallRack(4, { nova: { release: 'kilo', ram_allocation_ratio: 1.0 }, instances: layout }));
  const { log } = runScript(c, config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 10000);
  assert.ok(log.includes('t=160 evacuate i0 from r1-1: NoValidHost, stranded (vm_state unchanged)'), log.join('\n'));
});

test('hand-worked: stack places both guests, nothing stranded', () => {
  const c = cloud(smallRack(4, { nova: { ram_weight_multiplier: -1, cpu_weight_multiplier: 0 }, instances: layout }));
  const { log, model } = runScript(c, config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 10000);
  assert.deepEqual(log.slice(3, 6), ['t=160 evacuate i1 r1-1 -> r1-3', 't=160 evacuate i0 r1-1 -> r1-2', 't=190 i1 running on r1-3']);
  assert.equal(model.strandings, 0);
});

test('source allocations stay doubled until the source\'s nova-compute returns', () => {
  const c = cloud(smallRack(4, { nova: { ram_weight_multiplier: -1, cpu_weight_multiplier: 0 }, instances: layout }));
  const during = runScript(c, config({ ...scripted, move_back: false }), [{ host: 'r1-1', at: 100, repair: 3600 }], 1000);
  assert.equal(during.state.heldMb[0], 8192 + 4096);
  assert.equal(during.state.residentMb[0], 0);
  assert.equal(during.state.residentMb[1], 4096 + 8192);
  const after = runScript(c, config({ ...scripted, move_back: false }), [{ host: 'r1-1', at: 100, repair: 3600 }], 5000);
  assert.equal(after.state.heldMb[0], 0);
});

/** 4 hosts; r1-1 holds 6 × 2 GiB, every host is at its 12288 MB capacity with a 4 GiB reservation. */
function hookCloud(evacuation: 'wait' | 'race') {
  return cloud(smallRack(4, {
    nova: { reserved_host_memory_mb: 4096, cpu_weight_multiplier: 0 },
    on_failure: { release_reservation_to: '512MiB', after: '300s', evacuation },
    instances: ['r1-1', 'r1-2', 'r1-3', 'r1-4'].map((host) => ({ flavor: 's', count: 6, host })),
  }));
}

test('han-hook, wait: host-evacuate runs after the reservation drops to 512 MB; each survivor takes one 2 GiB guest', () => {
  const { log, model } = runScript(hookCloud('wait'), config(scripted), [{ host: 'r1-1', at: 0, repair: 7200 }], 20000);
  // Slack after the hook: 15872 − 12288 = 3584 per survivor: one 2048 guest each, three stranded.
  assert.deepEqual(log.slice(0, 7), [
    't=0 host r1-1 down',
    't=60 service r1-1 down',
    't=360 hook: reserved_host_memory_mb = 512',
    't=360 host-evacuate r1-1',
    't=360 evacuate i5 r1-1 -> r1-2',
    't=360 evacuate i4 r1-1 -> r1-3',
    't=360 evacuate i3 r1-1 -> r1-4',
  ]);
  assert.equal(model.evacuated, 3);
  assert.equal(model.strandings, 3);
  // Restored 300 s after the move back (7200 + 600 + 300).
  assert.ok(log.includes('t=8100 hook: restored'), log.join('\n'));
});

test('han-hook, race: host-evacuate before the hook ran finds every survivor full', () => {
  const { log, model } = runScript(hookCloud('race'), config(scripted), [{ host: 'r1-1', at: 0, repair: 7200 }], 20000);
  assert.equal(log[2], 't=60 host-evacuate r1-1');
  assert.equal(model.evacuated, 0);
  assert.equal(model.strandings, 6);
});

test('static reserve without the hook protects nothing: the same cloud strands all six', () => {
  const c = cloud(smallRack(4, {
    nova: { reserved_host_memory_mb: 4096, cpu_weight_multiplier: 0 },
    instances: ['r1-1', 'r1-2', 'r1-3', 'r1-4'].map((host) => ({ flavor: 's', count: 6, host })),
  }));
  const { model } = runScript(c, config(scripted), [{ host: 'r1-1', at: 0, repair: 7200 }], 20000);
  assert.equal(model.strandings, 6);
});

test('spare host: enabled by the hook, takes the evacuated guests, disabled again after the move back', () => {
  // One rack of 3: r1-3 is the spare (last host of the rack). r1-1 and r1-2 each hold 3 × 4 GiB.
  const c = cloud(smallRack(3, {
    nova: { cpu_weight_multiplier: 0 },
    spare_hosts: 1,
    on_failure: { after: '120s' },
    instances: [{ flavor: 'm', count: 3, host: 'r1-1' }, { flavor: 'm', count: 3, host: 'r1-2' }],
  }));
  const { log, model } = runScript(c, config(scripted), [{ host: 'r1-1', at: 0, repair: 3600 }], 10000);
  assert.deepEqual(log.slice(2, 7), [
    't=180 hook: spare r1-3 enabled',
    't=180 host-evacuate r1-1',
    't=180 evacuate i2 r1-1 -> r1-3',
    't=180 evacuate i1 r1-1 -> r1-3',
    't=180 evacuate i0 r1-1 -> r1-3',
  ]);
  assert.equal(model.strandings, 0);
  assert.ok(log.includes('t=4200 moved 3 instances back to r1-1'));
  assert.ok(log.includes('t=4320 hook: restored'));
  assert.equal(model.s.enabled[2], 0);
});

test('a host back before it is seen down is never evacuated; its guests restart in place', () => {
  const c = cloud(smallRack(4, { nova: { cpu_weight_multiplier: 0 }, instances: layout }));
  const { log, model } = runScript(c, config(scripted), [{ host: 'r1-1', at: 100, repair: 30 }], 1000);
  assert.deepEqual(log, ['t=100 host r1-1 down', 't=130 host r1-1 up', 't=160 i1 running on r1-1', 't=160 i0 running on r1-1']);
  assert.equal(model.evacuated, 0);
});

test('heartbeat detection: seen down 50–60 s after the crash, uniform phase (report_interval 10 s, service_down_time 60 s)', () => {
  const c = cloud({ racks: [{ name: 'r', hosts: 400, ram: '16GiB', vcpus: 8 }], flavors: [{ name: 'm', ram: '1GiB', vcpus: 1, share: 1 }], instances: [] });
  const hosts = Array.from({ length: 400 }, (_, k) => ({ host: `r-${k + 1}`, at: 1000, repair: 3600 }));
  const { log } = runScript(c, config({ ...scripted, detection: 'heartbeat' }), hosts, 2000);
  const delays = log.filter((l) => l.includes('service')).map((l) => Number(l.slice(2, l.indexOf(' '))) - 1000);
  assert.equal(delays.length, 400);
  assert.ok(Math.min(...delays) >= 50 && Math.max(...delays) <= 60, `${Math.min(...delays)}..${Math.max(...delays)}`);
  const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
  assert.ok(Math.abs(mean - 55) < 0.6, `mean ${mean}`);
  // service_down_time ≤ report_interval is overridden to int(2.5 × report_interval).
  const c2 = cloud({ nova: { report_interval: '30s', service_down_time: '20s' }, racks: [{ name: 'r', hosts: 50, ram: '16GiB', vcpus: 8 }], flavors: [{ name: 'm', ram: '1GiB', vcpus: 1, share: 1 }], instances: [] });
  const r2 = runScript(c2, config({ ...scripted, detection: 'heartbeat' }), hosts.slice(0, 50), 2000);
  const d2 = r2.log.filter((l) => l.includes('service')).map((l) => Number(l.slice(2, l.indexOf(' '))) - 1000);
  assert.ok(Math.min(...d2) >= 45 && Math.max(...d2) <= 75);
});

test('local ephemeral storage: the destination rebuilds the root disk from the image (restart.local), not a reboot', () => {
  const c = cloud(smallRack(4, { nova: { ram_weight_multiplier: -1, cpu_weight_multiplier: 0 }, instances: layout, ephemeral_storage: 'local' }));
  const { log } = runScript(c, config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 10000);
  // restart.local is 5 m: both evacuated guests run 300 s after host-evacuate at 160 s.
  assert.ok(log.includes('t=460 i1 running on r1-3') && log.includes('t=460 i0 running on r1-2'), log.join('\n'));
});

test('han-hook: a host back before the hook ran cancels that run (the reservation is never left released)', () => {
  const { log, state } = runScript(hookCloud('wait'), config(scripted), [{ host: 'r1-1', at: 0, repair: 100 }], 5000);
  assert.equal(log.some((l) => l.includes('hook:')), false, log.join('\n'));
  assert.equal(state.reservedMb[1], 4096);
});

test('churn: replacements go through the scheduler; a create that gets NoValidHost leaves the old instance in place', () => {
  // One 16 GiB host full of 2 GiB guests (7 × 2048 = 14336 of 15872 MB): a 2 GiB replacement
  // fits where the deleted one was, a 12 GiB one never does.
  const c = cloud({
    nova: { cpu_weight_multiplier: 0 },
    racks: [{ name: 'r', hosts: 1, ram: '16GiB', vcpus: 8 }],
    flavors: [{ name: 's', ram: '2GiB', vcpus: 1, share: 3 }, { name: 'x', ram: '12GiB', vcpus: 1, share: 1 }],
    instances: [{ flavor: 's', count: 7, host: 'r-1' }],
    churn: { rate: '100/d' },
  });
  const { model, state } = runScript(c, config(scripted), [], 30 * 86400);
  // ~3000 replacements in 30 days; the flavor mix asks for 12 GiB a quarter of the time.
  assert.ok(model.buildFailures > 600 && model.buildFailures < 900, `${model.buildFailures} of ~3000 replacements asked for 12 GiB`);
  assert.equal(state.residentCount[0], 7);
  assert.equal(state.residentMb[0], 7 * 2048);
  assert.ok(Array.from(state.flavorOf).every((f) => f === 0));
});
