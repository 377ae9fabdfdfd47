import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { ComputeState } from '../../sim/openstack/nova/compute-state.js';
import { Scheduler } from '../../sim/openstack/nova/scheduler.js';
import { ScenarioError, formatProblem } from '../../sim/scenario/problems.js';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { cloud } from './fixtures.js';

const listed = (hosts: unknown[], extra: Record<string, unknown> = {}) => cloud({
  nova: { reserved_host_memory_mb: 1024, ram_allocation_ratio: 1.0, cpu_allocation_ratio: 2.0 },
  racks: [{ name: 'r1', ram: '16GiB', vcpus: 8, hosts }],
  flavors: [{ name: 'm', ram: '4GiB', vcpus: 2, share: 1 }],
  ...extra,
});

test('per-host capacity: a listed host overrides its rack and nova; the others follow them', () => {
  const c = listed([
    { name: 'a' },
    { name: 'b', ram: '32GiB', vcpus: 16, reserved_host_memory_mb: 4096, ram_allocation_ratio: 1.5, cpu_allocation_ratio: 4, reserved_host_cpus: 2 },
    { name: 'c', ram_max_unit: '8GiB', enabled: false },
  ]);
  const s = new ComputeState(c, 0, 0);
  assert.deepEqual(s.hostNames, ['a', 'b', 'c']);
  // (total − reserved) × ratio, per host
  assert.deepEqual(Array.from(s.ramCap), [(16384 - 1024) * 1.0, (32768 - 4096) * 1.5, (16384 - 1024) * 1.0]);
  assert.deepEqual(Array.from(s.vcpuCap), [8 * 2, (16 - 2) * 4, 8 * 2]);
  assert.deepEqual(Array.from(s.maxUnitMb), [16384, 32768, 8192]);
  assert.deepEqual(Array.from(s.enabled), [1, 1, 0]);
  // The failure hook lowers every host's reservation; its restore returns each to its own.
  s.setReservedAll(512);
  assert.deepEqual(Array.from(s.reservedMb), [512, 512, 512]);
  assert.deepEqual(Array.from(s.ramCap), [(16384 - 512) * 1.0, (32768 - 512) * 1.5, (16384 - 512) * 1.0]);
  assert.equal(s.reservedSumMb, 3 * 512);
  s.restoreReservedAll();
  assert.deepEqual(Array.from(s.reservedMb), [1024, 4096, 1024]);
  assert.deepEqual(Array.from(s.ramCap), [(16384 - 1024) * 1.0, (32768 - 4096) * 1.5, (16384 - 1024) * 1.0]);
  assert.equal(s.reservedSumMb, 1024 + 4096 + 1024);
  // Another value than the last release: the capacities are those of that value (not the last one's, kept).
  s.setReservedAll(2048);
  assert.deepEqual(Array.from(s.ramCap), [(16384 - 2048) * 1.0, (32768 - 2048) * 1.5, (16384 - 2048) * 1.0]);
  s.setReserved(1, 0);
  assert.equal(s.reservedSumMb, 2048 + 0 + 2048);
  assert.equal(s.ramCap[1], 32768 * 1.5);
  s.setReservedAll(512);
  s.restoreReservedAll();
  assert.deepEqual(Array.from(s.ramCap), [(16384 - 1024) * 1.0, (32768 - 4096) * 1.5, (16384 - 1024) * 1.0]);
  // The release's and the restore's values are shared from one event to the next: a host changed
  // in between changes only the state, never what the next release or restore puts back.
  s.setReservedAll(2048);
  s.setReserved(0, 8192);
  assert.deepEqual(Array.from(s.reservedMb), [8192, 2048, 2048]);
  s.setReservedAll(2048);
  assert.deepEqual(Array.from(s.reservedMb), [2048, 2048, 2048]);
  assert.deepEqual(Array.from(s.ramCap), [(16384 - 2048) * 1.0, (32768 - 2048) * 1.5, (16384 - 2048) * 1.0]);
  s.restoreReservedAll();
  s.setReserved(2, 0);
  assert.equal(s.ramCap[2], 16384);
  s.restoreReservedAll();
  assert.deepEqual(Array.from(s.reservedMb), [1024, 4096, 1024]);
  assert.deepEqual(Array.from(s.ramCap), [(16384 - 1024) * 1.0, (32768 - 4096) * 1.5, (16384 - 1024) * 1.0]);
  assert.equal(s.reservedSumMb, 1024 + 4096 + 1024);
  // A state copied from another while that one is released takes its values, and its own
  // restore still returns to the hosts' own.
  const t = new ComputeState(c, 0, 0);
  t.setReservedAll(2048);
  s.setReservedAll(512);
  t.copyFrom(s);
  assert.deepEqual(Array.from(t.reservedMb), [512, 512, 512]);
  t.setReserved(1, 0);
  assert.deepEqual(Array.from(s.reservedMb), [512, 512, 512]);
  t.setReservedAll(2048);
  assert.deepEqual(Array.from(t.reservedMb), [2048, 2048, 2048]);
  t.restoreReservedAll();
  assert.deepEqual(Array.from(t.reservedMb), [1024, 4096, 1024]);
});

test('per-host capacity: a disabled host is no scheduling target, and its pinned instances stay on it', () => {
  const c = listed([{ name: 'a' }, { name: 'b', enabled: false }], { instances: [{ flavor: 'm', host: 'b', count: 2 }, { flavor: 'm', count: 3 }] });
  const { state: s } = buildCloud(c, 1);
  assert.deepEqual(Array.from(s.hostOf), [1, 1, 0, 0, 0]);
  const sched = new Scheduler(s, undefined);
  assert.equal(sched.select(4096, 2, -1, -1, -1), -1, 'a is full (15360 − 3×4096 < 4096), b disabled');
});

test('pinned instances go first: the scheduler places the others around them', () => {
  // The unpinned line comes first; without pins first it would take host a, and the pins would overflow it.
  const c = listed([{ name: 'a' }, { name: 'b' }], { instances: [{ flavor: 'm', count: 1 }, { flavor: 'm', host: 'b', count: 3 }] });
  const { state: s } = buildCloud(c, 1);
  assert.deepEqual(Array.from(s.hostOf), [0, 1, 1, 1]);
});

const yaml = (instances: string, hosts = '[{name: a}, {name: b, ram: 8GiB}]') => `name: t
seed: 1
horizon: 1d
replications: 1
cloud:
  nova: {reserved_host_memory_mb: 1024}
  racks: [{name: r1, ram: 16GiB, vcpus: 8, hosts: ${hosts}}]
  flavors: [{name: m, ram: 4GiB, vcpus: 2, share: 1}, {name: big, ram: 12GiB, vcpus: 1, share: 0}]
  instances:
${instances}
studies:
  evacuation: {initial_layout: fixed}
`;

function problems(text: string): string[] {
  try { loadScenarioText(text, 'pins.yaml'); } catch (e) { if (e instanceof ScenarioError) return e.problems.map(formatProblem); throw e; }
  return [];
}

test('pinned instances are fit-checked in every scenario: a located error at the line that overflows its host', () => {
  assert.deepEqual(problems(yaml('    - {flavor: m, host: a, count: 3}\n    - {flavor: m, host: b}')), []);
  // a: (16384 − 1024) × 1.0 = 15360 MB; 4 × 4096 = 16384
  assert.deepEqual(problems(yaml('    - {flavor: m, host: a, count: 3}\n    - {flavor: m, host: a}')), [
    'pins.yaml:11:25: cloud.instances[1].host: the instances pinned to host "a" need 16384 MB of MEMORY_MB, its placement capacity is 15360 MB ((16384 − 1024) × 1) (expected pinned instances to fit: fewer of them, another host, or the host\'s real reservation and allocation ratios)',
  ]);
  // b: max_unit is its total RAM, 8192 MB
  assert.match(problems(yaml('    - {flavor: big, host: b}'))[0], /pins\.yaml:10:27: cloud\.instances\[0\]\.host: flavor big asks 12288 MB of MEMORY_MB, above host "b"'s max_unit 8192 MB/);
  // VCPU: antelope's default cpu_allocation_ratio is 4.0, so a host of 1 vCPU takes 4
  assert.match(problems(yaml('    - {flavor: m, host: a, count: 3}\n    - {flavor: m, host: b, count: 1}', '[{name: a, vcpus: 1}, {name: b}]'))[0], /cloud\.instances\[0\]\.host: the instances pinned to host "a" need 6 VCPU, its placement capacity is 4 \(\(1 − 0\) × 4\)/);
});

test('rack hosts: a count needs the rack size; a list needs each host\'s size from itself or its rack', () => {
  assert.deepEqual(problems(yaml('    - {flavor: m}', '[{name: a}]').replace('ram: 16GiB, ', '')), [
    'pins.yaml:7:40: cloud.racks[0].hosts[0].ram: missing (expected the host\'s ram, or a ram on its rack)',
  ]);
  assert.deepEqual(problems(yaml('    - {flavor: m}', '2').replace('vcpus: 8, ', '')), [
    'pins.yaml:7:11: cloud.racks[0].vcpus: missing (expected the vcpus of the rack\'s 2 hosts)',
  ]);
});

test("per-host capacity: the CPUWeigher counts free vCPUs with each host's own cpu_allocation_ratio (index and scan alike)", () => {
  // a: 1 GiB more free RAM, 8 vCPUs × 1.0; b: 8 vCPUs × 4.0. With cpu_weight_multiplier 2 the
  // CPU weigher (b: 32 free, a: 8) outweighs the RAM weigher; with one ratio for both it would tie
  // and a would win on RAM.
  const c = cloud({
    nova: { reserved_host_memory_mb: 0, cpu_weight_multiplier: 2.0 },
    racks: [{ name: 'r1', ram: '16GiB', vcpus: 8, hosts: [{ name: 'a', ram: '17GiB', cpu_allocation_ratio: 1.0 }, { name: 'b', cpu_allocation_ratio: 4.0 }] }],
    flavors: [{ name: 'm', ram: '1GiB', vcpus: 1, share: 1 }],
  });
  const s = new ComputeState(c, 0, 0);
  const sched = new Scheduler(s, undefined);
  assert.equal(sched.selectScan(1024, 1, -1, -1, -1), 1);
  assert.equal(sched.select(1024, 1, -1, -1, -1), 1);
});
