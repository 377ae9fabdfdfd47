import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { layoutOf } from '../../sim/montecarlo/layout.js';
import { replicateRange, ReplicationError } from '../../sim/montecarlo/replicate.js';
import { Streams } from '../../sim/random/streams.js';
import { registerProbe } from '../scenario/probe-study.js';

registerProbe();

test('rows land at their replication index whatever the chunking', () => {
  const s = loadScenarioText('name: a\nseed: 11\nstudies: {probe: {size: 2}}\n', 'x.yaml');
  const plan = s.studies[0];
  const layout = layoutOf(plan);
  const whole = new Float64Array(10 * layout.stride);
  replicateRange(plan, layout, s.seed, 0, 10, whole);
  const parts = new Float64Array(10 * layout.stride);
  for (const [from, to] of [[0, 3], [3, 4], [4, 10]]) {
    const out = new Float64Array((to - from) * layout.stride);
    replicateRange(plan, layout, s.seed, from, to, out);
    parts.set(out, from * layout.stride);
  }
  assert.deepEqual(parts, whole);
});

test('designs of one replication see the same streams (common random numbers)', () => {
  const s = loadScenarioText('name: a\nseed: 11\ndesigns: {one: {}, two: {studies: {probe: {size: 4}}}}\nstudies: {probe: {size: 2}}\n', 'x.yaml');
  const plan = s.studies[0];
  const layout = layoutOf(plan);
  const out = new Float64Array(5 * layout.stride);
  replicateRange(plan, layout, s.seed, 0, 5, out);
  for (let r = 0; r < 5; r++) {
    const one = out[r * layout.stride + layout.offsets[0]];
    const two = out[r * layout.stride + layout.offsets[1]];
    assert.equal(two, 2 * one, 'same uniform draw, scaled by 4 instead of 2');
  }
});

test('a replication that throws names its index, seed and design', () => {
  const s = loadScenarioText('name: a\nseed: 77\nstudies: {probe: {fail_at: 3}}\n', 'x.yaml');
  const plan = s.studies[0];
  const layout = layoutOf(plan);
  assert.throws(() => replicateRange(plan, layout, s.seed, 0, 5, new Float64Array(5 * layout.stride)), (e: unknown) => {
    assert.ok(e instanceof ReplicationError);
    assert.equal(e.replication, 3);
    assert.equal(e.seed, 77);
    assert.equal(e.message, 'replication 3 (seed 77) of probe/baseline failed: probe failed on purpose');
    return true;
  });
});

test('the events a range reports are those its replications\' Simulations fired, whatever else ran in the thread', () => {
  const s = loadScenarioText('name: q\nseed: 3\nstudies: {queue: {model: mmc, arrival_rate: 0.5/s, servers: 1, service: {exponential: {mean: 1s}}, jobs: 50, warmup_jobs: 0}}\n', 'q.yaml');
  const plan = s.studies[0];
  const layout = layoutOf(plan);
  const perReplication: number[] = [];
  for (let r = 0; r < 3; r++) {
    perReplication.push(plan.definition.replicate(plan.variants[0].input, { replication: r, streams: new Streams(s.seed, r) }).events);
  }
  // At least an arrival and a departure per counted job, and a count that depends on the draws.
  assert.ok(perReplication.every((e) => e >= 100), `events ${perReplication}`);
  assert.ok(new Set(perReplication).size > 1, `events ${perReplication}`);
  const events = replicateRange(plan, layout, s.seed, 0, 3, new Float64Array(3 * layout.stride));
  assert.equal(events, perReplication[0] + perReplication[1] + perReplication[2]);
  assert.equal(replicateRange(plan, layout, s.seed, 1, 2, new Float64Array(layout.stride)), perReplication[1], 'a chunk counts only its own');
});
