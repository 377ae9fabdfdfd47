import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { drawImages } from '../../sim/openstack/nova/local-rebuild.js';

/** The draw as first written: a linear walk of the cumulative shares. */
function linear(shares: number[], draws: number[]): number[] {
  const total = shares.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const s of shares) { acc += s / total; cum.push(acc); }
  return draws.map((v) => {
    let k = 0;
    while (k < cum.length - 1 && v >= cum[k]) k++;
    return k;
  });
}

test('property: drawImages (binary search) picks the same image as a linear walk of the shares, zero shares and edges included', () => {
  const share = fc.oneof(fc.constant(0), fc.constant(0.03), fc.double({ min: 0.001, max: 5, noNaN: true }));
  fc.assert(fc.property(
    fc.array(share, { minLength: 1, maxLength: 16 }).filter((s) => s.some((x) => x > 0)),
    fc.array(fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constant(0), fc.constant(1 - Number.EPSILON / 2)), { minLength: 1, maxLength: 40 }),
    (shares, draws) => {
      // Also draw exactly on every cumulative boundary, where `<` against `≤` would differ.
      const total = shares.reduce((a, b) => a + b, 0);
      let acc = 0;
      const all = [...draws];
      for (const s of shares) { acc += s / total; if (acc < 1) all.push(acc); }
      let k = 0;
      const rng = { next: () => all[k++] };
      assert.deepEqual(Array.from(drawImages(shares, all.length, rng)), linear(shares, all));
    },
  ), { numRuns: 300 });
});
