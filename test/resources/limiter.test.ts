import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation } from '../../sim/engine/simulation.js';
import { Limiter } from '../../sim/resources/limiter.js';
import { Signal } from '../../sim/resources/signal.js';

test('limiter: grants in FIFO order as slots free up (hand-worked log)', () => {
  // capacity 2; jobs 0..4 ask at t=0 (in order) and hold the slot for 3, 1, 2, 2, 1 seconds.
  // 0: 0–3, 1: 0–1, 2: 1–3, 3: 3–5, 4: 3–4.
  const sim = new Simulation();
  const hold = [3, 1, 2, 2, 1];
  const lim = new Limiter(sim, 2, 'builds');
  const log: string[] = [];
  const done = sim.addHandler('done', (j: number) => { log.push(`end${j}@${sim.now}`); lim.release(); });
  const granted = sim.addHandler('granted', (j: number) => { log.push(`start${j}@${sim.now}`); sim.schedule(hold[j], done, j); });
  for (let j = 0; j < 5; j++) lim.request(granted, j);
  assert.equal(lim.inUse, 2);
  assert.equal(lim.queueLength, 3);
  sim.run();
  assert.deepEqual(log, [
    'start0@0', 'start1@0', 'end1@1', 'start2@1', 'end0@3', 'end2@3', 'start3@3', 'start4@3', 'end4@4', 'end3@5',
  ]);
  assert.equal(lim.inUse, 0);
  assert.equal(lim.granted, 5);
  // busy slots: 2 on [0,4), 1 on [4,5): mean 9/5. Queue: 3 on [0,1), 2 on [1,3): mean 7/5.
  assert.equal(lim.busy.mean(), 9 / 5);
  assert.equal(lim.queue.mean(), 7 / 5);
  assert.equal(lim.busy.max, 2);
});

test('limiter: a grant is an event at the current time, not a call inside request()', () => {
  const sim = new Simulation();
  const lim = new Limiter(sim, 1);
  const log: string[] = [];
  const g = sim.addHandler('g', (p: number) => { log.push(`grant${p}`); });
  const asker = sim.addHandler('asker', () => { lim.request(g, 1); log.push('after-request'); });
  sim.schedule(1, asker);
  sim.run();
  assert.deepEqual(log, ['after-request', 'grant1']);
  assert.equal(sim.now, 1);
});

test('limiter: withdraw removes a waiting request; tryAcquire; release without slot throws; setCapacity serves waiters', () => {
  const sim = new Simulation();
  const lim = new Limiter(sim, 1);
  const log: number[] = [];
  const g = sim.addHandler('g', (p: number) => { log.push(p); });
  assert.equal(lim.tryAcquire(), true);
  assert.equal(lim.tryAcquire(), false);
  for (let j = 0; j < 40; j++) lim.request(g, j); // forces queue growth
  assert.equal(lim.withdraw(g, 5), true);
  assert.equal(lim.withdraw(g, 5), false);
  assert.equal(lim.queueLength, 39);
  lim.setCapacity(3);
  sim.run();
  assert.deepEqual(log, [0, 1]);
  lim.release(); lim.release(); lim.release();
  sim.run();
  assert.deepEqual(log, [0, 1, 2, 3, 4]);
  const fresh = new Limiter(sim, 2);
  assert.throws(() => fresh.release());
  assert.throws(() => new Limiter(sim, 0), RangeError);
});

test('limiter property: FIFO service, never more than capacity in use, every request granted once', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 4 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 60 }),
    (cap, jobs) => {
      const sim = new Simulation();
      const lim = new Limiter(sim, cap);
      const grantedAt: number[] = [];
      const order: number[] = [];
      const done = sim.addHandler('done', () => lim.release());
      const granted = sim.addHandler('granted', (j: number) => {
        assert.ok(lim.inUse <= cap);
        grantedAt[j] = sim.now; order.push(j);
        sim.schedule(jobs[j][1], done, j);
      });
      const arrive = sim.addHandler('arrive', (j: number) => lim.request(granted, j));
      // Arrivals in index order at non-decreasing times, so FIFO means grants in index order.
      let t = 0;
      jobs.forEach(([gap], j) => { t += gap; sim.at(t, arrive, j); });
      sim.run();
      assert.deepEqual(order, jobs.map((_, j) => j));
      assert.equal(lim.inUse, 0);
      assert.equal(lim.queueLength, 0);
    },
  ), { numRuns: 200 });
});

test('signal: notifyAll wakes every waiter in arrival order at the current time; later waiters wait for the next', () => {
  const sim = new Simulation();
  const sig = new Signal(sim, 'image-cached');
  const log: string[] = [];
  const w = sim.addHandler('w', (p: number) => { log.push(`w${p}@${sim.now}`); });
  sig.wait(w, 1); sig.wait(w, 2);
  const notify = sim.addHandler('notify', () => { assert.equal(sig.notifyAll(), 2); sig.wait(w, 3); });
  sim.schedule(4, notify);
  sim.run();
  assert.deepEqual(log, ['w1@4', 'w2@4']);
  assert.equal(sig.waiting, 1);
});
