import { Simulation } from '../sim/engine/simulation.js';
import { Processes, type Process } from '../sim/resources/process.js';
import { Limiter } from '../sim/resources/limiter.js';
import { SharedLink } from '../sim/resources/shared-link.js';
import type { Rng } from '../sim/random/streams.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Engine workloads for bench/run.ts. Each returns the number of events fired, so callers can
 * turn a wall time into events/s.
 */

/** Hold model on the engine with handlers: `pending` entities, Exp(1) holds, `events` firings. */
export function engineHold(pending: number, events: number, rng: Rng): number {
  const sim = new Simulation(pending);
  let left = events;
  const hold: number = sim.addHandler('hold', (entity) => {
    if (--left <= 0) { sim.stop(); return; }
    sim.schedule(-Math.log(1 - rng.next()), hold, entity);
  });
  for (let i = 0; i < pending; i++) sim.schedule(-Math.log(1 - rng.next()), hold, i);
  sim.run();
  return sim.eventsFired;
}

/** The same hold model written as generator processes (one process per entity). */
export function generatorHold(pending: number, events: number, rng: Rng): number {
  const sim = new Simulation(pending);
  const procs = new Processes(sim, 'hold');
  let left = events;
  function* entity(_p: Process) {
    for (;;) {
      if (--left <= 0) { sim.stop(); return; }
      yield -Math.log(1 - rng.next());
    }
  }
  // Each process is spawned with its first hold as the spawn delay, like the handler version.
  for (let i = 0; i < pending; i++) procs.spawn(entity, -Math.log(1 - rng.next()));
  sim.run();
  return sim.eventsFired;
}

/**
 * M/M/c with handlers and the Limiter: arrivals at rate λ, c servers of rate μ, `jobs`
 * arrivals. Events per job: arrival, grant, departure.
 */
export function mmcEvents(lambda: number, mu: number, c: number, jobs: number, rng: Rng): number {
  const sim = new Simulation(1024);
  const servers = new Limiter(sim, c, 'servers');
  let arrived = 0;
  const departureId = sim.addHandler('departure', () => servers.release());
  const startId = sim.addHandler('start', (job) => { sim.schedule(-Math.log(1 - rng.next()) / mu, departureId, job); });
  const arrivalId: number = sim.addHandler('arrival', () => {
    servers.request(startId, arrived);
    if (++arrived < jobs) sim.schedule(-Math.log(1 - rng.next()) / lambda, arrivalId);
  });
  sim.schedule(0, arrivalId);
  sim.run();
  return sim.eventsFired;
}

/**
 * Bytes per pending event: heap growth measured with `pending` events scheduled, from the typed
 * arrays the event list holds (what the engine keeps per event, at its current capacity) and
 * cross-checked with process.memoryUsage().arrayBuffers before/after.
 */
export function bytesPerPending(pending: number, rng: Rng): { declared: number; measured: number } {
  // Collect garbage around the measurement so the grown-and-dropped arrays do not count.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  const before = process.memoryUsage().arrayBuffers;
  const sim = new Simulation(16);
  const h = sim.addHandler('h', () => {});
  for (let i = 0; i < pending; i++) sim.schedule(rng.next() * 1e6, h, i);
  gc?.();
  const after = process.memoryUsage().arrayBuffers;
  return { declared: sim.events.bytes / pending, measured: (after - before) / pending };
}

/**
 * A boot storm on one SharedLink: `flows` transfers of random sizes with per-flow caps (half
 * capped at a tenth of the link), all started at t = 0 and re-started as they finish until
 * `flows × rounds` have completed. Each start/finish is O(active flows) — this measures it.
 */
export function linkStorm(flows: number, rounds: number, rng: Rng): number {
  const sim = new Simulation(64);
  const link = new SharedLink(sim, 1.25e9, 'nic');
  let left = flows * rounds;
  const sizeOf = () => 1e8 + 9e8 * rng.next();
  const done: number = sim.addHandler('done', (i) => {
    if (--left >= flows) link.start(sizeOf(), i % 2 === 0 ? 1.25e8 : Infinity, done, i);
  });
  for (let i = 0; i < flows; i++) link.start(sizeOf(), i % 2 === 0 ? 1.25e8 : Infinity, done, i);
  sim.run();
  return link.flowsCompleted;
}
