import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate } from './estimate.js';

// docs/validation.md 7: Little's law L = λW on the simulator's own monitors — the time-weighted
// number in system (TimeWeighted), the measured arrival rate and the per-job mean response
// (Tally) — for every model, and Lq = λ·Wq for the queue alone. On one sample path the two
// sides differ only by edge effects (jobs present at the window's ends), O(W/T) ≈ 10⁻⁴ here;
// a monitor that integrated the wrong level, missed a change or kept the warm-up would be off
// by far more than 0.2 %.
const cases: Record<string, unknown>[] = [
  { model: 'mmc', arrival_rate: 3, servers: 4, service: { exponential: { mean: 1 } } },
  { model: 'mmc', arrival_rate: 0.8, servers: 1, service: { exponential: { mean: 1 } } },
  { model: 'mg1-fcfs', arrival_rate: 0.8, service: { lognormal: { mean: 1, cv: 2 } } },
  { model: 'mg1-fcfs', arrival_rate: 0.5, service: { uniform: { min: 0.5, max: 1.5 } } },
  { model: 'mg1-ps', arrival_rate: 0.8, service: { lognormal: { mean: 1, cv: 2 } } },
  { model: 'mmc-loss', arrival_rate: 8, servers: 10, service: { exponential: { mean: 1 } } },
];

for (const c of cases) {
  test(`Little's law on the monitors: ${c.model} ${JSON.stringify(c.service)} (|L − λW|/L < 0.2 %, Lq vs λWq < 1.5 %)`, () => {
    // Per-path bounds, not standard errors: the same length in both tiers.
    const e = estimate({ ...c, jobs: 200_000, warmup_jobs: 2000 }, 3, 901, { fixed: true });
    const col = (n: string) => e.column(e.names.indexOf(n));
    for (const err of col('littles_law_error')) assert.ok(err < 2e-3, `Little's law error ${err}`);
    if (c.model === 'mmc-loss') return;
    // Lq = λ·Wq with the configured λ (so this side also carries the arrival-count noise).
    const lq = col('queue_length'), wq = col('wait');
    for (let r = 0; r < lq.length; r++) {
      const lambdaWq = e.config.arrival_rate * wq[r];
      assert.ok(Math.abs(lq[r] - lambdaWq) / lq[r] < 0.015, `Lq ${lq[r]} vs λWq ${lambdaWq}`);
    }
  });
}
