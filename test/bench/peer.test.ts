import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { heapHold, heapMmc, HeapLoop } from '../../bench/heap-loop.js';
import { engineHold, mmcEvents } from '../../bench/engine.js';

// The contenders of the side-by-side table must run the same model and count events the same
// way (bench/peer.ts); no timing here.
const rng = (r: number) => new Streams(7, r).stream('peer');

test('engine hold model fires exactly the requested events; the heap loop pops them in time order', () => {
  assert.equal(engineHold(100, 5000, rng(1)), 5000);
  const h = new HeapLoop(64);
  const r = rng(2);
  for (let i = 0; i < 64; i++) h.push(r.next(), i);
  let last = -Infinity;
  while (h.size > 0) { h.pop(); assert.ok(h.lastTime >= last); last = h.lastTime; }
  // The hold model's clock: 5000 events of Exp(1) holds among 100 pending advance it by about
  // 5000 / 100 = 50 (each event moves one of 100 independent Exp(1) clocks), not just "> 0".
  const now = heapHold(100, 5000, rng(3));
  assert.ok(now > 40 && now < 60, `hold clock ${now}`);
});

test('M/M/c: engine and heap loop both count 3 events per job and model the same queue (Wq = 0.509434)', () => {
  assert.equal(mmcEvents(3, 1, 4, 10000, rng(4)), 30000);
  const jobs = 200000;
  const ceiling = heapMmc(3, 1, 4, jobs, rng(5));
  assert.equal(ceiling.events, 3 * jobs);
  assert.ok(Math.abs(ceiling.meanWait - 0.509434) < 0.05, `heap-loop M/M/4 mean wait ${ceiling.meanWait}`);
  // One server and no arrivals after the first: no job ever waits.
  assert.equal(heapMmc(1, 1, 1, 1, rng(6)).meanWait, 0);
});
