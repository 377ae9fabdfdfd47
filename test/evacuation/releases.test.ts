import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, CURRENT_RELEASE, RELEASES, rule, RULES } from '../../sim/openstack/nova/releases.js';
import { novaSchema, defaultIoOpsWeightMultiplier } from '../../sim/openstack/nova/compute-schema.js';
import { defaultRatios, ramCapacityMb, ramMaxUnit, resolveNova, vcpuCapacity } from '../../sim/openstack/nova/placement.js';
import { evacuationStudy } from '../../sim/studies/evacuation.js';
import { cloud, config, input, runScript, scripted, smallRack } from './fixtures.js';

test('releases: Icehouse to Gazpacho in order; every name parses; kilo and antelope keep working', () => {
  assert.equal(RELEASES.length, 25);
  assert.equal(RELEASES[0], 'icehouse');
  assert.equal(CURRENT_RELEASE, 'gazpacho');
  assert.ok(atLeast('antelope', 'zed') && !atLeast('zed', 'antelope'));
  for (const r of RELEASES) assert.equal(novaSchema.parse({ release: r }).release, r);
  assert.equal(novaSchema.parse({}).release, 'antelope');
  assert.throws(() => novaSchema.parse({ release: 'grizzly' }));
  // deployed_on must not be later than the release
  assert.throws(() => novaSchema.parse({ release: 'zed', deployed_on: 'antelope' }));
  assert.equal(novaSchema.parse({ release: 'gazpacho', deployed_on: 'zed' }).deployed_on, 'zed');
});

test('the table: every rule starts at Icehouse, its changes in release order, each with a source', () => {
  for (const [name, changes] of Object.entries(RULES)) {
    assert.equal(changes[0].since, 'icehouse', name);
    for (let k = 1; k < changes.length; k++) assert.ok(atLeast(changes[k].since, changes[k - 1].since) && changes[k].since !== changes[k - 1].since, name);
    for (const c of changes) assert.ok(c.source.length > 10, `${name} ${c.since}: source`);
  }
});

test('rule(): every rule in every release is its last change at or before that release (the lookup table against a scan)', () => {
  for (const [name, changes] of Object.entries(RULES) as [keyof typeof RULES, { since: string; value: unknown }[]][]) {
    RELEASES.forEach((r, i) => {
      const last = changes.filter((c) => RELEASES.indexOf(c.since as never) <= i).at(-1)!;
      assert.deepEqual(rule(name, r), last.value, `${name} in ${r}`);
    });
  }
  // resolveNova reads the capacity rules once, for ComputeState's per-host arithmetic.
  for (const r of ['newton', 'ocata', 'pike'] as const) {
    const n = resolveNova(novaSchema.parse({ release: r }));
    assert.equal(n.ramFit, rule('ramFit', r));
    assert.equal(n.vcpuFit, rule('vcpuFit', r));
  }
  assert.deepEqual(['newton', 'ocata', 'pike'].map((r) => rule('ramFit', r as never)), ['ramfilter', 'placement+ramfilter', 'placement']);
});

// 256 GiB host, reserved 32768 MB.
test('RAM fit Newton | Ocata | Pike: RamFilter total×ratio − reserved, then the smaller of both, then placement (total − reserved)×ratio', () => {
  // ratio 1.5: RamFilter 360448 > placement 344064
  assert.equal(ramCapacityMb('newton', 262144, 32768, 1.5), 360448);
  assert.equal(ramCapacityMb('ocata', 262144, 32768, 1.5), 344064);
  assert.equal(ramCapacityMb('pike', 262144, 32768, 1.5), 344064);
  // ratio 0.5: RamFilter 98304 < placement 114688, so Ocata (both apply) differs from Pike (placement only)
  assert.equal(ramCapacityMb('ocata', 262144, 32768, 0.5), 98304);
  assert.equal(ramCapacityMb('pike', 262144, 32768, 0.5), 114688);
  assert.equal(ramMaxUnit('newton', 262144), Infinity);
  assert.equal(ramMaxUnit('ocata', 262144), 262144);
});

test('vCPU fit Newton | Ocata: no CoreFilter in the default filters (unchecked), then placement', () => {
  assert.equal(vcpuCapacity('newton', 64, 0, 16), Infinity);
  assert.equal(vcpuCapacity('ocata', 64, 0, 16), 1024);
});

test('reserved_host_cpus Ocata | Pike: ignored before the option existed', () => {
  assert.equal(resolveNova(novaSchema.parse({ release: 'ocata', reserved_host_cpus: 4 })).reservedCpus, 0);
  assert.equal(resolveNova(novaSchema.parse({ release: 'pike', reserved_host_cpus: 4 })).reservedCpus, 4);
});

test('default ratios Zed | Antelope, applied when the compute node record is created: an upgraded cloud keeps 1.5 / 16.0', () => {
  assert.deepEqual(defaultRatios('zed'), { ram: 1.5, cpu: 16 });
  assert.deepEqual(defaultRatios('antelope'), { ram: 1.0, cpu: 4.0 });
  assert.deepEqual(defaultRatios('gazpacho', 'zed'), { ram: 1.5, cpu: 16 });
  assert.deepEqual(defaultRatios('gazpacho', 'bobcat'), { ram: 1.0, cpu: 4.0 });
  const upgraded = resolveNova(novaSchema.parse({ release: 'antelope', deployed_on: 'kilo' }));
  assert.equal(upgraded.ramRatio, 1.5);
  assert.equal(upgraded.cpuRatio, 16);
  // an explicit ratio wins
  assert.equal(resolveNova(novaSchema.parse({ release: 'antelope', deployed_on: 'kilo', ram_allocation_ratio: 1.0 })).ramRatio, 1.0);
  // before Stein the scheduler default applied at every update: always 1.5 / 16.0
  assert.equal(rule('defaultRatios', 'rocky').appliedAt, 'every-update');
  assert.equal(rule('defaultRatios', 'stein').appliedAt, 'record-creation');
});

test('weighers: IoOpsWeigher Juno | Kilo (0 → −1.0), CPUWeigher Queens | Rocky (0 → 1.0)', () => {
  assert.equal(defaultIoOpsWeightMultiplier('juno'), 0);
  assert.equal(defaultIoOpsWeightMultiplier('kilo'), -1.0);
  assert.equal(resolveNova(novaSchema.parse({ release: 'queens' })).cpuWeightMultiplier, 0);
  assert.equal(resolveNova(novaSchema.parse({ release: 'rocky' })).cpuWeightMultiplier, 1.0);
});

const layout = [
  { flavor: 'l', host: 'r1-1' }, { flavor: 'm', host: 'r1-1' },
  { flavor: 'm', host: 'r1-2' }, { flavor: 'l', host: 'r1-3' }, { flavor: 'm', count: 2, host: 'r1-4' },
];

test('NoValidHost on evacuate Pike | Queens: vm_state unchanged, then ERROR', () => {
  for (const [release, state] of [['pike', 'vm_state unchanged'], ['queens', 'ERROR']] as const) {
    const c = cloud(smallRack(4, { nova: { release, ram_allocation_ratio: 1.0, cpu_weight_multiplier: 0 }, instances: layout }));
    const { log } = runScript(c, config(scripted), [{ host: 'r1-1', at: 100, repair: 3600 }], 10000);
    assert.ok(log.includes(`t=160 evacuate i0 from r1-1: NoValidHost, stranded (${state})`), log.join('\n'));
  }
});

test('evacuate checks Icehouse | Juno (ERROR accepted) and Yoga | Zed: a rebuild cut short by its destination dying is refused (409) before Zed', () => {
  assert.equal(rule('evacuateChecks', 'icehouse').error, false);
  assert.equal(rule('evacuateChecks', 'juno').error, true);
  // i1 (4 GiB) leaves r1-1 for r1-2 at 160 s; r1-2 dies at 170 s, mid-rebuild (restart takes 30 s).
  const run = (release: string) => runScript(
    cloud(smallRack(4, { nova: { release, ram_allocation_ratio: 1.0, cpu_weight_multiplier: 0 }, instances: layout })),
    config({ ...scripted, move_back: false }), [{ host: 'r1-1', at: 100, repair: 3600 }, { host: 'r1-2', at: 170, repair: 1000 }], 10000);
  const yoga = run('yoga'), zed = run('zed');
  assert.ok(yoga.log.includes('t=230 evacuate i1: refused, task_state rebuilding (409)'), yoga.log.join('\n'));
  assert.equal(yoga.model.refusedCalls, 1);
  // it waits for r1-2's repair (1170 s) and restarts there 30 s later
  assert.ok(yoga.log.includes('t=1200 i1 running on r1-2'), yoga.log.join('\n'));
  assert.equal(zed.model.refusedCalls, 0);
  assert.ok(!zed.log.some((l) => l.includes('refused')));
  assert.ok(zed.log.some((l) => /^t=230 evacuate i1 r1-2 -> /.test(l)), zed.log.join('\n'));
});

test('destination claim and force-down Kilo | Liberty: warnings only where the feature is missing', () => {
  const warn = (release: string) => evacuationStudy.warnings!(input(cloud(smallRack(4, { nova: { release }, instances: layout })), config({ detection: 'fencing' })));
  assert.equal(warn('kilo').filter((w) => /destination claim|force-down/.test(w)).length, 2);
  assert.equal(warn('liberty').filter((w) => /destination claim|force-down/.test(w)).length, 0);
});
