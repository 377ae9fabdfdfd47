import { Piscina } from 'piscina';

/** What worker.ts posts once its modules are loaded (piscina hands it to the pool's 'message' event). */
export const WORKER_LOADED = 'headroom:worker-loaded';

/** How long `stop` waits for workers still loading before it terminates them anyway. */
const LOAD_WAIT_MS = 15_000;

/**
 * A piscina pool of worker.ts threads whose `stop()` never terminates a worker while it is still
 * loading its ES modules: Node 20 then aborts the whole process (FATAL ERROR "v8::Module::IsGraphAsync
 * must be used on an instantiated module", SIGABRT, a native stack trace) instead of ending the
 * thread, which is what a Ctrl-C in the first second of a run did on a loaded machine. piscina
 * marks its first workers ready before they have loaded anything, so each worker says so itself.
 */
export class WorkerPool {
  readonly pool: Piscina;
  private created = 0;
  private loaded = 0;
  private wake: (() => void) | undefined;

  /** `options.filename`: worker.ts unless a test gives a stand-in that imports it. */
  constructor(options: NonNullable<ConstructorParameters<typeof Piscina>[0]>) {
    this.pool = new Piscina({ ...options, filename: options.filename ?? new URL('./worker.js', import.meta.url).href });
    this.pool.on('workerCreate', () => { this.created++; });
    this.pool.on('message', (m: unknown) => { if (m === WORKER_LOADED) { this.loaded++; this.wake?.(); } });
  }

  /** Waits (a bounded time) for every created worker to finish loading, then destroys the pool. */
  async stop(): Promise<void> {
    const deadline = Date.now() + LOAD_WAIT_MS;
    // workerCreate for the first workers comes in a microtask after the constructor.
    await Promise.resolve();
    while (this.loaded < this.created && Date.now() < deadline) {
      await new Promise<void>((resolve) => { this.wake = resolve; setTimeout(resolve, 50); });
    }
    this.wake = undefined;
    await this.pool.destroy();
  }
}
