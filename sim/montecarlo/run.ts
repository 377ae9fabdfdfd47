import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { LoadedScenario, Overrides, StudyPlan } from '../scenario/load.js';
import { layoutOf, type Layout } from './layout.js';
import type { Task } from './worker.js';

/**
 * Runs every study of a scenario over a pool of worker threads (piscina, compiled JS).
 *
 * Replications are cut into chunks; each chunk's rows land at their replication index in one
 * Float64Array per study, so the merged result — and everything computed from it — is the same
 * for any worker count or chunk size.
 */
export interface StudyResult {
  plan: StudyPlan;
  layout: Layout;
  /** replications × layout.stride values (NaN where a sweep point ran fewer replications). */
  values: Float64Array;
  replications: number;
}

export interface RunResult {
  studies: StudyResult[];
  events: number;
  wallMs: number;
  workers: number;
}

export interface RunOptions {
  workers?: number;
  overrides?: Overrides;
  /** Called after each finished chunk with (replications done, replications total). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Only these replications [from, to) of a study of `replications` (a shard's block); default all. */
  block?: (replications: number) => [number, number];
}

export class ReplicationFailure extends Error {
  constructor(readonly replication: number, readonly seed: number, readonly variant: string, readonly detail: string, readonly causeStack?: string) {
    super(`replication ${replication} (seed ${seed}) of ${variant} failed: ${detail}`);
  }
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

export async function runScenario(loaded: LoadedScenario, opts: RunOptions = {}): Promise<RunResult> {
  const workers = Math.max(1, opts.workers ?? defaultWorkers());
  const started = performance.now();
  const pool = new Piscina({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
    concurrentTasksPerWorker: 1,
  });
  const onAbort = () => { void pool.destroy(); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const results: StudyResult[] = [];
    const jobs: Promise<void>[] = [];
    let done = 0;
    let events = 0;
    const blockOf = (replications: number) => opts.block?.(replications) ?? [0, replications];
    const total = loaded.studies.reduce((n, s) => { const [lo, hi] = blockOf(maxReplications(s)); return n + hi - lo; }, 0);
    for (const plan of loaded.studies) {
      const layout = layoutOf(plan);
      const replications = maxReplications(plan);
      const values = new Float64Array(replications * layout.stride);
      results.push({ plan, layout, values, replications });
      // About 8 chunks per worker keeps both cores busy to the end without per-task overhead dominating.
      const [lo, hi] = blockOf(replications);
      const chunk = Math.max(1, Math.ceil((hi - lo) / (workers * 8)));
      for (let from = lo; from < hi; from += chunk) {
        const to = Math.min(hi, from + chunk);
        const task: Task = { text: loaded.text, file: loaded.file, overrides: opts.overrides ?? {}, study: plan.name, from, to };
        jobs.push(pool.run(task).then((rows: Float64Array) => {
          values.set(rows.subarray(0, rows.length - 1), from * layout.stride);
          events += rows[rows.length - 1];
          done += to - from;
          opts.onProgress?.(done, total);
        }));
      }
    }
    await settleAll(jobs);
    return { studies: results, events, wallMs: performance.now() - started, workers };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool.destroy();
  }
}

export function maxReplications(plan: StudyPlan): number {
  return plan.variants.reduce((m, v) => Math.max(m, v.replications), 0);
}

/** Waits for every job; rethrows the failure of the lowest replication, decoded from the worker. */
async function settleAll(jobs: Promise<void>[]): Promise<void> {
  const settled = await Promise.allSettled(jobs);
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => decode(s.reason));
  if (failures.length === 0) return;
  failures.sort((a, b) => (a instanceof ReplicationFailure ? a.replication : Infinity) - (b instanceof ReplicationFailure ? b.replication : Infinity));
  throw failures[0];
}

function decode(reason: unknown): Error {
  const msg = (reason as Error)?.message ?? String(reason);
  const m = /REPLICATION_ERROR (\{.*\})/s.exec(msg);
  if (m) {
    const d = JSON.parse(m[1]) as { replication: number; seed: number; variant: string; message: string; stack?: string };
    return new ReplicationFailure(d.replication, d.seed, d.variant, d.message, d.stack);
  }
  return reason instanceof Error ? reason : new Error(msg);
}

export { decode as decodeFailure };
