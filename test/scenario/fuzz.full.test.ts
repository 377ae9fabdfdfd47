import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { corpus, mutantArb, mutate, problemClass, validateMutant } from './fuzz.js';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { eventsOf } from '../../sim/scenario/limits.js';

/**
 * The scenario fuzzer, full run: FUZZ_CASES (default 10,000) mutants validated in-process — each
 * refused with located lines or accepted — and a sample of the accepted ones run with 2
 * replications in a worker thread (at most 12 variants per study: fuzz-run-worker.ts): no
 * replication may fail (throw, or a non-finite metric) and no variant may take longer than
 * RUN_LIMIT_MS. Prints the seed, the counts and the problem classes.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
// The invariant is 10 s; a 2-core machine shared with other work gets twice that before it counts as a hang.
const RUN_LIMIT_MS = 20_000;
/**
 * Events per replication above which an accepted mutant is not run (≈ 10 s at 3·10⁶ events/s):
 * validate accepts up to MAX_EVENTS (10¹⁰, hours of work by design), so a mutant may be large
 * work without being a hang.
 */
const RUN_EVENTS = 3e7;

/**
 * The most events per replication of the mutant's variants by the estimates that count what the
 * model does: a queue's jobs (two events each, sim/scenario/limits.ts eventsOf) and a study's own
 * estimate from its rates (StudyDefinition.events: failures, churn). The generic estimate from
 * durations is a coarse upper bound for the other studies (a guest's boot time counted as a
 * process recurring all year) that says nothing of the real cost, so it does not decide.
 */
function modelEventsPerReplication(text: string): number {
  let most = 0;
  for (const plan of loadScenarioText(text, 'fuzz.yaml', { replications: 2 }).studies) {
    for (const v of plan.variants) {
      const e = eventsOf(v.input);
      if (e.what.startsWith('jobs')) most = Math.max(most, e.events);
      const own = plan.definition.events?.(v.input as never);
      if (own !== undefined) most = Math.max(most, own.events);
    }
  }
  return most;
}

function runMutant(text: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./fuzz-run-worker.js', import.meta.url), { workerData: { text }, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    // A hang is a variant (2 replications of one design or sweep point) not finishing in time.
    let timer: NodeJS.Timeout;
    const arm = () => { timer = setTimeout(() => { void w.terminate(); reject(new Error(`no variant of 2 replications finished within ${RUN_LIMIT_MS / 1000} s`)); }, RUN_LIMIT_MS); };
    arm();
    w.on('message', (m: { failures?: string[]; progress?: string }) => {
      clearTimeout(timer);
      if (m.failures === undefined) { arm(); return; }
      void w.terminate();
      resolve(m.failures);
    });
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
  // Mutants whose replication is large work by design (validate accepts up to MAX_EVENTS per
  // replication: a queue of 10^9 warm-up jobs is minutes, not a hang) are counted, not run.
  const runnable = accepted.filter((t) => modelEventsPerReplication(t) <= RUN_EVENTS);
  // Every k-th accepted mutant, so the sample spreads over the whole run.
  const step = Math.max(1, Math.floor(runnable.length / RUNS));
  const sample = runnable.filter((_, i) => i % step === 0).slice(0, RUNS);
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
  console.log(`fuzz: ${CASES} cases in ${validateS.toFixed(0)} s: ${refused} refused, ${accepted.length} accepted (${accepted.length - runnable.length} over ${RUN_EVENTS.toExponential(0)} events per replication, not run); ${sample.length} accepted run with 2 replications in ${runS.toFixed(0)} s`);
  console.log(`fuzz: ${classes.size} problem classes:`);
  for (const [c, n] of [...classes].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${c}`);
});
