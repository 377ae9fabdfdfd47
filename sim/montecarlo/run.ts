import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import { WorkerPool } from './pool.js';
import type { LoadedScenario, Overrides, StudyPlan } from '../scenario/load.js';
import { layoutOf, type Layout } from './layout.js';
import type { Task } from './worker.js';
import type { FailureRecord } from './replicate.js';
import { getHeapStatistics } from 'node:v8';

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
  /** The worker module (tests substitute one that dies); default ./worker.js. */
  workerFile?: URL;
  /** Only these replications [from, to) of a study of `replications` (a shard's block); default all. */
  block?: (replications: number) => [number, number];
}

/**
 * Replications failed (threw, or returned a non-finite metric). Names the first — its index,
 * seed and variant, for `--replication K --trace` — and counts how many of how many failed.
 */
export class ReplicationFailure extends Error {
  constructor(
    readonly replication: number, readonly seed: number, readonly variant: string, readonly detail: string, readonly causeStack?: string,
    /** Replications (indices) of the study that failed, and of how many run (0: not known, a queue worker's chunk). */
    readonly failed = 1, readonly total = 1, readonly study = variant.split('/')[0],
  ) {
    super(`${total > 0 ? `${failed} of ${total}` : failed} replications of ${study} failed; the first: replication ${replication} (seed ${seed}) of ${variant}: ${detail}`);
  }
}

/** A worker thread died (out of memory, process.exit) on the same chunk twice. */
export class WorkerDied extends Error {}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

export async function runScenario(loaded: LoadedScenario, opts: RunOptions = {}): Promise<RunResult> {
  const workers = Math.max(1, opts.workers ?? defaultWorkers());
  const started = performance.now();
  if (opts.signal?.aborted) throw new Error('interrupted');
  const workerPool = new WorkerPool({
    filename: opts.workerFile?.href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
    concurrentTasksPerWorker: 1,
    // A heap limit of its own makes a worker that runs out of memory end alone (ERR_WORKER_OUT_OF_MEMORY)
    // instead of taking the process down: its chunk is retried on a fresh worker. With
    // --max-memory, each worker gets its share of it.
    resourceLimits: { maxOldGenerationSizeMb: workerHeapMb(workers, opts.overrides?.maxMemory) },
  });
  const pool = workerPool.pool;
  const onAbort = () => { void workerPool.stop(); };
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
        jobs.push(runChunk(pool, task, opts.signal).then((rows: Float64Array) => {
          values.set(rows.subarray(0, rows.length - 1), from * layout.stride);
          events += rows[rows.length - 1];
          done += to - from;
          opts.onProgress?.(done, total);
        }));
      }
    }
    await settleAll(jobs, loaded);
    return { studies: results, events, wallMs: performance.now() - started, workers };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await workerPool.stop();
  }
}

function workerHeapMb(workers: number, maxMemory?: number): number {
  const v8Limit = getHeapStatistics().heap_size_limit;
  return Math.max(16, Math.floor(Math.min(v8Limit, maxMemory !== undefined ? maxMemory / workers : v8Limit) / 2 ** 20));
}

export function maxReplications(plan: StudyPlan): number {
  return plan.variants.reduce((m, v) => Math.max(m, v.replications), 0);
}

/**
 * Runs one chunk; a chunk whose worker died (or failed other than by a failing replication) is
 * retried once on a fresh worker — piscina replaces a dead thread — and then fails naming it.
 */
async function runChunk(pool: Piscina, task: Task, signal?: AbortSignal): Promise<Float64Array> {
  try {
    return await pool.run(task) as Float64Array;
  } catch (first) {
    if (signal?.aborted || decoded(first)) throw first;
    try {
      return await pool.run(task) as Float64Array;
    } catch (second) {
      if (signal?.aborted || decoded(second)) throw second;
      throw new WorkerDied(`a worker failed twice on replications ${task.from}–${task.to - 1} of ${task.study} (retried once on a fresh worker): ${reasonOf(second)}`);
    }
  }
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory (the worker reached its heap limit)';
  return err?.message ?? String(e);
}

interface ChunkFailures { failures: FailureRecord[]; replications: number; runs: number }

function decoded(reason: unknown): ChunkFailures | undefined {
  const m = /REPLICATION_ERROR (\{.*\})/s.exec(typeof reason === 'string' ? reason : (reason as Error)?.message ?? '');
  return m ? JSON.parse(m[1]) as ChunkFailures : undefined;
}

/**
 * Waits for every job. Failing replications are counted over all chunks of a study and reported
 * with the lowest one; any other failure (a worker that died twice) is rethrown as it is.
 */
async function settleAll(jobs: Promise<void>[], loaded: LoadedScenario): Promise<void> {
  const settled = await Promise.allSettled(jobs);
  const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
  if (rejected.length === 0) return;
  const other = rejected.find((r) => !decoded(r));
  if (other !== undefined) throw other instanceof Error ? other : new Error(String(other));
  const chunks = rejected.map((r) => decoded(r)!);
  const all = chunks.flatMap((c) => c.failures).sort((a, b) => a.replication - b.replication);
  const first = all[0];
  const study = first.variant.split('/')[0];
  const plan = loaded.studies.find((p) => p.name === study);
  const failed = chunks.filter((c) => c.failures.some((f) => f.variant.startsWith(`${study}/`))).reduce((n, c) => n + c.replications, 0);
  throw new ReplicationFailure(first.replication, first.seed, first.variant, first.message, first.stack, failed, plan ? maxReplications(plan) : failed, study);
}

/** A worker's failure message (a queue worker's, too) as an Error: a ReplicationFailure when replications of its chunk failed. */
export function decodeFailure(reason: unknown): Error {
  const c = decoded(reason);
  if (c) {
    const f = c.failures[0];
    return new ReplicationFailure(f.replication, f.seed, f.variant, f.message, f.stack, c.replications, 0);
  }
  return reason instanceof Error ? reason : new Error(typeof reason === 'string' ? reason : String((reason as Error)?.message ?? reason));
}
