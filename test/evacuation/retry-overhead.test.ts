import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evacuationStudy, hookMemoryFloor } from '../../sim/studies/evacuation.js';
import { checkNPlusK } from '../../sim/studies/evacuation-check.js';
import { memoryCommit, hostOverhead } from '../../sim/openstack/nova/host-memory.js';
import { hostOverheadSchema } from '../../sim/openstack/nova/host-memory.js';
import { cloud, config, input, runScript, scripted, smallRack } from './fixtures.js';

/** 4 hosts of 16 GiB; each holds 6 × 2 GiB and is at its 12288 MB capacity with a 4 GiB reservation. */
function hookCloud(evacuation: 'wait' | 'race', extra: Record<string, unknown> = {}) {
  return cloud(smallRack(4, {
    nova: { reserved_host_memory_mb: 4096, cpu_weight_multiplier: 0 },
    on_failure: { release_reservation_to: '512MiB', after: '300s', evacuation, ...extra },
    instances: ['r1-1', 'r1-2', 'r1-3', 'r1-4'].map((host) => ({ flavor: 's', count: 6, host })),
  }));
}

test('retry_stranded: the race design strands all six at 60 s; a re-run 600 s later (after the hook at 360 s) places three', () => {
  const { log, model } = runScript(hookCloud('race', { retry_stranded: { after: '600s', attempts: 2 } }), config(scripted),
    [{ host: 'r1-1', at: 0, repair: 7200 }], 20000);
  assert.equal(log[2], 't=60 host-evacuate r1-1');
  assert.ok(log.includes('t=360 hook: reserved_host_memory_mb = 512'));
  assert.ok(log.includes('t=660 host-evacuate r1-1 again (stranded instances)'), log.join('\n'));
  assert.equal(model.strandings, 6, 'stranded once each, not again per retry');
  assert.equal(model.rescuedByRetry, 3);
  assert.equal(model.evacuated, 3);
  // the second attempt (1260 s) finds nothing more; no third
  assert.ok(log.includes('t=1260 host-evacuate r1-1 again (stranded instances)'));
  assert.equal(log.filter((l) => l.includes('again')).length, 2);
  assert.equal(model.retryRuns, 2);
  // the three rescued were stranded 60 → 660 s; the three others 60 → repair (7200) + restart 30 s
  assert.equal(model.strandedSeconds, 3 * 600 + 3 * (7230 - 60));
});

test('retry_stranded without it: the race design keeps its six strandings until the repair', () => {
  const { model } = runScript(hookCloud('race'), config(scripted), [{ host: 'r1-1', at: 0, repair: 7200 }], 20000);
  assert.equal(model.rescuedByRetry, 0);
  assert.equal(model.strandedSeconds, 6 * (7230 - 60));
});

test('data_lost_instances: local-disk evacuations rebuild from the image (data lost), shared storage keeps the disk', () => {
  const layout = [{ flavor: 'm', host: 'r1-1' }, { flavor: 'm', host: 'r1-1' }];
  const local = runScript(cloud(smallRack(4, { nova: { cpu_weight_multiplier: 0 }, instances: layout, ephemeral_storage: 'local' })),
    config(scripted), [{ host: 'r1-1', at: 0, repair: 3600 }], 10000);
  assert.equal(local.model.evacuated, 2);
  assert.equal(local.model.dataLost, 2);
  const rbd = runScript(cloud(smallRack(4, { nova: { cpu_weight_multiplier: 0 }, instances: layout, ephemeral_storage: 'rbd' })),
    config(scripted), [{ host: 'r1-1', at: 0, repair: 3600 }], 10000);
  assert.equal(rbd.model.dataLost, 0);
});

test('host memory commit: guest RAM + host OS + QEMU overhead against physical RAM (hand-worked)', () => {
  const o = hostOverhead(hostOverheadSchema.parse({}));
  // 16384 MB host, 6 guests × 2048 MB, 6 vCPUs: 12288 + 4096 + 6 × 234 + 6 × 8 + 0.002 × 12288 = 17860.576
  assert.ok(Math.abs(memoryCommit(o, 16384, 6, 6, 12288) - 17860.576 / 16384) < 1e-12);
});

test('han-hook: after release the hosts fill to 15872 MB of guests, the commit goes above physical RAM and the floor warning fires', () => {
  const { model } = runScript(hookCloud('wait'), config(scripted), [{ host: 'r1-1', at: 0, repair: 7200 }], 20000);
  // before the failure: 12288 + 4096 + 6 × 242 + 0.002 × 12288 = 17860.6 MB of 16384 (the 4 GiB host OS default)
  // after: survivors hold 7 guests (14336 MB): 14336 + 4096 + 7 × 242 + 28.7 = 20154.7 MB
  assert.ok(Math.abs(model.peakMemoryCommit - (14336 + 4096 + 7 * 242 + 0.002 * 14336) / 16384) < 1e-9, `${model.peakMemoryCommit}`);
  assert.equal(model.minMemoryLeftMb, 16384 - 14336);
  const floor = hookMemoryFloor(hookCloud('wait'))!;
  assert.equal(floor.leftMb, 512);
  assert.ok(floor.floorMb > 4096);
  const w = evacuationStudy.warnings!(input(hookCloud('wait'), config(scripted)));
  assert.ok(w.some((x) => x.includes('keeps 512 MB for its OS and QEMU')), w.join('\n'));
  // a 64 GiB reservation released to 8 GiB with a small host OS: no warning
  const roomy = cloud(smallRack(4, {
    nova: { reserved_host_memory_mb: 8192 }, host_overhead: { host_os: '1GiB' },
    on_failure: { release_reservation_to: '6GiB' }, instances: [{ flavor: 's', host: 'r1-1' }],
  }));
  assert.ok(!evacuationStudy.warnings!(input(roomy, config(scripted))).some((x) => x.includes('for its OS and QEMU')));
});

test('headroom check says what an overcommitted cloud commits instead of a plain "survives"', () => {
  const c = cloud(smallRack(4, { nova: { ram_allocation_ratio: 1.5, cpu_weight_multiplier: 0 }, instances: [{ flavor: 's', count: 2, host: 'r1-1' }] }));
  const r = checkNPlusK(input(c, config(scripted)), 1, { racks: false });
  const last = r.lines[r.lines.length - 1];
  assert.match(last, /^OK: the cloud survives N\+1/);
  assert.match(last, /commit up to 1[0-9]{2} % of its physical RAM/);
  const plain = cloud(smallRack(4, { nova: { reserved_host_memory_mb: 6144, cpu_weight_multiplier: 0 }, instances: [{ flavor: 's', count: 2, host: 'r1-1' }] }));
  assert.doesNotMatch(checkNPlusK(input(plain, config(scripted)), 1, { racks: false }).lines.at(-1)!, /commit/);
});
