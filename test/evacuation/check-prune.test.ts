import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkNPlusK, type CheckResult } from '../../sim/studies/evacuation-check.js';
import { cloud, config, input, scripted } from './fixtures.js';

// `headroom check` skips the failures its StrandingBound proves harmless; these tests hold the
// pruned check to the one that host-evacuates every failure (docs/openstack-facts.md §7, §8.2).

const same = (a: CheckResult, b: CheckResult, what: string) => {
  assert.deepEqual(a.lines, b.lines, what);
  assert.deepEqual(a.stranded, b.stranded, what);
  assert.equal(a.failed, b.failed, what);
  assert.equal(a.runs, b.runs, what);
};

const flavors = [
  { name: 's', ram: '2GiB', vcpus: 1, share: 3 },
  { name: 'm', ram: '4GiB', vcpus: 2, share: 2 },
  { name: 'l', ram: '8GiB', vcpus: 4, share: 1 },
];

/** Racks of 2–5 hosts, some in availability zones, filled by the scheduler or from a list. */
const scenario = fc.record({
  racks: fc.array(fc.record({ hosts: fc.integer({ min: 2, max: 5 }), ram: fc.constantFrom('16GiB', '24GiB'), vcpus: fc.constantFrom(6, 8), az: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  fill: fc.integer({ min: 30, max: 99 }).map((p) => p / 100),
  groups: fc.constantFrom(0, 0.2, 0.5),
  reserved: fc.constantFrom(512, 4096),
  hook: fc.constantFrom('none', 'wait', 'race'),
  spares: fc.integer({ min: 0, max: 2 }),
  ram: fc.constantFrom(1, -1),
  cpu: fc.constantFrom(0, 1),
  list: fc.option(fc.array(fc.record({ flavor: fc.constantFrom('s', 'm', 'l'), count: fc.integer({ min: 1, max: 4 }), az: fc.boolean(), group: fc.constantFrom(undefined, 'g1', 'g2') }), { minLength: 1, maxLength: 8 }), { nil: undefined }),
  seed: fc.integer({ min: 1, max: 1000 }),
});

test('property: the pruned check gives the same lines, stranded failures and verdict as evacuating every failure', () => {
  let pruned = 0, evacuated = 0, failing = 0;
  fc.assert(fc.property(scenario, (x) => {
    const azOf = (r: number) => (x.racks[r].az ? `az${r % 2}` : undefined);
    const raw: Record<string, unknown> = {
      nova: { reserved_host_memory_mb: x.reserved, ram_weight_multiplier: x.ram, cpu_weight_multiplier: x.cpu },
      racks: x.racks.map((r, k) => ({ name: `r${k + 1}`, hosts: r.hosts, ram: r.ram, vcpus: r.vcpus, availability_zone: azOf(k) })),
      flavors,
      fill: x.fill,
      spare_hosts: x.spares,
      server_groups: x.groups > 0 ? { anti_affinity_share: x.groups, size: 2 } : undefined,
      on_failure: x.hook === 'none' ? undefined : { release_reservation_to: '512MiB', evacuation: x.hook, after: '5m' },
    };
    const zones = x.racks.map((_, k) => azOf(k)).filter((z) => z !== undefined);
    if (x.list !== undefined) {
      raw.instances = x.list.map((l) => ({ flavor: l.flavor, count: l.count, group: l.group, availability_zone: l.az && zones.length > 0 ? zones[0] : undefined }));
    }
    const inp = input(cloud(raw), config(scripted));
    inp.seed = x.seed;
    const fast = checkNPlusK(inp, 2, { racks: true });
    const full = checkNPlusK(inp, 2, { racks: true, prune: false });
    same(fast, full, JSON.stringify(raw));
    assert.equal(full.evacuated, full.runs);
    pruned += fast.runs - fast.evacuated;
    evacuated += fast.evacuated;
    if (fast.failed) failing++;
  }), { numRuns: 150 });
  // The generator reaches both sides of the bound, and clouds that fail.
  assert.ok(pruned > 100 && evacuated > 100 && failing > 10, `pruned ${pruned}, evacuated ${evacuated}, failing ${failing}`);
});

test('the bound: a failure whose instances fit elsewhere whatever the others take is not evacuated; a tight one is', () => {
  // One rack of 4 hosts of 16 GiB (placement capacity 15.5 GiB at 512 MB reserved), each with
  // one 2 GiB instance: every host passes for every instance (|P| = 4), so a single failure
  // (margin 4 − 1 host ≥ 1 instance) and a pair (4 − 2 ≥ 2) are proved safe; the rack (4 − 4 < 4)
  // must be evacuated, and strands all 4.
  const c = cloud({
    racks: [{ name: 'r1', hosts: 4, ram: '16GiB', vcpus: 8 }],
    flavors,
    instances: ['r1-1', 'r1-2', 'r1-3', 'r1-4'].map((host) => ({ flavor: 's', host })),
  });
  const res = checkNPlusK(input(c, config(scripted)), 2, { racks: true });
  assert.equal(res.runs, 4 + 6 + 1);
  assert.equal(res.evacuated, 1);
  assert.deepEqual(res.stranded, [{ failure: 'rack r1', instances: 4 }]);
  // Hosts full to 14 GiB of 15.5: a 2 GiB instance fits nowhere else (|P| = 0): every failure is evacuated.
  const full = cloud({
    racks: [{ name: 'r1', hosts: 4, ram: '16GiB', vcpus: 8 }],
    flavors,
    instances: ['r1-1', 'r1-2', 'r1-3', 'r1-4'].map((host) => ({ flavor: 's', count: 7, host })),
  });
  const tight = checkNPlusK(input(full, config(scripted)), 2, { racks: false });
  assert.equal(tight.evacuated, tight.runs);
  assert.equal(tight.stranded.length, 4 + 6);
});

test('check: each evacuation placed counts in its destination\'s num_io_ops, so host-evacuate spreads (IoOpsWeigher, §7)', () => {
  // r1-1 holds m, m, l (host-evacuate order); r1-2 and r1-3 each have exactly 8 GiB free; RAM
  // and CPU weighers off. Counting the rebuilds in flight, the second m goes to r1-3 (r1-2 has
  // one I/O op) and the l then fits nowhere: 1 stranded. Without the count every weight ties,
  // both m go to r1-2 and the l to r1-3: none stranded (the multiplier-0 design below).
  const layout = (io: number) => cloud({
    nova: { reserved_host_memory_mb: 0, ram_weight_multiplier: 0, cpu_weight_multiplier: 0, io_ops_weight_multiplier: io },
    racks: [{ name: 'r1', hosts: 3, ram: '16GiB', vcpus: 8 }],
    flavors,
    instances: [{ flavor: 'l', host: 'r1-1' }, { flavor: 'm', count: 2, host: 'r1-1' }, { flavor: 'l', host: 'r1-2' }, { flavor: 'l', host: 'r1-3' }],
  });
  const spread = checkNPlusK(input(layout(-1), config(scripted)), 1, { racks: false });
  assert.deepEqual(spread.stranded.find((x) => x.failure === 'r1-1'), { failure: 'r1-1', instances: 1 });
  const ties = checkNPlusK(input(layout(0), config(scripted)), 1, { racks: false });
  assert.equal(ties.stranded.some((x) => x.failure === 'r1-1'), false);
});
