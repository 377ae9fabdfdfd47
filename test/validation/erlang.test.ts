import { test, after } from 'node:test';
import { estimate, measured, near, pc } from './estimate.js';

// docs/validation.md 2, larger systems: Erlang C for c = 10 (a = 8) and c = 16 (a = 12), and the
// Erlang B loss systems. Probabilities within ±5 % (docs/validation.md); the mean waits, which are
// small and noisy (relative sd ≈ 6–8 % per 10⁵ jobs), within ±5 % from 3–4·10⁶ jobs.
after(() => console.log(measured.join('\n')));

test(`M/M/10 (a 8): C = 0.409180 and Wq = 0.204590 within ${pc(0.05)}`, () => {
  const e = estimate({ model: 'mmc', arrival_rate: 8, servers: 10, service: { exponential: { mean: 1 } }, jobs: 300_000, warmup_jobs: 2000 }, 10, 303);
  near(e, 'wait_probability', 0.409180, 0.05);
  near(e, 'wait', 0.204590, 0.05);
});

test(`M/M/16 (a 12): C = 0.204574 and Wq = 0.051143 within ${pc(0.05)}`, () => {
  const e = estimate({ model: 'mmc', arrival_rate: 12, servers: 16, service: { exponential: { mean: 1 } }, jobs: 400_000, warmup_jobs: 2000 }, 10, 404);
  near(e, 'wait_probability', 0.204574, 0.05);
  near(e, 'wait', 0.051143, 0.05);
});

test(`Erlang B loss systems: B(10, 8) = 0.121661 and B(16, 12) = 0.060413 within ${pc(0.05)}; carried load a(1 − B)`, () => {
  const b10 = estimate({ model: 'mmc-loss', arrival_rate: 8, servers: 10, service: { exponential: { mean: 1 } }, jobs: 200_000 }, 5, 505);
  near(b10, 'blocking', 0.121661, 0.05);
  near(b10, 'number_in_system', 8 * (1 - 0.121661), 0.02);
  const b16 = estimate({ model: 'mmc-loss', arrival_rate: 12, servers: 16, service: { exponential: { mean: 1 } }, jobs: 200_000 }, 5, 606);
  near(b16, 'blocking', 0.060413, 0.05);
});
