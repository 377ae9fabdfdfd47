/** Worker death and failure accounting over real worker threads (several seconds: full tier). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { ReplicationFailure, runScenario, WorkerDied } from '../../sim/montecarlo/run.js';
import { registerProbe } from '../scenario/probe-study.js';

registerProbe();
const dying = new URL('./dying-worker.js', import.meta.url);
const scenario = (extra = '') => loadScenarioText(`name: f\nseed: 5\nreplications: 8\nstudies: {probe: {size: 2${extra}}}\n`, 'f.yaml');

test('a worker that exits is detected: its chunk is retried once on a fresh worker and the run completes', async () => {
  const flag = join(mkdtempSync(join(tmpdir(), 'headroom-die-')), 'died');
  process.env.HEADROOM_TEST_DIE = `exit-once:${flag}`;
  try {
    const loaded = scenario();
    const run = await runScenario(loaded, { workers: 2, workerFile: dying });
    delete process.env.HEADROOM_TEST_DIE;
    const clean = await runScenario(loaded, { workers: 2, workerFile: dying });
    assert.deepEqual([...run.studies[0].values], [...clean.studies[0].values], 'the retried chunk gives the same rows');
  } finally {
    delete process.env.HEADROOM_TEST_DIE;
  }
});

test('a worker that dies twice on a chunk fails the run naming the chunk; nothing hangs', async () => {
  process.env.HEADROOM_TEST_DIE = 'exit';
  try {
    await assert.rejects(runScenario(scenario(), { workers: 2, workerFile: dying }), (e: unknown) => {
      assert.ok(e instanceof WorkerDied, String(e));
      assert.match(e.message, /a worker failed twice on replications 0–\d+ of probe \(retried once on a fresh worker\): worker exited with code: 9/);
      return true;
    });
  } finally {
    delete process.env.HEADROOM_TEST_DIE;
  }
});

test('a worker that runs out of memory ends alone (not the process) and is reported as out of memory', async () => {
  process.env.HEADROOM_TEST_DIE = 'oom';
  try {
    // --max-memory 64 MiB: the worker's heap limit, so it runs out quickly.
    await assert.rejects(runScenario(scenario(), { workers: 1, workerFile: dying, overrides: { maxMemory: 64 * 2 ** 20 } }), (e: unknown) => {
      assert.ok(e instanceof WorkerDied, String(e));
      assert.match(e.message, /of probe .*out of memory/);
      return true;
    });
  } finally {
    delete process.env.HEADROOM_TEST_DIE;
  }
});

test('failing replications are counted over all chunks: how many of how many, the first named', async () => {
  // Every chunk runs to its end, so the count covers all of them.
  const loaded = scenario(', fail_at: 5');
  await assert.rejects(runScenario(loaded, { workers: 2, workerFile: dying }), (e: unknown) => {
    assert.ok(e instanceof ReplicationFailure, String(e));
    assert.equal(e.failed, 1);
    assert.equal(e.total, 8);
    assert.equal(e.replication, 5);
    assert.equal(e.message, '1 of 8 replications of probe failed; the first: replication 5 (seed 5) of probe/baseline: probe failed on purpose');
    return true;
  });
});
