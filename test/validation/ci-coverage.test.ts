import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { queueStudy } from '../../sim/studies/queue.js';
import { summarize } from '../../sim/stats/summary.js';
import { input } from './estimate.js';
import { replicateFlat } from '../flat.js';

// docs/validation.md: the reported 95 % CI must contain the exact value about 95 % of the time.
// 300 independent seeds, each a small M/M/4 run (λ 3, μ 1, exact Wq = 0.509434) of R = 5
// replications, summarised by the statistics layer the CLI uses (Student t, df = 4). The band
// 0.90–0.99 is ≥ 3.5 binomial sds wide on each side of 0.95 (sd = 1.26 % at 300 seeds), and it
// catches the classic mistake: a normal quantile (1.96 instead of t(0.975, 4) = 2.776) covers
// only ≈ 88 %. Warm-up 1000 jobs ≈ 6 relaxation times of this queue, so the initial-state bias
// is far below the CI half-width.
test('95 % CI of the mean wait covers the exact Erlang C value in 90–99 % of 300 seeds', () => {
  const inp = input({ model: 'mmc', arrival_rate: 3, servers: 4, service: { exponential: { mean: 1 } }, jobs: 3000, warmup_jobs: 1000 });
  const exact = 0.509434;
  const R = 5, seeds = 300;
  let covered = 0;
  let zCovered = 0;
  for (let s = 0; s < seeds; s++) {
    const waits = new Float64Array(R);
    for (let r = 0; r < R; r++) waits[r] = replicateFlat(queueStudy, inp, { replication: r, streams: new Streams(10_000 + s, r) })[0];
    const sum = summarize(waits);
    if (sum.ci95[0] <= exact && exact <= sum.ci95[1]) covered++;
    const half = 1.96 * sum.sd / Math.sqrt(R);
    if (Math.abs(sum.mean - exact) <= half) zCovered++;
  }
  const coverage = covered / seeds;
  console.log(`CI coverage: t interval ${coverage.toFixed(3)}, normal-quantile interval ${(zCovered / seeds).toFixed(3)} (${seeds} seeds × ${R} replications)`);
  assert.ok(coverage >= 0.90 && coverage <= 0.99, `coverage ${coverage}`);
  assert.ok(zCovered < covered, 'the t interval is wider than the normal one at df = 4');
});
