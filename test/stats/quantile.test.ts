import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { quantileSorted as ssQuantileSorted } from 'simple-statistics';
import { quantileSorted } from '../../sim/stats/quantile.js';

test('quantile: type 7 by hand, NaN for an empty sample, any array type', () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.25), 1.75);
  assert.equal(quantileSorted([10, 20, 30, 40, 50], 0.95), 48);
  assert.equal(quantileSorted([7], 0.99), 7);
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  assert.ok(Number.isNaN(quantileSorted(new Float64Array(0), 0.5)));
});

test('quantile: bit-identical to simple-statistics on every non-empty sorted sample and p', () => {
  fc.assert(fc.property(
    fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
    fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.05, 0.5, 0.95, 0.99, 1)),
    (xs, p) => {
      const sorted = Float64Array.from(xs).sort();
      assert.ok(Object.is(quantileSorted(sorted, p) + 0, ssQuantileSorted(Array.from(sorted), p) + 0));
    },
  ));
});
