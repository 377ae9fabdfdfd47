import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from '../../sim/engine/simulation.js';
import { LimitedLink, SharedLink } from '../../sim/resources/shared-link.js';
import { Streams } from '../../sim/random/streams.js';

function logger(sim: Simulation) {
  const log: [number, number][] = [];
  const id = sim.addHandler('done', (p: number) => { log.push([sim.now, p]); });
  return { log, id };
}

const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('LPS-2: three transfers of 10 B on 10 B/s — two share until 2 s, the third waits and then runs alone until 3 s', () => {
  const sim = new Simulation();
  const link = new LimitedLink(sim, 10, 2);
  const { log, id } = logger(sim);
  for (let i = 0; i < 3; i++) link.start(10, Infinity, id, i);
  assert.equal(link.activeFlows, 2);
  assert.equal(link.waiting, 1);
  sim.run();
  assert.deepEqual(log.map(([t, p]) => [+t.toFixed(9), p]), [[2, 0], [2, 1], [3, 2]]);
  assert.equal(link.queuedFlows, 1);
  assert.ok(close(link.waitArea, 2), 'one flow waited 2 s');
});

test('LPS-1 is FIFO: each transfer runs alone in arrival order; a waiting flow keeps its cap', () => {
  const sim = new Simulation();
  const link = new LimitedLink(sim, 10, 1);
  const { log, id } = logger(sim);
  link.start(20, Infinity, id, 0); // 2 s at 10 B/s
  link.start(10, 2, id, 1); // then 5 s at its cap of 2 B/s
  link.start(10, Infinity, id, 2); // then 1 s
  sim.run();
  assert.deepEqual(log.map(([t, p]) => [+t.toFixed(9), p]), [[2, 0], [7, 1], [8, 2]]);
});

test('LPS-∞ is the plain processor-sharing link', () => {
  const sim = new Simulation();
  const link = new LimitedLink(sim, 10, Infinity);
  const { log, id } = logger(sim);
  for (let i = 0; i < 5; i++) link.start(10, Infinity, id, i);
  sim.run();
  for (const [t] of log) assert.ok(close(t, 5));
  assert.equal(link.queuedFlows, 0);
});

test('LPS rejects a limit that is not a positive integer', () => {
  const sim = new Simulation();
  assert.throws(() => new LimitedLink(sim, 10, 0), /limit/);
  assert.throws(() => new LimitedLink(sim, 10, 1.5), /limit/);
});

test('background weight: 4 cores, flows capped at one core, 2 booting guests of 3 core-seconds', () => {
  // No background: min(1, 4/2) = 1 core each → 3 s. Background of 6 cores: 4/(2 + 6) = 0.5 each → 6 s.
  for (const [bg, t] of [[0, 3], [2, 3], [6, 6], [2.5, 3 / (4 / 4.5)]] as const) {
    const sim = new Simulation();
    const link = new SharedLink(sim, 4);
    link.setBackground(bg);
    const { log, id } = logger(sim);
    link.start(3, 1, id, 0);
    link.start(3, 1, id, 1);
    sim.run();
    assert.equal(log.length, 2);
    for (const [at] of log) assert.ok(close(at, t), `background ${bg}: done at ${at}, expected ${t}`);
  }
});

test('background weight changed mid-flow: 6 cores of load until 2 s (0.5 core each), none after → done at 4 s', () => {
  const sim = new Simulation();
  const link = new SharedLink(sim, 4);
  link.setBackground(6);
  const { log, id } = logger(sim);
  link.start(3, 1, id, 0);
  link.start(3, 1, id, 1);
  sim.at(2, sim.addHandler('drop2', () => link.setBackground(0)));
  sim.run();
  for (const [at] of log) assert.ok(close(at, 4), `done at ${at}`);
  assert.ok(close(link.transferred(), 6), 'background carries no bytes');
});

/**
 * Poisson arrivals (rate λ) of jobs with sizes from `size` on a unit-rate LPS-k link; the mean
 * response over `jobs` jobs after a warm-up, per replication.
 */
function meanResponse(k: number, lambda: number, size: (u: number) => number, jobs: number, seed: number, rep: number): number {
  const sim = new Simulation();
  const link = new LimitedLink(sim, 1, k);
  const streams = new Streams(seed, rep);
  const arrivals = streams.stream('arrivals'), sizes = streams.stream('sizes');
  const start = new Float64Array(jobs);
  const warm = Math.floor(jobs / 10);
  let sum = 0, n = 0, next = 0;
  const done = sim.addHandler('done', (j: number) => { if (j >= warm) { sum += sim.now - start[j]; n++; } });
  const arrive = sim.addHandler('arrive', (j: number) => {
    start[j] = sim.now;
    link.start(size(sizes.next()), Infinity, done, j);
    if (++next < jobs) sim.schedule(-Math.log(1 - arrivals.next()) / lambda, arrive, next);
  });
  sim.at(0, arrive, 0);
  sim.run();
  return sum / n;
}

function check(k: number, size: (u: number) => number, exact: number, what: string): void {
  const reps = 8, xs: number[] = [];
  for (let r = 0; r < reps; r++) xs.push(meanResponse(k, 0.5, size, 40_000, 1600 + k, r));
  const m = xs.reduce((a, b) => a + b, 0) / reps;
  const se = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (reps - 1) / reps);
  const tol = 0.04 * exact;
  assert.ok(4 * se <= tol, `${what}: run too small (4 standard errors ${4 * se} exceed ±${tol})`);
  assert.ok(Math.abs(m - exact) <= tol, `${what}: E[T] ${m} vs ${exact} (se ${se})`);
}

const deterministic = () => 1;
const exponential = (u: number) => -Math.log(1 - u);

test('validation: LPS-1 with deterministic service is M/D/1 FCFS — Pollaczek–Khinchine E[T] = E[S] + λE[S²]/(2(1−ρ)) = 1.5 at ρ = 0.5', () => {
  check(1, deterministic, 1 + (0.5 * 1) / (2 * 0.5), 'M/D/1');
});

test('validation: LPS-∞ with deterministic service is M/G/1-PS — E[T] = E[S]/(1 − ρ) = 2 at ρ = 0.5', () => {
  check(Infinity, deterministic, 2, 'M/D/1-PS');
});

test('validation: M/M/1-LPS(3) has the M/M/1 mean E[T] = E[S]/(1 − ρ) = 2 at ρ = 0.5', () => {
  check(3, exponential, 2, 'M/M/1-LPS(3)');
});
