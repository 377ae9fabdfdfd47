import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation } from '../../sim/engine/simulation.js';
import { Tally, TimeWeighted } from '../../sim/resources/monitors.js';

test('time-weighted mean of a step function (hand-worked)', () => {
  const clock = { now: 0 };
  const m = new TimeWeighted(clock, 1);
  clock.now = 2; m.set(3);     // 1 on [0,2)
  clock.now = 3; m.add(-3);    // 3 on [2,3)
  clock.now = 7;               // 0 on [3,7)
  assert.equal(m.integral(), 2 + 3);
  assert.equal(m.mean(), 5 / 7);
  assert.equal(m.max, 3);
  m.reset();                    // window restarts at 7 with level 0
  m.set(2);
  clock.now = 9;
  assert.equal(m.mean(), 2);
  assert.equal(m.elapsed(), 2);
  const fresh = new TimeWeighted(clock, 4);
  assert.equal(fresh.mean(), 4, 'no time elapsed: the current level');
});

test('time-weighted monitor driven by a simulation: utilisation of a server busy 3 s out of 10', () => {
  const sim = new Simulation();
  const busy = new TimeWeighted(sim);
  const on = sim.addHandler('on', () => busy.set(1));
  const off = sim.addHandler('off', () => busy.set(0));
  sim.schedule(2, on); sim.schedule(4, off); sim.schedule(8, on); sim.schedule(9, off);
  sim.run(10);
  assert.equal(busy.mean(), 0.3);
});

test('tally: mean, sample variance, min, max (hand-worked)', () => {
  const t = new Tally();
  assert.ok(Number.isNaN(t.mean));
  for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) t.add(x);
  assert.equal(t.count, 8);
  assert.equal(t.mean, 5);
  assert.equal(t.variance, 32 / 7);
  assert.equal(t.min, 2);
  assert.equal(t.max, 9);
  assert.equal(t.sum, 40);
  t.reset();
  assert.equal(t.count, 0);
});

test('tally: Welford keeps the variance where the naive formula cancels (mean 1e9, sd 1)', () => {
  const t = new Tally();
  for (const x of [1e9 - 1, 1e9, 1e9 + 1]) t.add(x);
  assert.equal(t.mean, 1e9);
  assert.equal(t.variance, 1);
});

test('tally property: matches a two-pass computation', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 200 }), (xs) => {
    const t = new Tally();
    for (const x of xs) t.add(x);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    assert.ok(Math.abs(t.mean - mean) <= 1e-9 * Math.max(1, Math.abs(mean)) + 1e-6);
    assert.ok(Math.abs(t.variance - v) <= 1e-7 * Math.max(1, v));
  }), { numRuns: 200 });
});
