import type { Simulation } from '../engine/simulation.js';
import type { Limiter } from './limiter.js';
import type { SharedLink } from './shared-link.js';
import type { Signal } from './signal.js';

/**
 * Process style on top of the handler engine, for model code that reads as a story:
 *
 *   procs.spawn(function* (p) {
 *     yield p.acquire(builds);          // wait for a max_concurrent_builds slot
 *     yield p.transfer(glanceNic, size); // stream the image
 *     yield 30;                          // boot: hold 30 s
 *     builds.release();
 *   });
 *
 * A process is a generator that yields a number: a delay ≥ 0 to hold for, or PASSIVATE to sleep
 * until something fires handler `procs.id` with the process's `wakeToken` as payload (which is
 * exactly what Limiter, SharedLink and Signal do when given that handler id and payload — the
 * helpers on Process wire it). All processes of a `Processes` share one registered handler, so every
 * resume is an ordinary event (time, priority, insertion order as usual).
 *
 * Cost: each resume is a generator `next()`, which allocates an iterator result object; the
 * handler-object style allocates nothing. bench/run.ts times both on the same hold model
 * (10,000 pending, Exp(1) holds), interleaved: on this 2-core machine, in three full runs
 * under load from other jobs, generators ran at 0.48–0.53 of the bare-heap ceiling vs 0.68–0.82
 * for handler objects, i.e. 1.3–1.6× the time per event (see "generator cost vs handler
 * objects" in bench/results.json). So: generators for model logic with few events per entity
 * (a boot, an evacuation), handler objects for the hot loops (arrivals, failures of thousands
 * of hosts).
 */
export const PASSIVATE = -1;
const INDEX_LIMIT = 1 << 24;

export type ProcessBody = Generator<number, void, void>;

/** What a process body sees: its index, the clock, and helpers that return what to yield. */
export class Process {
  constructor(readonly procs: Processes, readonly index: number) {}

  get now(): number {
    return this.procs.sim.now;
  }

  /**
   * The payload that resumes this process: its index plus a generation, so a wake-up meant for
   * a finished process is caught instead of waking whichever process reused the index.
   */
  get wakeToken(): number {
    return this.procs.tokenOf(this.index);
  }

  /** `yield p.acquire(limiter)`: sleeps until the limiter grants a slot (release it yourself). */
  acquire(limiter: Limiter): number {
    limiter.request(this.procs.id, this.wakeToken);
    return PASSIVATE;
  }

  /** `yield p.transfer(link, bytes, cap)`: sleeps until the transfer completes. */
  transfer(link: SharedLink, bytes: number, capBytesPerSec = Infinity): number {
    link.start(bytes, capBytesPerSec, this.procs.id, this.wakeToken);
    return PASSIVATE;
  }

  /** `yield p.waitFor(signal)`: sleeps until the signal is notified. */
  waitFor(signal: Signal): number {
    signal.wait(this.procs.id, this.wakeToken);
    return PASSIVATE;
  }
}

export class Processes {
  /** Handler id that resumes process `payload`. */
  readonly id: number;
  /** Processes started and not yet finished. */
  alive = 0;
  private bodies: (ProcessBody | undefined)[] = [];
  private contexts: Process[] = [];
  private holdToken: number[] = [];
  private generation: number[] = [];
  private freeIndexes: number[] = [];

  constructor(readonly sim: Simulation, name = 'process') {
    this.id = sim.addHandler(name, (payload) => this.resume(payload));
  }

  /**
   * Starts a process after `delay` (0: at the current time, as an event). Returns its index.
   * Indexes of finished processes are reused: nothing may resume a finished process.
   */
  spawn(body: (p: Process) => ProcessBody, delay = 0): number {
    const i = this.freeIndexes.length > 0 ? this.freeIndexes.pop()! : this.bodies.length;
    if (i >= INDEX_LIMIT) throw new RangeError(`more than ${INDEX_LIMIT} live processes`);
    if (i === this.contexts.length) { this.contexts.push(new Process(this, i)); this.holdToken.push(-1); this.generation.push(0); }
    this.bodies[i] = body(this.contexts[i]);
    this.alive++;
    this.holdToken[i] = this.sim.schedule(delay, this.id, this.tokenOf(i));
    return i;
  }

  /** Payload that resumes process i in its current life. */
  tokenOf(i: number): number {
    return this.generation[i] * INDEX_LIMIT + i;
  }

  /** Stops a process where it is (cancels its pending hold; a pending grant or transfer is the caller's to undo). */
  kill(i: number): void {
    const body = this.bodies[i];
    if (body === undefined) return;
    this.sim.cancel(this.holdToken[i]);
    body.return();
    this.finish(i);
  }

  isAlive(i: number): boolean {
    return this.bodies[i] !== undefined;
  }

  /** Resumes the process named by `payload` (a wake token; the engine calls this). */
  private resume(payload: number): void {
    const i = payload % INDEX_LIMIT;
    const body = this.bodies[i];
    if (body === undefined || this.generation[i] !== Math.floor(payload / INDEX_LIMIT)) {
      throw new Error(`process ${i} resumed after it finished (a stale wake-up: withdraw its request or abort its transfer when killing it)`);
    }
    this.holdToken[i] = -1;
    const r = body.next();
    if (r.done === true) { this.finish(i); return; }
    const v = r.value;
    if (v === PASSIVATE) return;
    if (!(v >= 0)) throw new RangeError(`process ${i} yielded ${v} (expected a delay >= 0 or PASSIVATE)`);
    this.holdToken[i] = this.sim.schedule(v, this.id, payload);
  }

  private finish(i: number): void {
    this.bodies[i] = undefined;
    this.generation[i] = (this.generation[i] + 1) % (1 << 29);
    this.alive--;
    this.freeIndexes.push(i);
  }
}
