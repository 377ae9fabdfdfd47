import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { layoutOf } from '../../sim/montecarlo/layout.js';
import { replicateRange, ReplicationError, type FailureRecord } from '../../sim/montecarlo/replicate.js';
import { probe, registerProbe } from '../scenario/probe-study.js';

registerProbe();
const scenario = () => loadScenarioText('name: f\nseed: 5\nreplications: 8\nstudies: {probe: {size: 2}}\n', 'f.yaml');

test('a replication returning NaN or Infinity fails like a throwing one; NaN passes only where the metric declares undefinedWhen', () => {
  const loaded = scenario();
  const plan = loaded.studies[0];
  const layout = layoutOf(plan);
  const original = probe.replicate;
  try {
    for (const bad of [NaN, Infinity, -Infinity]) {
      probe.replicate = (input, ctx) => (ctx.replication === 2 ? ({ metrics: { draw: bad, size: 1 }, events: 0 }) : original(input, ctx));
      const out = new Float64Array(4 * layout.stride);
      assert.throws(() => replicateRange(plan, layout, 5, 0, 4, out), (e: unknown) => {
        assert.ok(e instanceof ReplicationError);
        assert.equal(e.replication, 2);
        assert.match(e.message, new RegExp(`metric draw is ${bad} \\(expected a finite number`));
        return true;
      });
      const failures: FailureRecord[] = [];
      replicateRange(plan, layout, 5, 0, 4, out, undefined, failures);
      assert.deepEqual(failures.map((f) => f.replication), [2], 'recorded, and the range went on');
      assert.ok(Number.isNaN(out[2 * layout.stride]) && Number.isFinite(out[3 * layout.stride]));
    }
    (probe.metrics.draw as { undefinedWhen?: string }).undefinedWhen = 'never, in this test';
    probe.replicate = (input, ctx) => (ctx.replication === 2 ? ({ metrics: { draw: NaN, size: 1 }, events: 0 }) : original(input, ctx));
    const failures: FailureRecord[] = [];
    replicateRange(plan, layout, 5, 0, 4, new Float64Array(4 * layout.stride), undefined, failures);
    assert.deepEqual(failures, []);
  } finally {
    probe.replicate = original;
    delete (probe.metrics.draw as { undefinedWhen?: string }).undefinedWhen;
  }
});

test('a loss system that blocks every arrival runs: its served-job metrics are declared undefined, not a failure (fuzz finding)', () => {
  const loaded = loadScenarioText('name: q\nhorizon: 1d\nstudies:\n  queue: {model: mmc-loss, arrival_rate: 1000000000000, servers: 10, service: {exponential: {mean: 1s}}, jobs: 200}\n', 'q.yaml', { replications: 2 });
  const plan = loaded.studies[0];
  const layout = layoutOf(plan);
  const failures: FailureRecord[] = [];
  replicateRange(plan, layout, loaded.seed, 0, 2, new Float64Array(2 * layout.stride), undefined, failures);
  assert.deepEqual(failures, []);
});
