import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { layoutOf } from '../../sim/montecarlo/layout.js';
import { replicateRange, ReplicationError } from '../../sim/montecarlo/replicate.js';
import { studies } from '../../sim/studies/registry.js';
import { METRIC_KINDS, packReplication, type Replication, type ValueShape } from '../../sim/studies/study.js';
import { registerProbe } from '../scenario/probe-study.js';

registerProbe();

const shape: ValueShape = { metrics: ['a', 'b', 'c'], series: [{ name: 's', length: 2 }], width: 5 };
const pack = (v: Omit<Replication, 'events'>) => { const out = new Float64Array(7).fill(-1); packReplication(shape, v, out, 1); return Array.from(out); };

test('values are packed by name in definition order, whatever order the study wrote them in', () => {
  assert.deepEqual(pack({ metrics: { a: 1, b: 2, c: 3 }, series: { s: [4, 5] } }), [-1, 1, 2, 3, 4, 5, -1]);
  // Swapped in the object: still each value under its own name.
  assert.deepEqual(pack({ metrics: { c: 3, a: 1, b: 2 }, series: { s: Float64Array.of(4, 5) } }), [-1, 1, 2, 3, 4, 5, -1]);
  // NaN is a value (e.g. no boot finished), not a missing name.
  assert.ok(Number.isNaN(pack({ metrics: { a: NaN, b: 2, c: 3 }, series: { s: [4, 5] } })[1]));
});

test('a missing, misspelt or extra metric and a missing, unknown or short series are refused by name', () => {
  assert.throws(() => pack({ metrics: { a: 1, b: 2 } as never, series: { s: [4, 5] } }), /metrics by name: missing c \(expected a, b, c\)/);
  assert.throws(() => pack({ metrics: { a: 1, b: 2, cc: 3 } as never, series: { s: [4, 5] } }), /missing c; unknown cc/);
  assert.throws(() => pack({ metrics: { a: 1, b: 2, c: 3, d: 4 } as never, series: { s: [4, 5] } }), /metrics by name: unknown d/);
  assert.throws(() => pack({ metrics: { a: 1, b: 2, c: 3 } }), /series by name: missing s/);
  assert.throws(() => pack({ metrics: { a: 1, b: 2, c: 3 }, series: { s: [4] } }), /series s: 1 values, expected 2/);
  assert.throws(() => pack({ metrics: { a: 1, b: 2, c: 3 }, series: { s: [4, 5], t: [1] } }), /series by name: unknown t/);
});

test('the type system refuses a misspelt or forgotten name at compile time', () => {
  // @ts-expect-error 'cc' is not a metric of this study, and 'c' is missing
  const misspelt: Replication<'a' | 'b' | 'c'> = { metrics: { a: 1, b: 2, cc: 3 }, events: 0 };
  // @ts-expect-error 'c' is missing
  const forgotten: Replication<'a' | 'b' | 'c'> = { metrics: { a: 1, b: 2 }, events: 0 };
  assert.ok(misspelt && forgotten);
});

test('the runner names the study, design and replication of a study that returns a wrong name', () => {
  const s = loadScenarioText('name: a\nseed: 5\nstudies: {probe: {size: 2}}\n', 'x.yaml');
  const plan = s.studies[0];
  const wrong = { ...plan, definition: { ...plan.definition, replicate: () => ({ metrics: { draw: 1, sise: 2 }, events: 0 }) } };
  assert.throws(() => replicateRange(wrong, layoutOf(wrong), s.seed, 0, 2, new Float64Array(2 * layoutOf(wrong).stride)), (e: unknown) => {
    assert.ok(e instanceof ReplicationError);
    assert.equal(e.message, 'replication 0 (seed 5) of probe/baseline failed: metrics by name: missing size; unknown sise (expected draw, size)');
    return true;
  });
});

test('every registered study declares a label and a known kind per metric; key metrics and charts name its own metrics', () => {
  for (const st of studies) {
    const names = Object.keys(st.metrics);
    for (const [m, d] of Object.entries(st.metrics)) {
      assert.ok(d.label.length > 0 && d.label !== m, `${st.name}.${m}: label`);
      assert.ok(METRIC_KINDS.includes(d.kind), `${st.name}.${m}: kind ${d.kind}`);
    }
    for (const m of st.keyMetrics ?? []) assert.ok(names.includes(m), `${st.name}: key metric ${m}`);
    for (const c of st.charts ?? []) {
      if ('metric' in c) assert.ok(names.includes(c.metric), `${st.name}: chart of ${c.metric}`);
      if (c.kind === 'sweep' && c.x) assert.ok(names.includes(c.x), `${st.name}: sweep x ${c.x}`);
    }
  }
});
