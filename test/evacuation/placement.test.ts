import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCpuRatio, defaultRamRatio, ramCapacityMb, ramMaxUnit, resolveNova, vcpuCapacity } from '../../sim/openstack/nova/placement.js';
import { novaSchema } from '../../sim/openstack/nova/compute-schema.js';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { Scheduler } from '../../sim/openstack/nova/scheduler.js';
import { cloud } from './fixtures.js';

test('docs/openstack-facts.md §6.2: 256 GiB host, 32 GiB reserved, ratio 1.5: kilo 360448 MB, antelope 344064 MB', () => {
  assert.equal(ramCapacityMb('kilo', 262144, 32768, 1.5), 360448);
  assert.equal(ramCapacityMb('antelope', 262144, 32768, 1.5), 344064);
});

test('ratio 1.0: kilo and antelope agree at 229376 MB', () => {
  assert.equal(ramCapacityMb('kilo', 262144, 32768, 1.0), 229376);
  assert.equal(ramCapacityMb('antelope', 262144, 32768, 1.0), 229376);
});

test('release defaults: kilo 1.5 / 16, antelope 1.0 / 4.0; explicit ratios win', () => {
  assert.equal(defaultRamRatio('kilo'), 1.5);
  assert.equal(defaultCpuRatio('kilo'), 16);
  assert.equal(defaultRamRatio('antelope'), 1.0);
  assert.equal(defaultCpuRatio('antelope'), 4.0);
  const k = resolveNova(novaSchema.parse({ release: 'kilo' }));
  assert.deepEqual([k.ramRatio, k.cpuRatio, k.cpuWeightMultiplier, k.reservedMb], [1.5, 16, 0, 512]);
  const a = resolveNova(novaSchema.parse({}));
  assert.deepEqual([a.release, a.ramRatio, a.cpuRatio, a.cpuWeightMultiplier], ['antelope', 1.0, 4.0, 1.0]);
  assert.equal(resolveNova(novaSchema.parse({ release: 'kilo', ram_allocation_ratio: 1.0 })).ramRatio, 1.0);
});

test('VCPU: kilo CoreFilter ignores reserved CPUs; placement subtracts them', () => {
  assert.equal(vcpuCapacity('kilo', 64, 4, 16), 1024);
  assert.equal(vcpuCapacity('antelope', 64, 4, 4), 240);
  assert.equal(resolveNova(novaSchema.parse({ release: 'kilo', reserved_host_cpus: 4 })).reservedCpus, 0);
});

test('max_unit = total RAM on antelope (a flavor may use the reserved slice of an overcommitted host), none on kilo', () => {
  assert.equal(ramMaxUnit('antelope', 16384), 16384);
  assert.equal(ramMaxUnit('kilo', 16384), Infinity);
  // 16 GiB host at ratio 2: capacity 31744 (antelope) / 32256 (kilo); a 20 GiB flavor exceeds max_unit.
  for (const [release, expected] of [['antelope', -1], ['kilo', 0]] as const) {
    const c = cloud({
      nova: { release, ram_allocation_ratio: 2.0 },
      racks: [{ name: 'r', hosts: 1, ram: '16GiB', vcpus: 64 }],
      flavors: [{ name: 'huge', ram: '20GiB', vcpus: 1, share: 1 }],
      instances: [],
    });
    const s = buildCloud(c, 1).state;
    assert.equal(new Scheduler(s, undefined).select(20480, 1, -1, -1, -1), expected, release);
  }
});

test('a request fitting kilo\'s RamFilter but not placement: 340000 MB used + 10000 MB on the §6.2 host', () => {
  for (const [release, expected] of [['kilo', 0], ['antelope', -1]] as const) {
    const c = cloud({
      nova: { release, ram_allocation_ratio: 1.5, reserved_host_memory_mb: 32768, cpu_allocation_ratio: 16 },
      racks: [{ name: 'r', hosts: 1, ram: '256GiB', vcpus: 64 }],
      flavors: [{ name: 'big', ram: '340000MiB', vcpus: 1, share: 1 }, { name: 'x', ram: '10000MiB', vcpus: 1, share: 0 }],
      instances: [{ flavor: 'big', host: 'r-1' }],
    });
    const s = buildCloud(c, 1).state;
    assert.equal(s.ramCap[0], release === 'kilo' ? 360448 : 344064);
    assert.equal(new Scheduler(s, undefined).select(10000, 1, -1, -1, -1), expected, release);
  }
});
