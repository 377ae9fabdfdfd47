import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation, type Tracer } from '../../sim/engine/simulation.js';

/** A handler that appends `${name}${payload}@${now}` to a shared log. */
function logging(sim: Simulation, log: string[], name: string): number {
  return sim.addHandler(name, (p: number) => { log.push(`${name}${p}@${sim.now}`); });
}

test('equal-time events: priority first (lower fires first), then insertion order', () => {
  const sim = new Simulation();
  const log: string[] = [];
  const a = logging(sim, log, 'a'), b = logging(sim, log, 'b');
  sim.schedule(5, a, 1);
  sim.schedule(5, b, 1);
  sim.schedule(5, a, 2, -1);
  sim.schedule(1, b, 2, 10);
  sim.at(5, b, 3);
  sim.schedule(5, a, 3, 1);
  sim.run();
  assert.deepEqual(log, ['b2@1', 'a2@5', 'a1@5', 'b1@5', 'b3@5', 'a3@5']);
});

test('an event scheduled with zero delay from inside a handler fires after events already due at that time', () => {
  const sim = new Simulation();
  const log: string[] = [];
  const late = logging(sim, log, 'late');
  const other = logging(sim, log, 'other');
  const first = sim.addHandler('first', () => { log.push('first@' + sim.now); sim.schedule(0, late, 0); });
  sim.schedule(2, first);
  sim.schedule(2, other, 0);
  sim.run();
  assert.deepEqual(log, ['first@2', 'other0@2', 'late0@2']);
});

test('cancel: a cancelled event never fires; a stale token (event already fired) is a no-op', () => {
  const sim = new Simulation();
  const log: string[] = [];
  const h = logging(sim, log, 'h');
  const t1 = sim.schedule(1, h, 1);
  const t2 = sim.schedule(2, h, 2);
  assert.equal(sim.cancel(t2), true);
  sim.run();
  assert.deepEqual(log, ['h1@1']);
  const t3 = sim.schedule(1, h, 3); // reuses a recycled slot
  assert.equal(sim.cancel(t1), false);
  assert.equal(sim.cancel(t2), false);
  assert.equal(sim.isPending(t3), true);
  sim.run();
  assert.deepEqual(log, ['h1@1', 'h3@2']);
});

test('a handler can cancel another pending event at the same time', () => {
  const sim = new Simulation();
  const log: string[] = [];
  const victim = logging(sim, log, 'v');
  let token = -1;
  const killer = sim.addHandler('killer', () => { log.push('k'); assert.equal(sim.cancel(token), true); });
  sim.schedule(3, killer);
  token = sim.schedule(3, victim, 0);
  sim.run();
  assert.deepEqual(log, ['k']);
});

test('run(until): events at exactly until fire, later ones stay pending, the clock ends at until; run resumes', () => {
  const sim = new Simulation();
  const log: string[] = [];
  const h = logging(sim, log, 'h');
  sim.schedule(1, h, 1);
  sim.schedule(5, h, 5);
  sim.schedule(6, h, 6);
  sim.run(5);
  assert.deepEqual(log, ['h1@1', 'h5@5']);
  assert.equal(sim.now, 5);
  assert.equal(sim.peekTime(), 6);
  sim.run(5.5);
  assert.equal(sim.now, 5.5, 'clock moves to until even with no event before it');
  assert.equal(sim.eventsFired, 2);
  sim.run();
  assert.deepEqual(log, ['h1@1', 'h5@5', 'h6@6']);
  assert.equal(sim.now, 6, 'run() without until stops at the last event');
  assert.equal(sim.peekTime(), Infinity);
});

test('stop() ends run after the current event; the clock stays there', () => {
  const sim = new Simulation();
  const log: string[] = [];
  const h = logging(sim, log, 'h');
  const stopper = sim.addHandler('stopper', () => { log.push('stop'); sim.stop(); });
  sim.schedule(1, h, 1);
  sim.schedule(2, stopper);
  sim.schedule(3, h, 3);
  sim.run(10);
  assert.deepEqual(log, ['h1@1', 'stop']);
  assert.equal(sim.now, 2);
  sim.run(10);
  assert.deepEqual(log, ['h1@1', 'stop', 'h3@3']);
  assert.equal(sim.now, 10);
});

test('scheduling in the past is refused', () => {
  const sim = new Simulation();
  const h = sim.addHandler('h', () => {});
  sim.schedule(5, h);
  sim.run();
  assert.throws(() => sim.schedule(-1, h), RangeError);
  assert.throws(() => sim.schedule(NaN, h), RangeError);
  assert.throws(() => sim.at(4, h), RangeError);
  sim.at(5, h);
});

test('growth: 100,000 pending events past the initial capacity fire in order', () => {
  const sim = new Simulation(16);
  let last = -1, count = 0;
  const h = sim.addHandler('h', (p: number) => { assert.ok(p > last); last = p; count++; });
  for (let i = 0; i < 100_000; i++) sim.at(((i * 48271) % 100_000) + 1, h, ((i * 48271) % 100_000));
  sim.run();
  assert.equal(count, 100_000);
});

test('tracer sees every fired event with its handler name; fire() notifies inside the current event', () => {
  const sim = new Simulation();
  const seen: string[] = [];
  const tracer: Tracer = { event: (t, h, p) => { seen.push(`${h}:${p}@${t}`); }, note: () => {} };
  sim.tracer = tracer;
  const inner = sim.addHandler('inner', () => {});
  const outer = sim.addHandler('outer', (p: number) => { sim.fire(inner, p + 1); });
  sim.schedule(2, outer, 4);
  sim.run();
  assert.deepEqual(seen, ['outer:4@2', 'inner:5@2']);
  assert.equal(sim.eventsFired, 1, 'fire() is not an event');
  assert.equal(sim.handlerName(inner), 'inner');
});

test('property: handlers scheduling and cancelling at random: time never goes backwards, every live event fires once at its time', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.double({ min: 0, max: 10, noNaN: true }), fc.integer({ min: -1, max: 1 }), fc.nat(50), fc.boolean()), { minLength: 1, maxLength: 200 }),
    (plan) => {
      const sim = new Simulation(16);
      const fired = new Array<number>(plan.length).fill(0);
      const cancelled = new Array<boolean>(plan.length).fill(false);
      const tokens: number[] = [];
      const due: number[] = [];
      let lastNow = 0;
      let next = 1; // plan[0] is scheduled up front; each firing schedules the next plan entry
      const h = sim.addHandler('h', (i: number) => {
        assert.ok(sim.now >= lastNow, 'time never goes backwards');
        assert.equal(sim.now, due[i], 'fires at its time');
        lastNow = sim.now;
        fired[i]++;
        for (let k = 0; k < 2 && next < plan.length; k++, next++) {
          const [delay, p] = plan[next];
          due[next] = sim.now + delay;
          tokens[next] = sim.schedule(delay, h, next, p);
        }
        const [, , victim, doCancel] = plan[i];
        if (doCancel && victim < next && sim.isPending(tokens[victim])) {
          assert.equal(sim.cancel(tokens[victim]), true);
          cancelled[victim] = true;
        }
      });
      due[0] = plan[0][0];
      tokens[0] = sim.schedule(plan[0][0], h, 0, plan[0][1]);
      sim.run();
      for (let i = 0; i < next; i++) assert.equal(fired[i], cancelled[i] ? 0 : 1, `event ${i}`);
      assert.equal(sim.events.size, 0);
    },
  ), { numRuns: 300 });
});

test('each Simulation counts its own events: two in one thread, run in turns, do not add up', () => {
  const a = new Simulation(), b = new Simulation();
  const ha = a.addHandler('a', () => {}), hb = b.addHandler('b', () => {});
  for (let i = 0; i < 3; i++) a.schedule(i, ha, i);
  for (let i = 0; i < 5; i++) b.schedule(i, hb, i);
  a.run(1);
  b.run();
  a.run();
  assert.equal(a.eventsFired, 3);
  assert.equal(b.eventsFired, 5);
  assert.equal(new Simulation().eventsFired, 0, 'a new Simulation starts at 0 whatever ran before');
  // No thread-wide tally: a total is the sum over the Simulations its owner ran.
  assert.deepEqual(Object.keys(Simulation).filter((k) => /event/i.test(k)), []);
});

test('one way to add a handler: addHandler(name, fire) gives dense ids in order, and the name is what traces show', () => {
  const sim = new Simulation();
  const seen: string[] = [];
  sim.tracer = { event: (t, h, p) => { seen.push(`${h}:${p}@${t}`); }, note: () => {} };
  const got: number[] = [];
  const first = sim.addHandler('first', (p) => { got.push(p); });
  const second = sim.addHandler('second', (p) => { got.push(-p); });
  assert.deepEqual([first, second], [0, 1]);
  sim.schedule(1, second, 7);
  sim.schedule(0, first, 3);
  sim.run();
  assert.deepEqual(got, [3, -7]);
  assert.deepEqual(seen, ['first:3@0', 'second:7@1']);
  // The engine keeps no other registration path (handler objects, a register method).
  const methods = Object.getOwnPropertyNames(Simulation.prototype).filter((m) => /regist|handler|^on$/i.test(m));
  assert.deepEqual(methods, ['addHandler', 'handlerName']);
});
