import { test, after } from 'node:test';
import { estimate, exactQueueValues, measured, near, pc } from './estimate.js';

// docs/validation.md 1: M/M/1, λ = 0.8, μ = 1: L = 4, W = 5, Wq = 4, Lq = 3.2, P(N ≥ 5) = 0.32768.
// Means within ±2 % (docs/validation.md tolerance), with 6.4·10⁶ counted jobs so that 4 standard
// errors fit inside it (relative sd of the mean wait ≈ 3.5 % per 10⁵ jobs); probabilities ±5 %.
after(() => console.log(measured.join('\n')));

test(`M/M/1 (λ 0.8, μ 1): W, Wq, L, Lq within ${pc(0.02)}; P(N ≥ 5) and P(wait > 0) within ${pc(0.05)}`, () => {
  const e = estimate({ model: 'mmc', arrival_rate: 0.8, servers: 1, service: { exponential: { mean: 1 } }, jobs: 400_000, warmup_jobs: 2000 }, 16, 101);
  const x = exactQueueValues(e.config);
  near(e, 'response', 5, 0.02);
  near(e, 'wait', 4, 0.02);
  near(e, 'number_in_system', 4, 0.02);
  near(e, 'queue_length', 3.2, 0.02);
  near(e, 'number_in_system_tail@5', 0.32768, 0.05);
  near(e, 'wait_probability', 0.8, 0.05);
  near(e, 'utilisation', 0.8, 0.02);
  near(e, 'wait_tail@2', x.waitTail!(2), 0.05);
});
