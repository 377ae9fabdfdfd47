import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRequire } from 'node:module';

const gamma = createRequire(import.meta.url)('@stdlib/math-base-special-gamma') as (x: number) => number;
import { normalCdf, normalQuantile, tCdf, tQuantile } from '../../sim/stats/t.js';

/** Student's t density from Γ itself (not the incomplete beta), so the CDF is checked against an independent integral. */
function tDensity(t: number, df: number): number {
  return gamma((df + 1) / 2) / (gamma(df / 2) * Math.sqrt(df * Math.PI)) * Math.pow(1 + (t * t) / df, -(df + 1) / 2);
}

// Published critical values of Student's t (upper-tail quantiles), to 10 significant digits as in
// R's qt() / Abramowitz & Stegun table 26.10; printed tables round them to 3–4 decimals
// (t(.975,1) = 12.706, t(.975,10) = 2.228, t(.975,30) = 2.042).
const TABLE: [df: number, p: number, t: number][] = [
  [1, 0.95, 6.313751515], [1, 0.975, 12.70620474], [1, 0.995, 63.65674116],
  [2, 0.95, 2.919985580], [2, 0.975, 4.302652730], [2, 0.995, 9.924843201],
  [5, 0.95, 2.015048373], [5, 0.975, 2.570581836], [5, 0.995, 4.032142984],
  [10, 0.95, 1.812461123], [10, 0.975, 2.228138852], [10, 0.995, 3.169272673],
  [30, 0.95, 1.697260887], [30, 0.975, 2.042272456], [30, 0.995, 2.749995654],
  [100, 0.95, 1.660234326], [100, 0.975, 1.983971519], [100, 0.995, 2.625890521],
];
// At ν = 1e6 tables print the normal value; to 7 digits t = z + (z³ + z)/(4ν).
const HUGE: [p: number, t: number][] = [[0.95, 1.6448551], [0.975, 1.9599664], [0.995, 2.5758342]];

test('tQuantile matches published t table values to 1e-9 relative', () => {
  let worst = 0;
  for (const [df, p, t] of TABLE) {
    const got = tQuantile(p, df);
    const rel = Math.abs(got - t) / t;
    worst = Math.max(worst, rel);
    assert.ok(rel < 1e-9, `t(${p}, ${df}) = ${got}, table ${t}, relative error ${rel}`);
  }
  for (const [p, t] of HUGE) {
    const got = tQuantile(p, 1e6);
    assert.ok(Math.abs(got - t) < 1e-7, `t(${p}, 1e6) = ${got}, expected ${t}`);
  }
  console.log(`# tQuantile worst relative error vs table: ${worst.toExponential(2)}`);
});

test('tQuantile is the 10-digit value at the three brief values (.975: df 1, 10, 30)', () => {
  assert.equal(tQuantile(0.975, 1).toFixed(4), '12.7062');
  assert.equal(tQuantile(0.975, 10).toFixed(4), '2.2281');
  assert.equal(tQuantile(0.975, 30).toFixed(4), '2.0423');
});

test('tQuantile agrees with the closed form for ν = 4 (a case not special-cased in the code)', () => {
  // ν = 4: with α = 4p(1−p), q = cos(arccos(√α)/3)/√α, t = sign(p−½)·2·√(q − 1).
  for (const p of [0.6, 0.75, 0.9, 0.975, 0.999, 0.02]) {
    const alpha = 4 * p * (1 - p);
    const q = Math.cos(Math.acos(Math.sqrt(alpha)) / 3) / Math.sqrt(alpha);
    const exact = Math.sign(p - 0.5) * 2 * Math.sqrt(q - 1);
    assert.ok(Math.abs(tQuantile(p, 4) - exact) < 1e-11 * Math.abs(exact), `p=${p}: ${tQuantile(p, 4)} vs ${exact}`);
  }
});

test('tCdf agrees with Simpson integration of the density (independent of the incomplete beta)', () => {
  for (const df of [3, 7.5, 0.7, 250]) {
    for (const t of [0.3, 1.1, 2.5, 6]) {
      const n = 20000, h = t / n;
      let s = tDensity(0, df) + tDensity(t, df);
      for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * tDensity(i * h, df);
      const integral = 0.5 + (s * h) / 3;
      assert.ok(Math.abs(tCdf(t, df) - integral) < 1e-10, `ν=${df} t=${t}: ${tCdf(t, df)} vs ${integral}`);
    }
  }
});

test('tQuantile inverts tCdf for any p and ν, and is odd in p − ½', () => {
  fc.assert(fc.property(
    fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
    fc.double({ min: 0.2, max: 5e5, noNaN: true }),
    (p, df) => {
      const t = tQuantile(p, df);
      assert.ok(Math.abs(tCdf(t, df) - p) < 1e-11, `ν=${df} p=${p} t=${t} cdf=${tCdf(t, df)}`);
      assert.equal(tQuantile(1 - p, df), -t);
    },
  ), { seed: 7, numRuns: 300 });
});

test('tQuantile falls with ν towards the normal quantile, which is ν = ∞', () => {
  for (const p of [0.9, 0.975, 0.995]) {
    let prev = Infinity;
    for (const df of [1, 1.5, 2, 3, 5, 10, 30, 100, 1e3, 1e5, 1e7, 1e9, Infinity]) {
      const t = tQuantile(p, df);
      assert.ok(t < prev, `t(${p}, ${df}) = ${t} should be < ${prev}`);
      prev = t;
    }
    assert.equal(tQuantile(p, Infinity), normalQuantile(p));
  }
  // Python's statistics.NormalDist().inv_cdf (Wichura AS241) to 16 digits.
  assert.ok(Math.abs(normalQuantile(0.975) - 1.9599639845400536) < 1e-14);
  assert.ok(Math.abs(normalQuantile(1e-10) + 6.361340902404056) < 1e-12);
  assert.ok(Math.abs(normalCdf(-1.959963984540054) - 0.025) < 1e-16);
});

test('tQuantile edge cases and bad arguments', () => {
  assert.equal(tQuantile(0.5, 3), 0);
  assert.equal(tQuantile(1, 3), Infinity);
  assert.equal(tQuantile(0, 3), -Infinity);
  assert.throws(() => tQuantile(0.975, 0), /degrees of freedom must be > 0/);
  assert.throws(() => tQuantile(0.975, NaN), /degrees of freedom/);
  assert.throws(() => tQuantile(1.2, 5), /p must be in \[0, 1\]/);
  assert.equal(tCdf(Infinity, 2), 1);
  assert.equal(tCdf(-Infinity, 2), 0);
  assert.equal(tCdf(0, 2), 0.5);
});
