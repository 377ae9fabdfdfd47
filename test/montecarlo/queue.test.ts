import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { defaultChunk, QueueError, runOnQueue, serveQueue } from '../../sim/montecarlo/queue.js';
import { statusLine } from '../../sim/cli/queue.js';

// What the queue mode does without a Redis (the rest is in queue.full.test.ts, against redis-server).
const loaded = loadScenarioFile('test/fixtures/distributed/tiny.yaml');

test('a URL that is not redis:// or a Redis nobody listens on is a QueueError naming it, not a retry loop', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  await assert.rejects(runOnQueue(loaded, { url: 'http://127.0.0.1:6379', version: 't' }), (e) => e instanceof QueueError && /not a redis:\/\/ URL/.test(e.message));
  await assert.rejects(runOnQueue(loaded, { url: 'not a url', version: 't' }), (e) => e instanceof QueueError && /not a URL \(expected redis:\/\/HOST:PORT\)/.test(e.message));
  await assert.rejects(serveQueue({ url: 'redis://127.0.0.1:1' }), (e) => e instanceof QueueError && /cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/.test(e.message));
  // Nor a wait: the refused socket leaves no timer behind once ioredis has destroyed it (its
  // default disconnectTimeout kept the command alive 2 s after it had said why it stopped; ours
  // is 200 ms). Polled up to 1.5 s, under the default's 2 s: a loaded machine may fire the
  // 200 ms timer late (a fixed 300 ms wait failed once under npm test's parallel folders).
  for (let waited = 0; waited < 1500 && timers() !== before; waited += 50) await new Promise((r) => setTimeout(r, 50));
  assert.equal(timers(), before);
});

test('chunks: about 128 per study, at least one replication each', () => {
  assert.equal(defaultChunk(1), 1);
  assert.equal(defaultChunk(128), 1);
  assert.equal(defaultChunk(129), 2);
  assert.equal(defaultChunk(1000), 8);
});

test('the progress line names the chunks done, the workers connected and who stored what', () => {
  assert.equal(statusLine({ chunksDone: 3, chunks: 8, workersConnected: 2, byWorker: { a: 1, b: 2 } }), 'queue: 3/8 chunks, 2 worker(s) connected (chunks stored by a: 1, b: 2)');
  assert.equal(statusLine({ chunksDone: 0, chunks: 8, workersConnected: 0, byWorker: {} }), 'queue: 0/8 chunks, 0 worker(s) connected');
});
