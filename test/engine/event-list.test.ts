import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventList } from '../../sim/engine/event-list.js';

/** Pops everything, returning [time, priority, payload] per event. */
function drain(ev: EventList): [number, number, number][] {
  const out: [number, number, number][] = [];
  while (ev.size > 0) {
    const s = ev.pop();
    out.push([ev.poppedTime, ev.priority[s], ev.payload[s]]);
  }
  return out;
}

test('order: time, then priority (lower first), then insertion', () => {
  const ev = new EventList(4);
  ev.push(2, 0, 1, 0);
  ev.push(1, 0, 2, 5);
  ev.push(1, 0, 3, -1);
  ev.push(1, 0, 4, 5);
  ev.push(0.5, 0, 5, 9);
  ev.push(1, 0, 6, -1);
  assert.deepEqual(drain(ev).map(([, , p]) => p), [5, 3, 6, 2, 4, 1]);
});

test('cancel removes exactly that event; cancelling twice returns false', () => {
  const ev = new EventList();
  const t = [3, 1, 2, 1].map((time, i) => ev.push(time, 0, i, 0));
  assert.equal(ev.cancel(t[1]), true);
  assert.equal(ev.cancel(t[1]), false);
  assert.equal(ev.isPending(t[1]), false);
  assert.equal(ev.isPending(t[3]), true);
  assert.deepEqual(drain(ev).map(([, , p]) => p), [3, 2, 0]);
});

test('a token of an event that already fired is stale: cancelling it does not touch the slot reusing it', () => {
  const ev = new EventList();
  const old = ev.push(1, 0, 10, 0);
  ev.pop(); // fires
  const fresh = ev.push(2, 0, 11, 0); // recycles the same slot
  assert.equal(ev.isPending(old), false);
  assert.equal(ev.cancel(old), false);
  assert.equal(ev.isPending(fresh), true);
  assert.equal(ev.size, 1);
  assert.deepEqual(drain(ev), [[2, 0, 11]]);
});

test('timeOf gives the pending time of a token, NaN once it fired or was cancelled', () => {
  const ev = new EventList();
  const a = ev.push(4, 0, 0, 0), b = ev.push(2, 0, 1, 0);
  assert.equal(ev.timeOf(a), 4);
  assert.equal(ev.peekTime(), 2);
  ev.pop();
  assert.equal(ev.poppedTime, 2);
  assert.ok(Number.isNaN(ev.timeOf(b)));
  ev.cancel(a);
  assert.ok(Number.isNaN(ev.timeOf(a)));
});

test('tokens stay exact doubles however often a slot is reused (generation wraps below 2^29)', () => {
  const ev = new EventList(16);
  // Pretend slot 0 has been reused almost 2^29 times.
  ev.push(1, 0, 0, 0);
  ev.pop();
  ev.generation[0] = 2 ** 29 - 1;
  const t = ev.push(2, 0, 7, 0);
  assert.ok(Number.isSafeInteger(t));
  assert.equal(ev.isPending(t), true);
  ev.pop();
  assert.equal(ev.generation[0], 0, 'wrapped');
  const u = ev.push(3, 0, 8, 0);
  assert.equal(ev.isPending(t), false);
  assert.equal(ev.cancel(u), true);
});

test('garbage tokens are rejected', () => {
  const ev = new EventList();
  ev.push(1, 0, 0, 0);
  assert.equal(ev.cancel(123456), false);
  assert.equal(ev.cancel(-1), false);
  assert.equal(ev.size, 1);
});

test('growth: capacity doubles past the initial size and order survives', () => {
  const ev = new EventList(16);
  const small = ev.bytes;
  const n = 5000;
  for (let i = 0; i < n; i++) ev.push((i * 7919) % n, 0, i, 0);
  assert.ok(ev.bytes >= small * 256, `${ev.bytes} bytes for ${n} events`);
  const out = drain(ev);
  assert.equal(out.length, n);
  for (let i = 0; i < n; i++) assert.equal(out[i][0], i);
});

test('property: random push/cancel/pop sequences pop in (time, priority, seq) order, none lost or duplicated', () => {
  const op = fc.oneof(
    fc.record({ k: fc.constant('push' as const), time: fc.integer({ min: 0, max: 20 }), prio: fc.integer({ min: -2, max: 2 }) }),
    fc.record({ k: fc.constant('cancel' as const), which: fc.nat() }),
    fc.record({ k: fc.constant('pop' as const) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
    const ev = new EventList(16);
    // Reference model: a plain array of pending events, minimum found by linear scan.
    type Ref = { time: number; prio: number; seq: number; token: number };
    let ref: Ref[] = [];
    const tokens: number[] = [];
    let seq = 0;
    let lastTime = -Infinity;
    const popBoth = () => {
      let best = 0;
      for (let i = 1; i < ref.length; i++) {
        const a = ref[i], b = ref[best];
        if (a.time < b.time || (a.time === b.time && (a.prio < b.prio || (a.prio === b.prio && a.seq < b.seq)))) best = i;
      }
      const want = ref[best];
      ref.splice(best, 1);
      const s = ev.pop();
      assert.equal(ev.payload[s], want.seq, 'same event as the reference');
      return want;
    };
    for (const o of ops) {
      if (o.k === 'push') {
        // Like the simulator: never schedule before the last popped time.
        const time = Math.max(o.time, lastTime);
        const token = ev.push(time, 0, seq, o.prio);
        ref.push({ time, prio: o.prio, seq, token });
        tokens.push(token);
        seq++;
      } else if (o.k === 'cancel') {
        if (tokens.length === 0) continue;
        const token = tokens[o.which % tokens.length];
        const pending = ref.some((r) => r.token === token);
        assert.equal(ev.cancel(token), pending);
        ref = ref.filter((r) => r.token !== token);
      } else if (ref.length > 0) {
        const e = popBoth();
        assert.ok(e.time >= lastTime, 'time never goes backwards');
        lastTime = e.time;
      }
      assert.equal(ev.size, ref.length);
    }
    let prev: [number, number, number] = [-Infinity, -Infinity, -Infinity];
    while (ref.length > 0) {
      const e = popBoth();
      const key: [number, number, number] = [e.time, e.prio, e.seq];
      assert.ok(key[0] > prev[0] || (key[0] === prev[0] && (key[1] > prev[1] || (key[1] === prev[1] && key[2] > prev[2]))));
      prev = key;
    }
    assert.equal(ev.size, 0);
  }), { numRuns: 300 });
});
