import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Memo } from '../../sim/studies/memo.js';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { fixedFill } from '../../sim/studies/evacuation.js';
import { Streams } from '../../sim/random/streams.js';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('a Memo makes each value once: strings compared by value, objects by identity', () => {
  const memo = new Memo();
  let made = 0;
  const make = () => ({ n: ++made });
  const a = memo.get('x', 'k', make);
  assert.equal(memo.get('x', 'k', make), a);
  assert.notEqual(memo.get('y', 'k', make), a, 'another table');
  const o1 = {}, o2 = {};
  const b = memo.get('x', o1, make);
  assert.equal(memo.get('x', o1, make), b);
  assert.notEqual(memo.get('x', o2, make), b);
  assert.equal(made, 4);
  assert.notEqual(new Memo().get('x', 'k', make), a, 'nothing is shared between Memos');
});

const SCENARIO = (reserved: number) => `name: m
seed: 4
horizon: 730d
designs:
  one: {}
  two: {studies: {evacuation: {host_failures: {afr: 0.9}}}}
cloud:
  nova: {release: antelope, reserved_host_memory_mb: ${reserved}}
  racks: [{name: r1, hosts: 4, ram: 64GiB, vcpus: 16}]
  flavors: [{name: s, ram: 4GiB, vcpus: 1, share: 1}]
studies:
  evacuation: {initial_layout: fixed}
`;

test('the fixed initial layout is built once per Memo its owner passes down: designs and scenarios loaded with it share it, others do not', () => {
  const memo = new Memo();
  const a = loadScenarioText(SCENARIO(512), 'a.yaml', {}, memo);
  const [one, two] = a.studies[0].variants.map((v) => v.input);
  assert.equal(one.memo, memo);
  assert.equal(fixedFill(one), fixedFill(two), 'designs with the same fill share one');
  const again = loadScenarioText(SCENARIO(512), 'a.yaml', {}, memo).studies[0].variants[0].input;
  assert.equal(fixedFill(again), fixedFill(one), 'a scenario loaded again with the same Memo (a worker, a sizing candidate)');
  const other = loadScenarioText(SCENARIO(1024), 'a.yaml', {}, memo).studies[0].variants[0].input;
  assert.notEqual(fixedFill(other), fixedFill(one), 'another reservation is another fill');
  const fresh = loadScenarioText(SCENARIO(512), 'a.yaml').studies[0].variants[0].input;
  assert.notEqual(fixedFill(fresh), fixedFill(one), 'no module-level cache: a fresh Memo builds anew');
  assert.deepEqual(Array.from(fixedFill(fresh).state.hostOf), Array.from(fixedFill(one).state.hostOf), 'and builds the same layout');
});

test('sim/ keeps no caches in module state: no module-level Map or WeakMap', () => {
  // A parsed distribution's unit kind is metadata about that object (set once when the scenario
  // is parsed, read by the event estimate), not a cache that could differ between workers. The
  // releases' positions are a constant table, filled once from RELEASES and never added to.
  const allowed = new Set(['random/spec.ts: kinds', 'openstack/nova/releases.ts: INDEX']);
  const found: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else if (e.name.endsWith('.ts')) {
        for (const m of readFileSync(join(dir, e.name), 'utf8').matchAll(/^(?:export )?(?:const|let|var) (\w+)\b[^=\n]*= *new (?:Weak)?Map\b/gm)) {
          const id = `${rel}${e.name}: ${m[1]}`;
          if (!allowed.has(id)) found.push(id);
        }
      }
    }
  };
  walk(join(ROOT, 'sim'), '');
  assert.deepEqual(found, []);
});

test('a replication on the reused working copy and instance buffers of the fixed layout equals one on fresh ones', () => {
  const shared = loadScenarioText(SCENARIO(512), 'a.yaml', {}, new Memo()).studies[0];
  const run = (plan: typeof shared, r: number) => plan.definition.replicate(plan.variants[1].input, { replication: r, streams: new Streams(4, r) });
  for (let r = 0; r < 3; r++) run(shared, r);
  const reused = run(shared, 3);
  const fresh = run(loadScenarioText(SCENARIO(512), 'a.yaml', {}, new Memo()).studies[0], 3);
  assert.ok(reused.metrics.host_failures > 0 && reused.metrics.instances_evacuated > 0, 'hosts failed and instances moved, so the buffers were written');
  assert.deepEqual(reused, fresh);
});
