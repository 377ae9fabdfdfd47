import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { estimate, measured, near, pc } from './estimate.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { SharedLink } from '../../sim/resources/shared-link.js';

// docs/validation.md 4, M/G/1 processor sharing on the SharedLink: E[T] = E[S]/(1 − ρ) for ANY
// service law, and E[T | S = x] = x/(1 − ρ). λ = 0.8, E[S] = 1 → E[T] = 5, and every size class
// has mean response/size 5 (a job of 0.1 takes 0.5, one of 10 takes 50).
after(() => console.log(measured.join('\n')));

test(`M/G/1-PS lognormal (E[S] 1, C² 4): E[T] = 5 within ${pc(0.02)}; L = 4; mean T/S = 5`, () => {
  // Relative sd of the mean response ≈ 5 % per 10⁵ jobs: 9.6·10⁶ jobs put 4 standard errors in ±2 %.
  const e = estimate({ model: 'mg1-ps', arrival_rate: 0.8, service: { lognormal: { mean: 1, cv: 2 } }, jobs: 800_000, warmup_jobs: 2000 }, 12, 801);
  near(e, 'response', 5, 0.02);
  near(e, 'number_in_system', 4, 0.02);
  near(e, 'response_per_size', 5, 0.02);
  near(e, 'utilisation', 0.8, 0.02);
  // E[T | S = x] = x/(1 − ρ): small jobs (S ≤ 0.25) and big ones (8 < S ≤ 16) both see 5.
  near(e, 'slowdown_by_size@0.25', 5, 0.05);
  near(e, 'slowdown_by_size@1', 5, 0.05);
  near(e, 'slowdown_by_size@16', 5, 0.05);
  // P(N ≥ k) = ρ^k for M/G/1-PS whatever the service law.
  near(e, 'number_in_system_tail@3', 0.8 ** 3, 0.05);
});

test(`insensitivity: deterministic and exponential service give the same E[T] = 5 (within ${pc(0.03)})`, () => {
  const d = estimate({ model: 'mg1-ps', arrival_rate: 0.8, service: 1, jobs: 200_000, warmup_jobs: 2000 }, 8, 802);
  near(d, 'response', 5, 0.03);
  near(d, 'slowdown_by_size@1', 5, 0.03);
  const x = estimate({ model: 'mg1-ps', arrival_rate: 0.8, service: { exponential: { mean: 1 } }, jobs: 200_000, warmup_jobs: 2000 }, 8, 803);
  near(x, 'response', 5, 0.03);
});

test('batch case: N equal transfers started together on capacity B all finish at N·S/B', () => {
  for (const [n, s, b] of [[10, 2, 4], [64, 8 * 2 ** 30, 1.25e9]]) {
    const sim = new Simulation();
    const link = new SharedLink(sim, b);
    const done: number[] = [];
    const h = sim.addHandler('h', () => { done.push(sim.now); });
    for (let i = 0; i < n; i++) link.start(s, Infinity, h, i);
    sim.run();
    assert.equal(done.length, n);
    for (const t of done) assert.ok(Math.abs(t - (n * s) / b) <= 1e-9 * ((n * s) / b));
  }
});
