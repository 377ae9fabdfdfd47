import { QueueError, serveQueue } from '../montecarlo/queue.js';
import { EXIT_QUEUE } from './queue.js';

export interface WorkerCommandOptions {
  queue: string;
  threads?: number;
  idle?: number;
  lock?: number;
  name?: string;
}

/**
 * `headroom worker --queue redis://HOST:PORT`: takes replication chunks of any scenario put on the
 * queue by `headroom run --queue`, until the queue has been empty for --idle seconds.
 */
export async function workerCommand(opts: WorkerCommandOptions): Promise<number> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const stats = await serveQueue({
      url: opts.queue, threads: opts.threads, name: opts.name, signal: abort.signal,
      idleMs: (opts.idle ?? 30) * 1000,
      lockMs: opts.lock !== undefined ? opts.lock * 1000 : undefined,
      onChunk: (what, chunk, ms) => console.error(`worker: ${what} ${chunk}${ms !== undefined ? ` (${(ms / 1000).toFixed(2)} s)` : ''}`),
    });
    console.log(`worker ${stats.name}: ${stats.chunks} chunk(s) stored; ${abort.signal.aborted ? 'interrupted' : 'queue empty'}`);
    return abort.signal.aborted ? 130 : 0;
  } catch (e) {
    if (!(e instanceof QueueError)) throw e;
    console.error(`headroom: ${e.message}`);
    return EXIT_QUEUE;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}
