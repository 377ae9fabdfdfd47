import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { corpus, mutantArb, mutate, problemClass, validateMutant } from './fuzz.js';

/**
 * The scenario fuzzer, full run: FUZZ_CASES (default 10,000) mutants validated in-process — each
 * refused with located lines or accepted — and a sample of the accepted ones run with 2
 * replications in a worker thread: no replication may fail (throw, or a non-finite metric) and
 * none may take longer than RUN_LIMIT_MS. Prints the seed, the counts and the problem classes.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
// The invariant is 10 s; a 2-core machine shared with other work gets twice that before it counts as a hang.
const RUN_LIMIT_MS = 20_000;

function runMutant(text: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./fuzz-run-worker.js', import.meta.url), { workerData: { text }, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    const timer = setTimeout(() => { void w.terminate(); reject(new Error(`run of 2 replications took over ${RUN_LIMIT_MS / 1000} s`)); }, RUN_LIMIT_MS);
    w.once('message', (m: { failures: string[] }) => { clearTimeout(timer); void w.terminate(); resolve(m.failures); });
    w.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

test(`fuzz: ${CASES} mutants refused cleanly or accepted, and accepted ones run`, { timeout: 3 * 3600_000 }, async () => {
  const bases = corpus();
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  console.log(`fuzz seed ${seed} (rerun with FUZZ_SEED=${seed})`);
  const t0 = performance.now();
  const classes = new Map<string, number>();
  const accepted: string[] = [];
  let refused = 0;
  fc.assert(fc.property(mutantArb(bases.length), (m) => {
    const text = mutate(bases, m);
    let o;
    try {
      o = validateMutant(text);
    } catch (e) {
      // fast-check names the case; say what went wrong and show the mutant.
      console.log(`fuzz failure: ${(e as Error).message}\n${text.slice(0, 2000)}`);
      throw e;
    }
    if (o.kind === 'refused') {
      refused++;
      for (const l of o.lines) { const c = problemClass(l); classes.set(c, (classes.get(c) ?? 0) + 1); }
    } else accepted.push(text);
  }), { numRuns: CASES, seed, endOnFailure: true });
  const validateS = (performance.now() - t0) / 1000;
  // Every k-th accepted mutant, so the sample spreads over the whole run.
  const step = Math.max(1, Math.floor(accepted.length / RUNS));
  const sample = accepted.filter((_, i) => i % step === 0).slice(0, RUNS);
  const t1 = performance.now();
  for (const text of sample) {
    let failures: string[];
    try {
      failures = await runMutant(text);
    } catch (e) {
      assert.fail(`accepted mutant did not run (seed ${seed}): ${(e as Error).message}\n${text.slice(0, 2000)}`);
    }
    assert.deepEqual(failures, [], `accepted mutant failed to run (seed ${seed}):\n${text.slice(0, 2000)}`);
  }
  const runS = (performance.now() - t1) / 1000;
  console.log(`fuzz: ${CASES} cases in ${validateS.toFixed(0)} s: ${refused} refused, ${accepted.length} accepted; ${sample.length} accepted run with 2 replications in ${runS.toFixed(0)} s`);
  console.log(`fuzz: ${classes.size} problem classes:`);
  for (const [c, n] of [...classes].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${c}`);
});
