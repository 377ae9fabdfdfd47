import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { ScenarioError } from '../../sim/scenario/problems.js';
import { bisect, knobGrid, oneSided, sizeScenario, verdictOf } from '../../sim/montecarlo/sizing.js';
import { quantityFor } from '../../sim/scenario/targets.js';

/**
 * Four hosts of 16 GiB, nothing reserved, each pinned with 3 × 4 GiB + 1 × 2 GiB (14 GiB). One
 * host fails: its 14 GiB go to three survivors that each have F = 16 GiB × ratio − 14 GiB free.
 * The three 4 GiB instances land one per survivor (the RAM weigher spreads), so the 2 GiB one
 * needs a survivor with F ≥ 6 GiB whichever comes first: 16 GiB × r ≥ 20 GiB, r ≥ 1.25 exactly.
 */
const PINNED = `
name: pinned
seed: 3
horizon: 365d
replications: 10
cloud:
  nova: {release: antelope, reserved_host_memory_mb: 0}
  racks: [{name: r1, hosts: 4, ram: 16GiB, vcpus: 16}]
  flavors:
    - {name: s, ram: 2GiB, vcpus: 1, share: 1}
    - {name: m, ram: 4GiB, vcpus: 2, share: 1}
  instances:
${[1, 2, 3, 4].map((h) => `    - {flavor: m, count: 3, host: r1-${h}}\n    - {flavor: s, count: 1, host: r1-${h}}`).join('\n')}
studies:
  evacuation:
    host_failures: {afr: 5%}
    designs:
      as-is: {}
      overcommit: {}
targets:
  evacuation:
    n+1: {check: N+1}
sizing:
  evacuation:
    knobs:
      overcommit: {parameter: cloud.nova.ram_allocation_ratio, range: [1.0, 1.5], step: 0.05}
`;

test('N+1 sizing on pinned instances gives the hand-worked ratio: 1.25, exactly (1.2 fails)', async () => {
  const loaded = loadScenarioText(PINNED, 'pinned.yaml');
  const r = await sizeScenario(loaded, { workers: 1 });
  assert.equal(r.answers.length, 1);
  const a = r.answers[0];
  assert.deepEqual(a.answer, { lo: 1.2, hi: 1.25, configure: 1.25 });
  assert.equal(a.kind, 'check');
  assert.equal(a.replications, 0, 'a deterministic answer runs no replication');
  const at = (v: number) => a.evaluations.find((e) => e.value === v);
  assert.equal(at(1.25)?.verdict, 'meets');
  assert.equal(at(1.2)?.verdict, 'fails');
  assert.equal(at(1.2)?.stranding, 4, 'at 1.2 every host failure strands its 2 GiB instance');
  // Pinned instances do not depend on the ratio: the cost is the reservation alone (none).
  assert.equal(a.cost?.heldBackBytes, 0);
  assert.equal(a.cost?.instancesLost, 0);
});

test('the grid runs from the least safe end; bisection finds the first true of a monotone predicate', async () => {
  assert.deepEqual(knobGrid({ study: 's', design: 'd', parameter: 'p', from: 0, to: 10, step: 4, unit: '', safer: 'higher' }), [0, 4, 8, 10]);
  assert.deepEqual(knobGrid({ study: 's', design: 'd', parameter: 'p', from: 1, to: 1.3, step: 0.1, unit: '', safer: 'lower' }), [1.3, 1.2, 1.1, 1]);
  for (let n = 1; n <= 9; n++) {
    for (let first = 0; first <= n; first++) {
      const asked: number[] = [];
      const found = await bisect(n, async (i) => { asked.push(i); return i >= first; });
      assert.equal(found, first === n ? -1 : first, `n ${n}, first ${first}`);
      assert.ok(asked.length <= 2 + Math.ceil(Math.log2(n)), 'logarithmic');
    }
  }
});

test('one-sided bounds: 0 of 267 is not enough to show P ≤ 1 % at 95 %, 0 of 268 is (Wilson, z = 1.645)', () => {
  const zeros = new Float64Array(400);
  assert.equal(verdictOf({ max: 0.01 }, oneSided(zeros, 267, 0.95, true)), 'undecided');
  assert.equal(verdictOf({ max: 0.01 }, oneSided(zeros, 268, 0.95, true)), 'meets');
  const ones = new Float64Array(20).fill(1);
  assert.equal(verdictOf({ max: 0.01 }, oneSided(ones, 5, 0.95, true)), 'fails');
  // A t bound for a metric that is not 0/1.
  const xs = Float64Array.from([1, 2, 3, 4, 5]);
  const b = oneSided(xs, 5, 0.95, false);
  assert.ok(Math.abs(b.upper - (3 + 2.1318 * Math.sqrt(2.5) / Math.sqrt(5))) < 1e-3);
  assert.equal(verdictOf({ min: 1 }, b), 'meets');
});

import { STOCHASTIC } from './fixtures.js';

test('targets and sizing are checked: unknown metric, class, check, design; a bad range', () => {
  const bad = STOCHASTIC
    .replace('metric: any_stranded, max: 25%', 'metric: nope, max: 25%')
    .replace('    host: {', '    odd: {check: N+9}\n    host: {')
    .replace('han-hook: {parameter', 'ghost: {parameter')
    + 'expect:\n  evacuation.any_stranded.mean: {max: 5 minutes}\n';
  try {
    loadScenarioText(bad, 'bad.yaml');
    assert.fail('expected problems');
  } catch (e) {
    assert.ok(e instanceof ScenarioError);
    const text = e.problems.map((p) => `${p.line}: ${p.path.join('.')}: ${p.message}`).join('\n');
    assert.match(text, /targets\.evacuation\.host\.metric: unknown metric "nope"/);
    assert.match(text, /targets\.evacuation\.odd\.check: unknown check "N\+9" \(expected one of: N\+1, N\+2, rack\)/);
    assert.match(text, /sizing\.evacuation\.knobs\.ghost: unknown design "ghost"/);
    assert.match(text, /expect\.evacuation\.any_stranded\.mean\.max: "5 minutes" does not fit the metric's unit 0\/1/);
  }
});

test('expect and targets take unit strings in the metric\'s unit', () => {
  assert.equal(quantityFor('1%', '0/1'), 0.01);
  assert.equal(quantityFor('5m', 's'), 300);
  assert.equal(quantityFor('90m', 'h'), 1.5);
  assert.equal(quantityFor('2GiB', 'B'), 2 ** 31);
  assert.equal(quantityFor('12', 'count'), 12);
  assert.equal(quantityFor(3, 'count'), 3);
  assert.match(String(quantityFor('5m', 'count')), /not a number/);
  const loaded = loadScenarioText(STOCHASTIC + 'expect:\n  evacuation.any_stranded.mean: {max: 50%}\n  evacuation.downtime_p95.p95: {max: 2h}\n', 'u.yaml');
  assert.deepEqual(loaded.expect.map((b) => b.max), [0.5, 7200]);
});
