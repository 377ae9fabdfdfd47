import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { estimate, exactQueueValues, measured, near, pc } from './estimate.js';
import { erlangB, erlangC } from '../../sim/studies/queue.js';

// docs/validation.md 2: M/M/c (Erlang C), c = 4, λ = 3, μ = 1. The mean wait's relative sd is ≈ 4.2 %
// per 10⁵ jobs, so ±2 % with 4 standard errors inside needs ≈ 7·10⁶ jobs: 16 × 5·10⁵.
after(() => console.log(measured.join('\n')));

test('closed forms used by the tests match docs/validation.md (Erlang B/C recursion)', () => {
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 5e-7, `${a} vs ${b}`);
  close(erlangC(4, 3), 0.509434);
  close(erlangC(10, 8), 0.409180);
  close(erlangC(16, 12), 0.204574);
  close(erlangB(10, 8), 0.121661);
  close(erlangB(16, 12), 0.060413);
  const x = exactQueueValues({ model: 'mmc', arrival_rate: 3, servers: 4, service: { mean: 1, variance: 1, kind: 'exponential' } } as never);
  close(x.wait!, 0.509434);
  close(x.response!, 1.509434);
  close(x.queue_length!, 1.528302);
  close(x.waitTail!(1), 0.187410);
  const m1 = exactQueueValues({ model: 'mmc', arrival_rate: 0.8, servers: 1, service: { mean: 1, variance: 1, kind: 'exponential' } } as never);
  close(m1.numberTail!(5), 0.32768);
  close(m1.number_in_system!, 4);
});

test(`M/M/4 (λ 3, μ 1): Wq = 0.509434, W = 1.509434, Lq = 1.528302 within ${pc(0.02)}; C and P(Wq > 1) within ${pc(0.05)}`, () => {
  const e = estimate({ model: 'mmc', arrival_rate: 3, servers: 4, service: { exponential: { mean: 1 } }, jobs: 500_000, warmup_jobs: 2000 }, 16, 202);
  near(e, 'wait', 0.509434, 0.02);
  near(e, 'response', 1.509434, 0.02);
  near(e, 'queue_length', 1.528302, 0.02);
  near(e, 'wait_probability', 0.509434, 0.05);
  near(e, 'wait_tail@1', 0.187410, 0.05);
  near(e, 'utilisation', 0.75, 0.02);
});
