import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool } from '../../sim/montecarlo/pool.js';

// Node 20 aborts the process when a worker thread is terminated while it instantiates its ES
// modules (sim/montecarlo/pool.ts): a stop right after the start (a Ctrl-C in the first second)
// must wait until the workers have loaded.
test('stop() right after the start waits for the workers to finish loading, then ends them', async () => {
  const wp = new WorkerPool({ filename: new URL('./slow-loading-worker.js', import.meta.url).href, minThreads: 2, maxThreads: 2 });
  let loaded = 0;
  wp.pool.on('message', () => { loaded++; });
  const t0 = performance.now();
  await wp.stop();
  const ms = performance.now() - t0;
  assert.equal(loaded, 2, 'both workers said they had loaded before the pool was destroyed');
  assert.ok(ms >= 300, `stop returned after ${ms.toFixed(0)} ms, before the 400 ms load`);
  assert.equal(wp.pool.threads.length, 0, 'no thread left');
});

test('the real worker says it has loaded: stop() of an idle pool returns without waiting out its bound', async () => {
  const wp = new WorkerPool({ minThreads: 1, maxThreads: 1 });
  const t0 = performance.now();
  await wp.stop();
  assert.ok(performance.now() - t0 < 10_000, 'stop waited its whole bound: worker.ts never posted WORKER_LOADED');
});
