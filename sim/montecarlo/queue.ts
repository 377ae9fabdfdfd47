import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { WorkerPool } from './pool.js';
import type { LoadedScenario, Overrides } from '../scenario/load.js';
import { layoutOf } from './layout.js';
import { decodeFailure, maxReplications, ReplicationFailure, type RunOptions, type RunResult, type StudyResult } from './run.js';
import { float64Bytes, float64FromBytes, scenarioHash } from './shard.js';
import type { Task } from './worker.js';

/**
 * Queue mode: the coordinator (`headroom run FILE --queue redis://…`) cuts every study into chunks
 * of replications and puts one BullMQ job per chunk on the queue; workers (`headroom worker`) on
 * any machine take chunks and store each chunk's rows in one Redis hash under the field named by
 * the chunk. A chunk computed twice (a worker killed after its lock expired, or before it could
 * acknowledge) writes the same field with the same bytes, so nothing is lost or counted twice;
 * BullMQ's stalled-job check hands the chunk of a killed worker to another worker
 * (docs/distributed.md).
 */
export const QUEUE_NAME = 'headroom';

/** Infrastructure trouble (Redis unreachable, no worker): the CLI exits 4 with the message. */
export class QueueError extends Error {}

interface RunSpec {
  text: string;
  file: string;
  overrides: Overrides;
}

interface ChunkData {
  run: string;
  study: string;
  from: number;
  to: number;
}

const keys = (run: string) => ({
  scenario: `headroom:${run}:scenario`,
  results: `headroom:${run}:results`,
  errors: `headroom:${run}:errors`,
  workers: `headroom:${run}:workers`,
});

const chunkField = (study: string, from: number, to: number) => `${study}.${from}-${to}`;
const DAY_SECONDS = 86_400;

/** Connects, or throws a QueueError naming the URL: ioredis would otherwise retry forever. */
async function connect(url: string, forWorker: boolean): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(`--queue ${url}: not a URL (expected redis://HOST:PORT)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new QueueError(`--queue ${url}: not a redis:// URL (expected redis://HOST:PORT)`);
  // disconnectTimeout: ioredis waits that long for a socket to close after disconnect() before it
  // destroys it, and a refused connection's socket never reports closing: with the default 2 s, a
  // command refused for want of a Redis exited 2 s after saying so.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5000, disconnectTimeout: 200, maxRetriesPerRequest: forWorker ? null : 3, retryStrategy: () => null });
  // ioredis reports the cause (ECONNREFUSED, ENOTFOUND…) as an 'error' event, the rejection only as "Connection is closed".
  let cause: Error | undefined;
  redis.on('error', (e: Error) => { cause ??= e; });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new QueueError(`cannot reach Redis at ${url}: ${(cause ?? e as Error).message} (start one with: docker run -p 6379:6379 redis)`);
  }
  // From here on, reconnect after a blip instead of failing the whole run.
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 2000);
  return redis;
}

export interface QueueRunOptions extends RunOptions {
  url: string;
  version: string;
  /** Replications per chunk (default: about 128 chunks per study). */
  chunk?: number;
  /** Fail when no worker is connected and no chunk finished for this long (ms). */
  workerTimeoutMs?: number;
  /** Status lines for people: progress across workers. */
  onStatus?: (status: QueueStatus) => void;
}

export interface QueueStatus {
  chunksDone: number;
  chunks: number;
  workersConnected: number;
  /** Chunks stored by each worker (by name). */
  byWorker: Record<string, number>;
}

export function defaultChunk(replications: number): number {
  return Math.max(1, Math.ceil(replications / 128));
}

/** Coordinator: enqueues the chunks not already stored, waits for the workers, returns the joined run. */
export async function runOnQueue(loaded: LoadedScenario, opts: QueueRunOptions): Promise<RunResult> {
  const started = performance.now();
  const overrides = opts.overrides ?? {};
  const redis = await connect(opts.url, false);
  const queueConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const queue = new Queue<ChunkData>(QUEUE_NAME, { connection: queueConnection });
  const results: StudyResult[] = [];
  const chunks: { id: string; field: string; data: ChunkData }[] = [];
  // The run key names the rows: scenario as run, version, chunking. Same key ⇒ same bytes per field.
  const sizes = loaded.studies.map((plan) => opts.chunk ?? defaultChunk(maxReplications(plan)));
  const run = createHash('sha256').update(JSON.stringify([scenarioHash(loaded, overrides), opts.version, sizes])).digest('hex').slice(0, 32);
  const k = keys(run);
  loaded.studies.forEach((plan, si) => {
    const layout = layoutOf(plan);
    const replications = maxReplications(plan);
    results.push({ plan, layout, replications, values: new Float64Array(replications * layout.stride) });
    for (let from = 0; from < replications; from += sizes[si]) {
      const to = Math.min(replications, from + sizes[si]);
      const field = chunkField(plan.name, from, to);
      chunks.push({ id: `${run}.${field}`, field, data: { run, study: plan.name, from, to } });
    }
  });
  const total = results.reduce((n, r) => n + r.replications, 0);
  const sizeOf = new Map(chunks.map((c) => [c.field, c.data.to - c.data.from]));
  const cleanup = async () => {
    // Chunks nobody took yet would only keep workers busy for a run that is over.
    await Promise.allSettled(chunks.map((c) => queue.remove(c.id)));
  };
  try {
    const spec: RunSpec = { text: loaded.text, file: loaded.file, overrides };
    await redis.set(k.scenario, JSON.stringify(spec), 'EX', 7 * DAY_SECONDS);
    await redis.del(k.errors);
    // Rows already stored by an earlier coordinator of the same run are kept: the run resumes.
    const stored = new Set(await redis.hkeys(k.results));
    const todo = chunks.filter((c) => !stored.has(c.field));
    for (let i = 0; i < todo.length; i += 500) {
      await queue.addBulk(todo.slice(i, i + 500).map((c) => ({ name: 'chunk', data: c.data, opts: { jobId: c.id, removeOnComplete: true, removeOnFail: true } })));
    }
    await redis.expire(k.results, 7 * DAY_SECONDS);

    const timeout = opts.workerTimeoutMs ?? 60_000;
    let lastProgress = performance.now();
    let lastDone = -1;
    let lastLine = '';
    for (;;) {
      if (opts.signal?.aborted) throw new Error('interrupted');
      const errors = await redis.hgetall(k.errors);
      if (Object.keys(errors).length > 0) throw firstFailure(Object.values(errors));
      const fields = await redis.hkeys(k.results);
      const done = fields.filter((f) => sizeOf.has(f));
      const replicationsDone = done.reduce((n, f) => n + sizeOf.get(f)!, 0);
      const workersConnected = await queue.getWorkersCount();
      const byWorkerRaw = await redis.hgetall(k.workers);
      const byWorker = Object.fromEntries(Object.entries(byWorkerRaw).map(([w, n]) => [w, Number(n)]).sort(([a], [b]) => (a < b ? -1 : 1)));
      const status: QueueStatus = { chunksDone: done.length, chunks: chunks.length, workersConnected, byWorker };
      const line = JSON.stringify(status);
      if (line !== lastLine) { opts.onStatus?.(status); lastLine = line; }
      if (done.length !== lastDone) {
        lastDone = done.length;
        lastProgress = performance.now();
        opts.onProgress?.(replicationsDone, total);
      }
      if (done.length === chunks.length) break;
      if (workersConnected === 0 && performance.now() - lastProgress > timeout) {
        throw new QueueError(`no worker took a chunk for ${(timeout / 1000).toFixed(0)} s and none is connected to ${opts.url} (${done.length}/${chunks.length} chunks done); start workers with: headroom worker --queue ${opts.url}`);
      }
      await sleep(250, opts.signal);
    }
    let events = 0;
    const rows = await redis.hgetallBuffer(k.results);
    for (const c of chunks) {
      const bytes = rows[c.field];
      const res = results.find((r) => r.plan.name === c.data.study)!;
      const values = float64FromBytes(bytes);
      if (values.length !== (c.data.to - c.data.from) * res.layout.stride + 1) throw new QueueError(`chunk ${c.field}: ${values.length} values stored (expected ${(c.data.to - c.data.from) * res.layout.stride + 1}); was the queue shared with another headroom version?`);
      res.values.set(values.subarray(0, values.length - 1), c.data.from * res.layout.stride);
      events += values[values.length - 1];
    }
    const contributors = Object.keys(await redis.hgetall(k.workers)).length;
    await redis.del(k.scenario, k.results, k.errors, k.workers);
    return { studies: results, events, wallMs: performance.now() - started, workers: Math.max(1, contributors) };
  } catch (e) {
    await cleanup();
    throw e;
  } finally {
    // BullMQ leaves connections it was given open.
    await queue.close();
    queueConnection.disconnect();
    redis.disconnect();
  }
}

/** The failure of the lowest replication, as a ReplicationFailure when a replication threw. */
function firstFailure(messages: string[]): Error {
  const errors = messages.map((m) => decodeFailure(m));
  errors.sort((a, b) => (a instanceof ReplicationFailure ? a.replication : Infinity) - (b instanceof ReplicationFailure ? b.replication : Infinity));
  const e = errors[0];
  return e instanceof ReplicationFailure ? e : new QueueError(`a worker failed a chunk: ${e.message}`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface WorkerOptions {
  url: string;
  /** Chunks computed at once (worker threads). */
  threads?: number;
  /** Exit once the queue has held nothing for this long (ms). */
  idleMs?: number;
  /** BullMQ lock: a chunk whose worker stops renewing it for this long goes back to the queue (ms). */
  lockMs?: number;
  name?: string;
  signal?: AbortSignal;
  onChunk?: (what: 'start' | 'done', chunk: string, ms?: number) => void;
}

export interface WorkerStats {
  name: string;
  chunks: number;
}

/** Worker: takes chunks until the queue has been empty for `idleMs`; returns what it stored. */
export async function serveQueue(opts: WorkerOptions): Promise<WorkerStats> {
  const redis = await connect(opts.url, true);
  const name = opts.name ?? `${hostname()}-${process.pid}`;
  const threads = Math.max(1, opts.threads ?? 1);
  // The rows are computed on worker threads, so this thread stays free to renew the chunk locks.
  const workerPool = new WorkerPool({ minThreads: threads, maxThreads: threads, idleTimeout: 60_000, concurrentTasksPerWorker: 1 });
  const pool = workerPool.pool;
  const specs = new Map<string, RunSpec | null>();
  let chunks = 0;
  const processor = async (job: Job<ChunkData>) => {
    const { run, study, from, to } = job.data;
    const k = keys(run);
    if (!specs.has(run)) {
      const text = await redis.get(k.scenario);
      specs.set(run, text === null ? null : JSON.parse(text) as RunSpec);
    }
    const spec = specs.get(run);
    // The coordinator already gathered this run (a stale duplicate chunk): nothing to compute.
    if (!spec) return;
    const field = chunkField(study, from, to);
    opts.onChunk?.('start', field);
    const t0 = performance.now();
    const task: Task = { text: spec.text, file: spec.file, overrides: spec.overrides, study, from, to };
    let rows: Float64Array;
    try {
      rows = await pool.run(task) as Float64Array;
    } catch (e) {
      await redis.hset(k.errors, field, (e as Error)?.message ?? String(e));
      throw e;
    }
    const added = await redis.hset(k.results, field, Buffer.from(float64Bytes(rows)));
    if (added === 1) await redis.hincrby(k.workers, name, 1);
    chunks++;
    opts.onChunk?.('done', field, performance.now() - t0);
  };
  const lockDuration = opts.lockMs ?? 30_000;
  const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker<ChunkData>(QUEUE_NAME, processor, {
    connection: workerConnection,
    concurrency: threads,
    name,
    lockDuration,
    stalledInterval: lockDuration,
    // A chunk may outlive several killed workers before one finishes it.
    maxStalledCount: 10,
    drainDelay: 1,
  });
  worker.on('error', () => { /* connection blips: ioredis reconnects; a lost job comes back through the stalled check */ });
  const queueConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const queue = new Queue<ChunkData>(QUEUE_NAME, { connection: queueConnection });
  try {
    const idleMs = opts.idleMs ?? 30_000;
    let idleSince = performance.now();
    while (!opts.signal?.aborted) {
      await sleep(500, opts.signal);
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      const pending = Object.values(counts).reduce((a, b) => a + b, 0);
      // Another worker's active chunk counts: if that worker dies, this one must be here to take it over.
      if (pending > 0) idleSince = performance.now();
      else if (performance.now() - idleSince >= idleMs) break;
    }
  } finally {
    await worker.close(opts.signal?.aborted === true);
    await queue.close();
    await workerPool.stop();
    workerConnection.disconnect();
    queueConnection.disconnect();
    redis.disconnect();
  }
  return { name, chunks };
}
