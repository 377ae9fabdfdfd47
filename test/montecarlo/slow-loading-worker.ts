import { parentPort } from 'node:worker_threads';
import { WORKER_LOADED } from '../../sim/montecarlo/pool.js';

/** A stand-in for worker.ts that takes LOAD_MS to load (a loaded machine's module loading), then says it has loaded. */
const LOAD_MS = 400;
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOAD_MS);
queueMicrotask(() => parentPort?.postMessage(WORKER_LOADED));

export default function task(): number {
  return 1;
}
