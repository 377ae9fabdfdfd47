import { test, after } from 'node:test';
import { estimate, measured, near, pc } from './estimate.js';

// docs/validation.md 3, M/G/1 FCFS (Pollaczek–Khinchine), λ = 0.8, E[S] = 1: deterministic Wq = 2,
// Erlang-2 Wq = 3, exponential Wq = 4, lognormal with C² = 4 Wq = 10.
// Light-tailed laws within ±2 % (4 standard errors inside). The lognormal's mean wait has a
// relative sd ≈ 11.5 % per 10⁵ jobs (its third moment is huge): ±2 % would need ~5·10⁷ jobs,
// so its fast test is in mg1-lognormal.test.ts (6·10⁶ jobs at ±6 %); scenarios/validation/
// mg1-fcfs.yaml runs 2·10⁷.
after(() => console.log(measured.join('\n')));

const base = { model: 'mg1-fcfs', arrival_rate: 0.8, warmup_jobs: 2000 };

test(`M/G/1 deterministic service: Wq = 2 within ${pc(0.02)}`, () => {
  const e = estimate({ ...base, service: 1, jobs: 150_000 }, 10, 701);
  near(e, 'wait', 2, 0.02);
  near(e, 'queue_length', 1.6, 0.02);
});

test(`M/G/1 Erlang-2 service: Wq = 3 within ${pc(0.02)}`, () => {
  const e = estimate({ ...base, service: { erlang: { k: 2, mean: 1 } }, jobs: 300_000 }, 10, 702);
  near(e, 'wait', 3, 0.02);
});

test(`M/G/1 exponential service: Wq = 4 within ${pc(0.05)} (the ±${pc(0.02)} case is M/M/1 in mm1.test)`, () => {
  const e = estimate({ ...base, service: { exponential: { mean: 1 } }, jobs: 100_000 }, 10, 703);
  near(e, 'wait', 4, 0.05);
});
