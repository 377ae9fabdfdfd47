import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Streams } from '../../sim/random/streams.js';
import { queueStudy } from '../../sim/studies/queue.js';
import { findStudy } from '../../sim/studies/registry.js';
import { valuesPerReplication } from '../../sim/studies/study.js';
import { loadScenarioFile, loadScenarioText } from '../../sim/scenario/load.js';
import { ScenarioError } from '../../sim/scenario/problems.js';
import { input } from './estimate.js';
import { replicateFlat } from '../flat.js';
import { Memo } from '../../sim/studies/memo.js';

const scenarioDir = fileURLToPath(new URL('../../../scenarios/validation/', import.meta.url));

function problemsOf(raw: Record<string, unknown>) {
  const config = queueStudy.schema.parse(raw);
  return queueStudy.check!({ memo: new Memo(), scenarioName: 'q', seed: 1, horizon: 1, design: 'baseline', cloud: undefined as never, config });
}

test('queue study is registered and needs no cloud', () => {
  assert.equal(findStudy('queue'), queueStudy);
  assert.equal(queueStudy.needsCloud, false);
});

test('check: ρ ≥ 1 is an unstable queue at studies.queue.arrival_rate', () => {
  const p = problemsOf({ model: 'mmc', arrival_rate: '5/s', servers: 4, service: { exponential: { mean: '1s' } } });
  assert.deepEqual(p, [{
    path: ['studies', 'queue', 'arrival_rate'],
    message: 'unstable queue: ρ = 1.25 ≥ 1 (expected arrival_rate × mean service / servers < 1)',
  }]);
  assert.equal(problemsOf({ model: 'mg1-ps', arrival_rate: 1, service: 1 }).length, 1, 'ρ = 1 exactly is unstable too');
  assert.deepEqual(problemsOf({ model: 'mmc-loss', arrival_rate: 50, servers: 4, service: { exponential: { mean: 1 } } }), [], 'a loss system is always stable');
});

test('check: mmc needs exponential service; M/G/1 models have one server; the rate must be positive', () => {
  const [a] = problemsOf({ model: 'mmc', arrival_rate: 0.5, servers: 1, service: 1 });
  assert.deepEqual(a.path, ['studies', 'queue', 'service']);
  assert.match(a.message, /^model mmc needs exponential service times, got deterministic \(expected /);
  const [b] = problemsOf({ model: 'mg1-fcfs', arrival_rate: 0.5, servers: 2, service: 1 });
  assert.deepEqual(b.path, ['studies', 'queue', 'servers']);
  const [c] = problemsOf({ model: 'mg1-fcfs', arrival_rate: 0, service: 1 });
  assert.deepEqual(c.path, ['studies', 'queue', 'arrival_rate']);
});

test('an unstable queue in a scenario file is reported at the arrival_rate line (exit-2 path)', () => {
  const text = [
    'name: unstable', 'seed: 1', 'replications: 2', 'studies:', '  queue:', '    model: mmc',
    '    arrival_rate: 5/s', '    servers: 4', '    service: {exponential: {mean: 1s}}', '',
  ].join('\n');
  assert.throws(() => loadScenarioText(text, 'unstable.yaml'), (e: unknown) => {
    assert.ok(e instanceof ScenarioError);
    assert.equal(e.message, 'unstable.yaml:7:19: studies.queue.arrival_rate: unstable queue: ρ = 1.25 ≥ 1 (expected arrival_rate × mean service / servers < 1)');
    return true;
  });
});

test('every bundled validation scenario loads, and replicate returns metrics + series values', () => {
  const files = readdirSync(scenarioDir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const loaded = loadScenarioFile(scenarioDir + f);
    const plan = loaded.studies.find((s) => s.name === 'queue');
    assert.ok(plan, f);
    assert.ok(Object.keys(loaded.expect ?? {}).length > 0, `${f} has expect bounds`);
    for (const v of plan.variants) assert.deepEqual(queueStudy.check!(v.input as never), [], `${f} ${v.design}`);
  }
  const inp = input({ model: 'mmc', arrival_rate: 3, servers: 4, service: { exponential: { mean: 1 } }, jobs: 2000, warmup_jobs: 100 });
  const v = replicateFlat(queueStudy, inp, { replication: 0, streams: new Streams(1, 0) });
  assert.equal(v.length, valuesPerReplication(queueStudy, inp));
});

test('replications are deterministic in (seed, replication) and differ across replications', () => {
  const inp = input({ model: 'mg1-ps', arrival_rate: 0.8, service: { lognormal: { mean: 1, cv: 2 } }, jobs: 3000, warmup_jobs: 100 });
  const run = (seed: number, r: number) => Array.from(replicateFlat(queueStudy, inp, { replication: r, streams: new Streams(seed, r) }));
  assert.deepEqual(run(5, 3), run(5, 3));
  assert.notDeepEqual(run(5, 3), run(5, 4));
});
