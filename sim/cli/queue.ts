import { QueueError, runOnQueue, type QueueStatus } from '../montecarlo/queue.js';
import { runCommand, type RunOptions } from './run.js';
import { VERSION } from './version.js';

/** Exit code when the queue's infrastructure fails: Redis unreachable, no worker. */
export const EXIT_QUEUE = 4;

/**
 * `headroom run FILE --queue redis://HOST:PORT`: the run's chunks go to workers elsewhere
 * (`headroom worker`); this process enqueues, shows progress across the workers and writes the
 * same output folder a single-machine run writes.
 */
export async function queueRunCommand(file: string, opts: RunOptions & { queue: string; chunk?: number; queueTimeout?: number }): Promise<number> {
  const tty = process.stderr.isTTY;
  // Logs get a line when workers come or go, every 2 s of progress at most, and at the end.
  let last = { at: -Infinity, workers: -1 };
  const log = (s: QueueStatus) => {
    const now = performance.now();
    if (s.chunksDone < s.chunks && s.workersConnected === last.workers && now - last.at < 2000) return;
    last = { at: now, workers: s.workersConnected };
    console.error(statusLine(s));
  };
  try {
    return await runCommand(file, opts, {
      results: (loaded, o) => runOnQueue(loaded, {
        ...o, url: opts.queue, version: VERSION, chunk: opts.chunk,
        workerTimeoutMs: (opts.queueTimeout ?? 60) * 1000,
        // The progress bar shows replications on a terminal.
        onStatus: tty ? undefined : log,
      }),
    });
  } catch (e) {
    if (!(e instanceof QueueError)) throw e;
    console.error(`headroom: ${e.message}`);
    return EXIT_QUEUE;
  }
}

export function statusLine(s: QueueStatus): string {
  const by = Object.entries(s.byWorker).map(([w, n]) => `${w}: ${n}`).join(', ');
  return `queue: ${s.chunksDone}/${s.chunks} chunks, ${s.workersConnected} worker(s) connected${by ? ` (chunks stored by ${by})` : ''}`;
}
