import { test, after } from 'node:test';
import { estimate, exactQueueValues, measured, near, pc } from './estimate.js';

// docs/validation.md 3, the heavy-tailed case: M/G/1 FCFS, λ = 0.8, lognormal service with E[S] = 1 and
// C² = 4: Pollaczek–Khinchine Wq = 10. The mean wait has a relative sd ≈ 11.5 % per 10⁵ jobs (the
// lognormal's third moment is huge), so ±2 % would need ~5·10⁷ jobs: this fast test runs 6·10⁶
// jobs at ±6 % (4 standard errors); scenarios/validation/mg1-fcfs.yaml runs 2·10⁷ per design.
after(() => console.log(measured.join('\n')));

const base = { model: 'mg1-fcfs', arrival_rate: 0.8, warmup_jobs: 2000 };

test(`M/G/1 lognormal service, C² = 4: Wq = 10 within ${pc(0.06)}`, () => {
  const e = estimate({ ...base, service: { lognormal: { mean: 1, cv: 2 } }, jobs: 500_000 }, 12, 704);
  const x = exactQueueValues(e.config);
  near(e, 'wait', x.wait!, 0.06);
  near(e, 'wait', 10, 0.06);
});
