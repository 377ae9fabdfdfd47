import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation } from '../../sim/engine/simulation.js';
import { SharedLink } from '../../sim/resources/shared-link.js';

/** A done handler that logs (time, payload). */
function logger(sim: Simulation) {
  const log: [number, number][] = [];
  const id = sim.addHandler('done', (p: number) => { log.push([sim.now, p]); });
  return { log, id };
}

const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('max-min fair rates: link 10, caps 1, 2, ∞, ∞ → 1, 2, 3.5, 3.5', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 10);
  const { id } = logger(sim);
  const f = [1, 2, Infinity, Infinity].map((cap, i) => link.start(100, cap, id, i));
  assert.deepEqual(f.map((x) => link.rate(x)), [1, 2, 3.5, 3.5]);
  assert.equal(link.throughput, 10);
  assert.equal(link.fairShare, 3.5);
});

test('max-min fair rates: link 10, caps 2, 3, ∞, ∞ → 2, 8/3, 8/3, 8/3 (the cap of 3 does not bind)', () => {
  // 2, 3, 2.5, 2.5 also sums to 10 but is not max-min fair: an uncapped flow (2.5) could grow
  // by taking from the flow at 3, which is larger. After the cap-2 flow, 8 is left for three
  // flows: 8/3 < 3.
  const sim = new Simulation();
  const link = new SharedLink(sim, 10);
  const { id } = logger(sim);
  const f = [2, 3, Infinity, Infinity].map((cap, i) => link.start(100, cap, id, i));
  const r = f.map((x) => link.rate(x));
  assert.equal(r[0], 2);
  for (const x of r.slice(1)) assert.ok(close(x, 8 / 3));
  assert.ok(close(link.throughput, 10));
});

test('max-min fair rates: caps above the equal share do not bind; caps summing below capacity leave it idle', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 12);
  const { id } = logger(sim);
  const a = link.start(100, 5, id, 0), b = link.start(100, 7, id, 1), c = link.start(100, Infinity, id, 2);
  assert.deepEqual([a, b, c].map((x) => link.rate(x)), [4, 4, 4]);
  link.abort(c);
  assert.deepEqual([a, b].map((x) => link.rate(x)), [5, 7]);
  link.abort(b);
  assert.equal(link.rate(a), 5, 'a capped flow alone runs at its cap, not at the link capacity');
  assert.equal(link.throughput, 5);
});

test('water-filling: caps 1, 4, 4, ∞ on 12 → 1, 11/3, 11/3, 11/3', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 12);
  const { id } = logger(sim);
  const f = [1, 4, 4, Infinity].map((cap, i) => link.start(100, cap, id, i));
  const r = f.map((x) => link.rate(x));
  assert.equal(r[0], 1);
  for (const x of r.slice(1)) assert.ok(close(x, 11 / 3));
});

test('single flow: completion at bytes / capacity, or bytes / cap when capped', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 100);
  const { log, id } = logger(sim);
  link.start(1000, Infinity, id, 7);
  sim.run();
  assert.deepEqual(log, [[10, 7]]);
  link.start(1000, 40, id, 8);
  sim.run();
  assert.equal(log[1][1], 8);
  assert.ok(close(log[1][0], 10 + 25));
  assert.ok(close(link.bytesDone, 2000));
  assert.ok(close(link.busyTime, 35));
});

test('batch: N equal transfers started together all finish together at N·S/B', () => {
  for (const [n, size, cap] of [[1, 5, 3], [3, 1e9, 1.25e9], [7, 1234.5, 10], [100, 8 * 2 ** 30, 1.25e9], [1000, 0.1, 1]]) {
    const sim = new Simulation();
    const link = new SharedLink(sim, cap);
    const { log, id } = logger(sim);
    for (let i = 0; i < n; i++) link.start(size, Infinity, id, i);
    const before = sim.eventsFired;
    sim.run();
    assert.equal(log.length, n);
    assert.equal(sim.eventsFired - before, 1, 'one completion event for the whole batch');
    for (const [t] of log) assert.equal(t, log[0][0], 'same event time');
    assert.ok(close(log[0][0], (n * size) / cap), `${n}·${size}/${cap}`);
    assert.deepEqual(log.map(([, p]) => p), [...Array(n).keys()], 'notified in start order');
  }
});

test('processor sharing: a late arrival slows the first flow (hand-worked)', () => {
  // C = 1. A (size 3) alone from 0 to 1 (2 left); B (size 1) arrives at 1: both at 0.5;
  // B finishes at 3, A has 1 left then and finishes at 4.
  const sim = new Simulation();
  const link = new SharedLink(sim, 1);
  const { log, id } = logger(sim);
  const startB = sim.addHandler('startB', () => { link.start(1, Infinity, id, 2); });
  link.start(3, Infinity, id, 1);
  sim.schedule(1, startB);
  sim.run();
  assert.deepEqual(log, [[3, 2], [4, 1]]);
  assert.ok(close(link.bytesDone, 4));
  assert.equal(link.busyTime, 4);
});

test('flows started at different times that finish together complete in the same event', () => {
  // C = 1: A (size 2) alone on [0, 1) → 1 left; B (size 1) starts at 1; both at 0.5 → both end at 3.
  const sim = new Simulation();
  const link = new SharedLink(sim, 1);
  const { log, id } = logger(sim);
  const startB = sim.addHandler('startB', () => { link.start(1, Infinity, id, 2); });
  link.start(2, Infinity, id, 1);
  sim.schedule(1, startB);
  sim.run();
  assert.deepEqual(log, [[3, 1], [3, 2]]);
  assert.equal(sim.eventsFired, 2, 'the start of B and one completion event');
});

test('only one completion event is pending, whatever the number of flows', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 10);
  const { id } = logger(sim);
  for (let i = 0; i < 50; i++) link.start(1 + i, i % 3 === 0 ? 0.5 : Infinity, id, i);
  assert.equal(sim.events.size, 1);
});

test('abort: the flow is not notified, the others speed up; aborting twice or a finished flow is a no-op', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 2);
  const { log, id } = logger(sim);
  const a = link.start(10, Infinity, id, 1);
  const b = link.start(2, Infinity, id, 2);
  const abortA = sim.addHandler('abortA', () => { assert.equal(link.abort(a), true); });
  sim.schedule(1, abortA); // at 1: a has 9 left, b has 1 left; b then runs at 2 → done at 1.5
  sim.run();
  assert.deepEqual(log, [[1.5, 2]]);
  assert.equal(link.abort(a), false);
  assert.equal(link.abort(b), false);
  assert.equal(link.rate(a), 0);
  assert.ok(close(link.bytesDone, 3));
});

test('a done handler may start a new flow on the same link (re-entrancy), and slots are recycled safely', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 1, 'nic', 4);
  const log: [number, number][] = [];
  let chained = 0;
  const id: number = sim.addHandler('id', (p: number) => {
    log.push([sim.now, p]);
    if (p < 10) { link.start(1, Infinity, id, p + 10); chained++; }
  });
  for (let i = 0; i < 10; i++) link.start(1, Infinity, id, i);
  sim.run();
  // 10 flows of 1 on C = 1 all end at 10; each starts one more (payload +10): 10 more end at 20.
  assert.equal(chained, 10);
  assert.equal(log.length, 20);
  assert.deepEqual(log.slice(0, 10).map(([t]) => t), Array(10).fill(10));
  assert.deepEqual(log.slice(10).map(([t, p]) => [t, p]), [...Array(10).keys()].map((i) => [20, i + 10]));
});

test('zero-byte flow completes at once; invalid arguments throw', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 1);
  const { log, id } = logger(sim);
  link.start(0, Infinity, id, 3);
  sim.run();
  assert.deepEqual(log, [[0, 3]]);
  assert.throws(() => link.start(-1, Infinity, id, 0), RangeError);
  assert.throws(() => link.start(1, 0, id, 0), RangeError);
  assert.throws(() => new SharedLink(sim, 0), RangeError);
  assert.throws(() => new SharedLink(sim, Infinity), RangeError);
});

test('caps plateau: throughput grows with the number of capped flows until the link capacity', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 10);
  const { id } = logger(sim);
  const seen: number[] = [];
  for (let i = 0; i < 8; i++) { link.start(1000, 3, id, i); seen.push(link.throughput); }
  assert.deepEqual(seen, [3, 6, 9, 10, 10, 10, 10, 10]);
});

test('setCapacity: a degraded link slows the flows from that moment on', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 4);
  const { log, id } = logger(sim);
  link.start(8, Infinity, id, 1);
  const degrade = sim.addHandler('degrade', () => link.setCapacity(1));
  sim.schedule(1, degrade); // 4 done, 4 left at rate 1 → ends at 5
  sim.run();
  assert.deepEqual(log, [[5, 1]]);
});

test('late in a long run (t ≈ 3e7 s) tiny transfers still complete and time advances', () => {
  const sim = new Simulation();
  const { log, id } = logger(sim);
  const link = new SharedLink(sim, 1.25e9);
  const go = sim.addHandler('go', () => { for (let i = 0; i < 5; i++) link.start(1 + i, Infinity, id, i); });
  sim.schedule(3.1e7, go);
  sim.run();
  assert.equal(log.length, 5);
  for (const [t] of log) assert.ok(t >= 3.1e7 && t < 3.1e7 + 1e-6);
});

test('a link busy for a long time keeps small transfers exact (virtual clock rebased)', () => {
  // 1 TB/s with a never-ending background flow: by t = 1e6 s the virtual clock would be at
  // 1e18 bytes, where a double resolves only 128 bytes, so a 1,000-byte transfer would be
  // booked as 1,024. Rebased, its remaining bytes are exact.
  const sim = new Simulation();
  const link = new SharedLink(sim, 1e12);
  const { log, id } = logger(sim);
  link.start(1e30, Infinity, id, 0);
  let small = -1;
  const go = sim.addHandler('go', () => { small = link.start(1000, Infinity, id, 1); });
  sim.schedule(1e6, go);
  sim.run(1e6);
  assert.equal(link.remainingBytes(small), 1000);
  sim.run(1e6 + 1);
  assert.equal(log.length, 1);
  assert.equal(log[0][1], 1);
});

test('property: conservation, work-conserving completion times, rates never exceed caps or capacity', () => {
  fc.assert(fc.property(
    fc.array(fc.record({
      at: fc.double({ min: 0, max: 20, noNaN: true }),
      size: fc.double({ min: 0, max: 50, noNaN: true }),
      cap: fc.oneof(fc.constant(Infinity), fc.double({ min: 0.1, max: 5, noNaN: true })),
    }), { minLength: 1, maxLength: 30 }),
    fc.double({ min: 0.5, max: 10, noNaN: true }),
    (flows, capacity) => {
      const sim = new Simulation();
      const link = new SharedLink(sim, capacity);
      const finished = new Array<number>(flows.length).fill(-1);
      const ids: number[] = [];
      const check = () => {
        let total = 0;
        for (let i = 0; i < ids.length; i++) {
          const r = link.rate(ids[i]);
          if (r > 0) assert.ok(r <= flows[i].cap * (1 + 1e-12));
          total += r;
        }
        assert.ok(total <= capacity * (1 + 1e-9));
        // Max-min: either the link is full, or every active flow runs at its cap.
        if (total < capacity * (1 - 1e-9)) {
          for (let i = 0; i < ids.length; i++) if (link.isActive(ids[i])) assert.ok(close(link.rate(ids[i]), flows[i].cap));
        }
      };
      const done = sim.addHandler('done', (p) => { finished[p] = sim.now; check(); });
      const starter = sim.addHandler('starter', (p) => { ids[p] = link.start(flows[p].size, flows[p].cap, done, p); check(); });
      flows.forEach((f, i) => { ids.push(-1); sim.at(f.at, starter, i); });
      sim.run();
      assert.ok(finished.every((t) => t >= 0), 'every flow completes');
      const bytes = flows.reduce((s, f) => s + f.size, 0);
      assert.ok(close(link.bytesDone, bytes, 1e-7), `bytesDone ${link.bytesDone} vs ${bytes}`);
      for (let i = 0; i < flows.length; i++) {
        const f = flows[i];
        const fastest = f.size / Math.min(f.cap, capacity);
        assert.ok(finished[i] - f.at >= fastest * (1 - 1e-9) - 1e-9, 'no flow beats its own bottleneck');
      }
      assert.equal(link.activeFlows, 0);
      assert.equal(sim.events.size, 0);
    },
  ), { numRuns: 300 });
});

/**
 * Reference model for the property below: the textbook algorithm, written independently and
 * plainly — at every arrival, abort or completion, recompute max-min rates from scratch by
 * sorting the caps, and step to the next moment anything happens.
 */
function reference(capacity: number, flows: { at: number; size: number; cap: number; abortAt: number }[]): number[] {
  const finish = new Array<number>(flows.length).fill(NaN);
  const rem = flows.map((f) => f.size);
  const active = new Set<number>();
  const pending = flows.map((_, i) => i).sort((a, b) => flows[a].at - flows[b].at || a - b);
  let t = 0, next = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    while (next < pending.length && flows[pending[next]].at <= t) active.add(pending[next++]);
    for (const i of [...active]) if (flows[i].abortAt <= t) active.delete(i);
    const ids = [...active].sort((a, b) => flows[a].cap - flows[b].cap);
    const rate = new Map<number, number>();
    let left = capacity, m = ids.length;
    for (const i of ids) {
      const share = left / m;
      const r = Math.min(flows[i].cap, share);
      rate.set(i, r); left -= r; m--;
    }
    let dt = Infinity;
    for (const i of ids) dt = Math.min(dt, rem[i] / rate.get(i)!);
    if (next < pending.length) dt = Math.min(dt, flows[pending[next]].at - t);
    for (const i of ids) if (flows[i].abortAt > t) dt = Math.min(dt, flows[i].abortAt - t);
    if (dt === Infinity) break;
    t += dt;
    for (const i of ids) {
      rem[i] -= rate.get(i)! * dt;
      if (rem[i] <= 1e-9 * flows[i].size + 1e-12) { finish[i] = t; active.delete(i); }
    }
  }
  return finish;
}

test('property: completion times match a from-scratch water-filling reference (caps from few classes, aborts)', () => {
  fc.assert(fc.property(
    fc.array(fc.record({
      at: fc.integer({ min: 0, max: 40 }).map((x) => x / 4),
      size: fc.integer({ min: 1, max: 60 }),
      cap: fc.constantFrom(Infinity, Infinity, 0.5, 1, 2, 5),
      abortAt: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 80 }).map((x) => x / 4)),
    }), { minLength: 1, maxLength: 40 }),
    fc.constantFrom(1, 3, 10),
    (flows, capacity) => {
      // An abort at or before the start means "never aborted" here (keeps both models simple).
      const fl = flows.map((f) => ({ ...f, abortAt: f.abortAt > f.at ? f.abortAt : Infinity }));
      const want = reference(capacity, fl);
      const sim = new Simulation();
      const link = new SharedLink(sim, capacity, 'l', 4);
      const got = new Array<number>(fl.length).fill(NaN);
      const ids: number[] = new Array(fl.length).fill(-1);
      const done = sim.addHandler('done', (i) => { got[i] = sim.now; });
      const start = sim.addHandler('start', (i) => { ids[i] = link.start(fl[i].size, fl[i].cap, done, i); });
      const stop = sim.addHandler('stop', (i) => { link.abort(ids[i]); });
      // Aborts get priority 1 so a flow starting at the same time is in before its abort.
      fl.forEach((f, i) => { sim.at(f.at, start, i); if (f.abortAt !== Infinity) sim.at(f.abortAt, stop, i, 1); });
      sim.run();
      for (let i = 0; i < fl.length; i++) {
        if (Number.isNaN(want[i])) { assert.ok(Number.isNaN(got[i]), `flow ${i} should have been aborted, finished at ${got[i]}`); continue; }
        assert.ok(Math.abs(got[i] - want[i]) <= 1e-7 * Math.max(1, want[i]), `flow ${i}: ${got[i]} vs reference ${want[i]}`);
      }
      assert.equal(link.activeFlows, 0);
    },
  ), { numRuns: 400 });
});
