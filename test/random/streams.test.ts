import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { Streams } from '../../sim/random/streams.js';

const take = (s: { next(): number }, n: number) => Array.from({ length: n }, () => s.next());

test('same (seed, replication, name) gives the same sequence, from separate Streams objects', () => {
  const a = take(new Streams(20261124, 7).stream('host-failures'), 1000);
  const b = take(new Streams(20261124, 7).stream('host-failures'), 1000);
  assert.deepEqual(a, b);
});

test('different names, replications or seeds give different sequences', () => {
  const base = take(new Streams(1, 0).stream('repair'), 50);
  for (const other of [
    new Streams(1, 0).stream('repairs'),
    new Streams(1, 1).stream('repair'),
    new Streams(2, 0).stream('repair'),
    new Streams('1 ', 0).stream('repair'),
  ]) {
    const o = take(other, 50);
    assert.notDeepEqual(o, base);
    // Not merely shifted: no value in common (53-bit doubles collide with probability ~0).
    assert.equal(o.filter((x) => base.includes(x)).length, 0);
  }
});

test('creation order and interleaving of streams do not change any stream', () => {
  const s1 = new Streams(99, 3);
  const a1 = s1.stream('a'), b1 = s1.stream('b');
  const seqA1: number[] = [], seqB1: number[] = [];
  for (let i = 0; i < 200; i++) { seqA1.push(a1.next()); if (i % 3 === 0) seqB1.push(b1.next()); }
  const s2 = new Streams(99, 3);
  const b2 = s2.stream('b');
  const seqB2 = take(b2, seqB1.length);
  const seqA2 = take(s2.stream('a'), 200);
  assert.deepEqual(seqA2, seqA1);
  assert.deepEqual(seqB2, seqB1);
});

test('asking for a stream again continues it (one generator per name per replication)', () => {
  const s = new Streams(5, 0);
  const first = take(s.stream('x'), 10);
  const next = take(s.stream('x'), 10);
  assert.deepEqual([...first, ...next], take(new Streams(5, 0).stream('x'), 20));
  assert.equal(s.stream('x'), s.stream('x'));
});

test('draws are in [0, 1), carry more than 32 bits, and are uniform (decile counts)', () => {
  const rng = new Streams(3, 0).stream('uniformity');
  const n = 100_000, bins = new Array(10).fill(0);
  let fine = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 10)]++;
    if ((u * 2 ** 32) % 1 !== 0) fine++;
  }
  assert.ok(fine > n * 0.99, 'double() gives 53-bit values, not multiples of 2^-32');
  // Chi-square with 9 df: 99.99th percentile is 33.7.
  const chi2 = bins.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
  assert.ok(chi2 < 33.7, `chi-square ${chi2}`);
});

test("streams are seedrandom's alea double() of the string seed/replication/name, number for number", () => {
  for (const [seed, r, name] of [[7, 0, 'rbd-guest/0'], [20150202, 3, 'host-failures'], ['abc', 12, 'x']] as const) {
    const ref = seedrandom.alea(`${seed}/${r}/${name}`);
    const s = new Streams(seed, r).stream(name);
    for (let i = 0; i < 20_000; i++) assert.equal(s.next(), ref.double(), `${seed}/${r}/${name} draw ${i}`);
  }
});
