import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBundle } from '../../sim/scenario/import/import.js';
import { ImportError } from '../../sim/scenario/import/bundle.js';
import { JsonLocator } from '../../sim/scenario/import/json-locate.js';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { checkNPlusK } from '../../sim/studies/evacuation-check.js';
import { evacuationStudy, metrics } from '../../sim/studies/evacuation.js';
import { Streams } from '../../sim/random/streams.js';
import type { EvacuationConfig } from '../../sim/studies/evacuation.js';
import type { StudyInput } from '../../sim/studies/study.js';

const FIX = fileURLToPath(new URL('../../../test/fixtures/import/', import.meta.url));
const RACKS = join(FIX, 'racks.csv');
const V2024 = join(FIX, 'v2024'), V2021 = join(FIX, 'v2021');

function evacuationInput(yaml: string): StudyInput<EvacuationConfig> {
  const s = loadScenarioText(yaml, 'imported.yaml');
  return s.studies.find((x) => x.name === 'evacuation')!.variants[0].input as StudyInput<EvacuationConfig>;
}

/** A copy of a fixture bundle to break. */
function copy(src: string): string {
  const d = mkdtempSync(join(tmpdir(), 'headroom-import-'));
  cpSync(src, d, { recursive: true });
  return d;
}
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const writeJson = (f: string, v: unknown) => writeFileSync(f, JSON.stringify(v, null, 2));
const body = (yaml: string) => yaml.split('\n').filter((l) => !l.startsWith('#') && !l.startsWith('name:')).join('\n');
const rules = (e: unknown) => (e as ImportError).issues.map((i) => i.rule);

test('import: both client vintages give the same scenario (memory fields in hypervisor list or not, Host short or FQDN, Flavor or Flavor ID, Policy or Policies)', () => {
  const a = importBundle([V2024], { racks: RACKS }), b = importBundle([V2021], { racks: RACKS });
  assert.equal(body(a.yaml), body(b.yaml));
  // The old client's Host is the compute service host; it is matched to the provider's FQDN by short name, and said so.
  assert.ok(b.warnings.some((w) => w.rule === 'names' && /matched to their compute service host by short name/.test(w.message)));
  assert.ok(!a.warnings.some((w) => w.rule === 'names'), 'hypervisor show gives service_host: no guessing');
});

test('import: hosts with placement capacity, the disabled compute not a target, every instance pinned with its flavor and group', () => {
  const r = importBundle([V2024], { racks: RACKS });
  const input = evacuationInput(r.yaml);
  const { state: s } = buildCloud(input.cloud, 1);
  assert.deepEqual(s.hostNames, ['cmp-1.example.org', 'cmp-2.example.org', 'cmp-3.example.org', 'cmp-4.example.org']);
  assert.deepEqual(Array.from(s.totalMb), [65536, 65536, 131072, 65536]);
  assert.deepEqual(Array.from(s.vcpus), [16, 16, 32, 16]);
  // placement: (total − reserved) × ratio
  assert.deepEqual(Array.from(s.ramCap), [61440, 61440, 126976, 61440]);
  assert.deepEqual(Array.from(s.vcpuCap), [64, 64, 128, 64]);
  assert.deepEqual(Array.from(s.enabled), [1, 1, 1, 0]);
  assert.deepEqual(s.rackNames, ['r1', 'r2']);
  // Round trip: the instances per (host, flavor, group) are the bundle's running servers on compute nodes.
  const got = new Map<string, number>();
  for (let i = 0; i < s.instanceCount; i++) {
    const k = `${s.hostNames[s.hostOf[i]]} ${s.flavors[s.flavorOf[i]].name} ${s.groupOf[i] >= 0 ? 'web' : '-'}`;
    got.set(k, (got.get(k) ?? 0) + 1);
  }
  const servers = readJson(join(V2024, 'servers.json')) as Record<string, string>[];
  const web = new Set((readJson(join(V2024, 'server_groups.json'))[0].Members as string[]));
  const want = new Map<string, number>();
  for (const sv of servers) {
    if (sv.Status !== 'ACTIVE' || sv.Host === null || !sv.Host.startsWith('cmp')) continue;
    const k = `${sv.Host} ${sv.Flavor} ${web.has(sv.ID) ? 'web' : '-'}`;
    want.set(k, (want.get(k) ?? 0) + 1);
  }
  assert.deepEqual([...got].sort(), [...want].sort());
  assert.equal(s.instanceCount, 14);
  assert.deepEqual(input.cloud.groups, [{ name: 'web', policy: 'anti-affinity' }]);
  // Each host's RAM use equals placement's MEMORY_MB usage of its provider.
  for (let h = 0; h < 4; h++) {
    const usage = readJson(join(V2024, 'usage', `1b0e3d4a-0c1f-4b5e-9a21-00000000000${h + 1}.json`)) as { resource_class: string; usage: number }[];
    assert.equal(s.residentMb[h], usage.find((u) => u.resource_class === 'MEMORY_MB')!.usage);
  }
});

test('import: headroom check of the imported cloud matches the hand-worked answer', () => {
  // Free MEMORY_MB: cmp-1 61440 − 3×16384 = 12288, cmp-2 61440 − (2×16384 + 2×8192) = 12288,
  // cmp-3 126976 − (4×16384 + 2×2048) = 57344; cmp-4 disabled. "web" (anti-affinity) has one
  // xlarge on each of cmp-1, cmp-2, cmp-3, so a failed member has no host left in any failure.
  // cmp-1 fails: web stranded, 2 xlarge → cmp-3: 1. cmp-2: web stranded, xlarge + 2 large → cmp-3: 1.
  // cmp-3: web stranded, 3 xlarge (16384) fit neither 12288, 2 small fit: 4.
  // rack r1 (cmp-1, cmp-2): 2 web stranded; 3 xlarge + 2 large = 65536 > 57344 on cmp-3: one more: 3.
  // rack r2 (cmp-3, cmp-4): cmp-3's 4 as above; cmp-4's large (8192) fits cmp-1 or cmp-2: 4.
  const input = evacuationInput(importBundle([V2024], { racks: RACKS }).yaml);
  const res = checkNPlusK(input, 1, { racks: true, prune: false });
  assert.deepEqual(res.stranded, [
    { failure: 'cmp-1.example.org', instances: 1 }, { failure: 'cmp-2.example.org', instances: 1 },
    { failure: 'cmp-3.example.org', instances: 4 }, { failure: 'rack r1', instances: 3 }, { failure: 'rack r2', instances: 4 },
  ]);
  assert.deepEqual(checkNPlusK(input, 1, { racks: true }).stranded, res.stranded, 'pruning changes nothing');
});

test('import: a replication of the evacuation study starts from the imported layout', () => {
  const input = evacuationInput(importBundle([V2024], { racks: RACKS }).yaml);
  const hot = { ...input, config: { ...input.config, host_failures: { afr: 0.99 } } };
  const out = evacuationStudy.replicate(hot, { replication: 0, streams: new Streams(1, 0) }) as unknown;
  // Metrics by position (Float64Array) or by name ({ metrics }), whichever the study contract returns.
  const value = (name: string): number => (ArrayBuffer.isView(out) ? (out as Float64Array)[Object.keys(metrics).indexOf(name)] : (out as { metrics: Record<string, number> }).metrics[name]);
  assert.equal(value('instances'), 14);
  assert.equal(value('build_failures'), 0);
  assert.ok(value('host_failures') > 0);
});

test('import rules: ERROR, SHELVED and baremetal are skipped with a located warning; --strict refuses them', () => {
  const r = importBundle([V2024], { racks: RACKS });
  const msg = (rule: string) => r.warnings.filter((w) => w.rule === rule).map((w) => w.message);
  assert.deepEqual(msg('error'), [`${join(V2024, 'servers.json')}:285:5: $[14].Status: server "broken" is in ERROR: skipped (expected a server that runs; an ERROR server may still hold an allocation: see the usage check)`]);
  assert.match(msg('shelved')[0], /servers\.json:305:5: \$\[15\]\.Status: server "parked" is SHELVED_OFFLOADED: skipped/);
  assert.match(msg('baremetal')[0], /1 ironic\/baremetal node\(s\) skipped with their instances, e\.g\. 0b3e5a90-ironic-node-1/);
  assert.match(msg('disabled')[0], /hypervisors\.json:23:3: \$\[3\]: "cmp-4.example.org": compute service disabled \(hardware ticket 4711\)/);
  assert.throws(() => importBundle([V2024], { racks: RACKS, strict: true }), (e) => e instanceof ImportError && rules(e).includes('error') && e.issues.every((i) => i.refuse));
});

test('import rules: a server on an unknown host, and one whose flavor is not in the flavor list, are skipped and located', () => {
  const d = copy(V2024);
  try {
    const servers = readJson(join(d, 'servers.json'));
    servers[0].Host = 'cmp-99.example.org';
    servers[1].Flavor = 'm9.gone';
    writeJson(join(d, 'servers.json'), servers);
    const r = importBundle([d], { racks: RACKS });
    const w = r.warnings.filter((x) => x.rule === 'unknown-host' || x.rule === 'flavor').map((x) => x.message);
    assert.equal(w.length, 2);
    assert.match(w[0], /servers\.json:\d+:\d+: \$\[0\]\.Host: server "vm-01" is on "cmp-99.example.org", which matches no hypervisor hostname, compute service host or short name: skipped/);
    assert.match(w[1], /servers\.json:\d+:\d+: \$\[1\]\.Flavor: server "vm-02" has flavor "m9.gone", which is not in the flavor list: skipped/);
    assert.equal(r.inventory.serversKept, 12);
    // placement still counts their allocations: said, not hidden
    assert.match(r.warnings.find((x) => x.rule === 'usage-mismatch')!.message, /cmp-1.example.org \(placement 49152 MB, instances 16384 MB\)/);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('import rules: a host over its placement capacity keeps its instances, its ratio raised to fit, with a warning at its inventory', () => {
  const d = copy(V2024);
  try {
    const f = join(d, 'inventory', '1b0e3d4a-0c1f-4b5e-9a21-000000000001.json');
    const inv = readJson(f);
    inv.find((x: { resource_class: string }) => x.resource_class === 'MEMORY_MB').reserved = 20480; // capacity 45056 < 49152 used
    writeJson(f, inv);
    const r = importBundle([d], { racks: RACKS });
    const w = r.warnings.find((x) => x.rule === 'over-capacity')!;
    assert.match(w.message, /inventory\/1b0e3d4a-0c1f-4b5e-9a21-000000000001\.json:\d+:\d+: \$\[1\]\.allocation_ratio: host "cmp-1.example.org" holds 49152 MB of instances, above its placement capacity \(65536 − 20480\) × 1 = 45056 MB: its ram_allocation_ratio is raised to 1.091/);
    const s = buildCloud(evacuationInput(r.yaml).cloud, 1).state;
    assert.equal(s.residentMb[0], 49152);
    assert.ok(s.ramCap[0] >= 49152 && s.ramCap[0] < 49152 + 5, `capacity ${s.ramCap[0]}`);
    assert.throws(() => importBundle([d], { racks: RACKS, strict: true }), (e) => rules(e).includes('over-capacity'));
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('import rules: in-flight and unknown statuses, pre-2.88 hypervisor figures that disagree with placement, unknown group policies, hypervisors without a provider, step sizes', () => {
  const d = copy(V2021);
  try {
    const servers = readJson(join(d, 'servers.json'));
    servers[0].Status = 'VERIFY_RESIZE';
    servers[1].Status = 'SOFT_DELETED';
    writeJson(join(d, 'servers.json'), servers);
    const hv = readJson(join(d, 'hypervisors.json'));
    hv[1]['Memory MB'] = 60000;
    hv.push({ ID: 99, 'Hypervisor Hostname': 'cmp-9.example.org', 'Hypervisor Type': 'QEMU', 'Host IP': '10.0.0.99', State: 'up', 'vCPUs Used': 0, vCPUs: 8, 'Memory MB Used': 0, 'Memory MB': 8192 });
    writeJson(join(d, 'hypervisors.json'), hv);
    const inv = readJson(join(d, 'inventory', '1b0e3d4a-0c1f-4b5e-9a21-000000000002.json'));
    inv[1].step_size = 256;
    writeJson(join(d, 'inventory', '1b0e3d4a-0c1f-4b5e-9a21-000000000002.json'), inv);
    const groups = readJson(join(d, 'server_groups.json'));
    groups[0].Policies = ['colocate'];
    writeJson(join(d, 'server_groups.json'), groups);
    const r = importBundle([d], { racks: RACKS });
    const msg = (rule: string) => r.warnings.filter((w) => w.rule === rule).map((w) => w.message);
    assert.match(msg('in-flight')[0], /servers\.json:\d+:\d+: \$\[0\]\.Status: server "vm-01" is VERIFY_RESIZE: imported on cmp-1.example.org, where it is now/);
    assert.match(msg('status')[0], /\$\[1\]\.Status: server "vm-02" has status SOFT_DELETED: skipped/);
    assert.match(msg('hypervisor-mismatch')[0], /hypervisors\.json:\d+:\d+: \$\[1\]\["Memory MB"\]: hypervisor "cmp-2.example.org" reports 60000 MB, placement's MEMORY_MB total is 65536: placement's is used/);
    assert.match(msg('unmatched')[0], /\$\[5\]\["Hypervisor Hostname"\]: hypervisor "cmp-9.example.org" matches no resource provider by UUID or name: not imported/);
    assert.match(msg('group-policy')[0], /server_groups\.json:\d+:\d+: \$\[0\]\.Policies: server group "web" has policy "colocate": its members are imported ungrouped/);
    assert.equal(evacuationInput(r.yaml).cloud.groups, undefined);
    assert.match(msg('inventory-units')[0], /1 inventories with min_unit or step_size above 1, e\.g\. cmp-2\.example\.org MEMORY_MB min_unit 1 step_size 256: not modelled/);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('import: an old bundle without placement falls back to the hypervisor list\'s memory figures, host by host, and says so', () => {
  const d = copy(V2021);
  try {
    for (const f of ['resource_providers.json', 'inventory', 'usage']) rmSync(join(d, f), { recursive: true });
    const r = importBundle([d], { racks: RACKS });
    assert.equal(r.warnings.filter((w) => w.rule === 'no-placement').length, 4);
    const { state: s } = buildCloud(evacuationInput(r.yaml).cloud, 1);
    assert.deepEqual(Array.from(s.totalMb), [65536, 65536, 131072, 65536]);
    assert.equal(s.instanceCount, 14);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('import rules: bad files refuse the import with their file and position', () => {
  const d = copy(V2024);
  try {
    writeFileSync(join(d, 'servers.json'), '[{"ID": "x",');
    writeFileSync(join(d, 'notes.json'), '{"colour": "blue"}');
    cpSync(join(d, 'inventory', '1b0e3d4a-0c1f-4b5e-9a21-000000000001.json'), join(d, 'inventory-cmp1.json'));
    assert.throws(() => importBundle([d]), (e) => {
      const m = (e as ImportError).issues.map((i) => i.message);
      assert.equal(m.length, 3);
      assert.match(m[0], /inventory-cmp1\.json:1:1: \$: a per-provider inventory output without its provider's UUID in the file name/);
      assert.match(m[1], /notes\.json:1:1: \$: cannot tell which openstack command printed this/);
      assert.match(m[2], /servers\.json:1:1: \$: not JSON: /);
      return true;
    });
  } finally { rmSync(d, { recursive: true, force: true }); }
  assert.throws(() => importBundle([join(V2024, 'servers.json'), join(V2024, 'flavors.json')]), (e) => /no compute host with MEMORY_MB and VCPU inventory/.test((e as ImportError).issues.at(-1)!.message));
  assert.throws(() => importBundle(['/nonexistent/bundle']), (e) => /cannot read/.test((e as ImportError).issues[0].message));
});

test('import --anonymize: stable short hashes for hosts, groups, racks and zones; the mapping apart from the scenario', () => {
  const r = importBundle([V2024], { racks: RACKS, anonymize: true });
  for (const real of ['cmp-1', 'example.org', 'web', 'r1', 'zone: nova', 'v2024', 'vm-0']) assert.ok(!r.yaml.includes(real), `"${real}" leaks into the scenario`);
  const hosts = Object.entries(r.mapping!.host);
  assert.equal(hosts.length, 4);
  for (const [hash, real] of hosts) { assert.match(hash, /^h-[0-9a-f]{8}$/); assert.ok(r.yaml.includes(hash)); assert.match(real, /example\.org$/); }
  assert.deepEqual(Object.values(r.mapping!.group), ['web']);
  // The same hashes on every run, and the same answer as the named cloud.
  assert.equal(importBundle([V2024], { racks: RACKS, anonymize: true }).yaml, r.yaml);
  assert.deepEqual(checkNPlusK(evacuationInput(r.yaml), 1, { racks: true }).stranded.map((x) => x.instances), [1, 1, 4, 3, 4]);
});

test('import racks: a pattern, a YAML map, aggregates that split the hosts, else one rack per host with a warning', () => {
  const rackNames = (yaml: string) => evacuationInput(yaml).cloud.racks.map((r) => r.name);
  assert.deepEqual(rackNames(importBundle([V2024], { racks: '^cmp-([0-9])' }).yaml), ['1', '2', '3', '4']);
  const d = mkdtempSync(join(tmpdir(), 'headroom-import-'));
  try {
    writeFileSync(join(d, 'racks.yaml'), 'cmp-1.example.org: a\ncmp-2: a\ncmp-3: b\n');
    const r = importBundle([V2024], { racks: join(d, 'racks.yaml') });
    assert.deepEqual(rackNames(r.yaml), ['a', 'b', 'cmp-4.example.org']);
    assert.match(r.warnings.find((w) => w.rule === 'racks')!.message, /1 host\(s\) not in .*racks\.yaml, each made a rack of its own, e\.g\. cmp-4.example.org/);
    const b = copy(V2024);
    writeJson(join(b, 'aggregates.json'), [
      { ID: 1, UUID: 'u1', Name: 'rack-a', 'Availability Zone': null, Properties: {}, Hosts: ['cmp-1', 'cmp-2'] },
      { ID: 2, UUID: 'u2', Name: 'rack-b', 'Availability Zone': null, Properties: {}, Hosts: ['cmp-3', 'cmp-4'] },
    ]);
    assert.deepEqual(rackNames(importBundle([b]).yaml), ['rack-a', 'rack-b']);
    rmSync(b, { recursive: true, force: true });
  } finally { rmSync(d, { recursive: true, force: true }); }
  const none = importBundle([V2024]);
  assert.equal(evacuationInput(none.yaml).cloud.racks.length, 4);
  assert.match(none.warnings.find((w) => w.rule === 'racks')!.message, /one rack per host/);
  assert.throws(() => importBundle([V2024], { racks: 'no-group-here' }), (e) => /no such file, and as a pattern it has no group/.test((e as ImportError).issues[0].message));
});

test('json locator: line and column of an element and a key, also inside nested lists and strings with brackets', () => {
  const text = '[\n  {"a": "x[,]{", "b": [1, {"c": 2}]},\n  {"a": 1,\n   "Host": null}\n]';
  const l = new JsonLocator(text);
  assert.deepEqual(l.locate([0]), { line: 2, col: 3 });
  assert.deepEqual(l.locate([1, 'Host']), { line: 4, col: 4 });
  assert.deepEqual(l.locate([0, 'b']), { line: 2, col: 18 });
  assert.deepEqual(l.locate([1, 'missing']), { line: 3, col: 3 });
  assert.ok(existsSync(V2024));
});
