import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Streams } from '../../sim/random/streams.js';
import { queueStudy } from '../../sim/studies/queue.js';
import { input } from './estimate.js';
import { replicateFlat } from '../flat.js';

/**
 * Hand-worked replications of the queue study: arrival gaps are scripted (a stub 'arrivals'
 * stream returning u = 1 − e^(−gap), so −ln(1 − u)/λ = gap at λ = 1), service is deterministic
 * 1.5 s, one server, 1 warm-up job then 3 counted jobs. Arrivals at 1, 2, 3, 6.
 *
 * FCFS: job 0 (warm-up) 1–2.5; job 1 arrives 2 (window opens), waits 0.5, leaves 4; job 2
 * arrives 3, waits 1, leaves 5.5; job 3 arrives 6 (window closes), waits 0, leaves 7.5.
 * Window [2, 6]: N = 2 on [2, 2.5), 1 on [2.5, 3), 2 on [3, 4), 1 on [4, 5.5), 0 on [5.5, 6)
 * → L = 5/4; waiting 1 on [2, 2.5) and [3, 4) → Lq = 1.5/4; busy on [2, 5.5) → U = 3.5/4.
 */
function scripted(gaps: number[]): Streams {
  let i = 0;
  const arrivals = { next: () => 1 - Math.exp(-gaps[i++]) };
  const never = { next: () => { throw new Error('deterministic service draws nothing'); } };
  return { stream: (name: string) => (name === 'arrivals' ? arrivals : never) } as unknown as Streams;
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function run(model: string, gaps: number[]) {
  // ρ = 1.5 is "unstable" for a long run (check() would refuse it); 3 jobs are fine by hand.
  const inp = input({ model, arrival_rate: 1, servers: 1, service: 1.5, jobs: 3, warmup_jobs: 1, number_in_system_tail: 3 }, { check: false });
  const v = replicateFlat(queueStudy, inp, { replication: 0, streams: scripted(gaps) });
  const names = Object.keys(queueStudy.metrics);
  const m = Object.fromEntries(names.map((n, i) => [n, v[i]]));
  return { m, series: Array.from(v.slice(names.length)) };
}

test('queue study, FCFS hand-worked log: waits, responses, L, Lq, U, P(busy), Little, tails', () => {
  const { m, series } = run('mg1-fcfs', [1, 1, 1, 3, 1, 1, 1]);
  close(m.wait, (0.5 + 1 + 0) / 3, 'wait');
  close(m.response, (2 + 2.5 + 1.5) / 3, 'response');
  close(m.number_in_system, 5 / 4, 'L');
  close(m.queue_length, 1.5 / 4, 'Lq');
  close(m.utilisation, 3.5 / 4, 'U');
  close(m.wait_probability, 2 / 3, 'P(all busy at arrival)');
  close(m.blocking, 0, 'blocking');
  close(m.littles_law_error, Math.abs(5 / 4 - (3 / 4) * 2) / (5 / 4), 'Little (edge effects of a 4 s window)');
  close(m.response_per_size, (2 + 2.5 + 1.5) / 1.5 / 3, 'T/S');
  // wait_tail at 0, 0.75, 1.5, 3, 6 s; P(N ≥ 1..3); slowdown bins up to 0.375, 0.75, 1.5, … s.
  const expected = [2 / 3, 1 / 3, 0, 0, 0, 3.5 / 4, 1.5 / 4, 0, NaN, NaN, 4 / 3, NaN, NaN, NaN, NaN];
  assert.equal(series.length, expected.length);
  series.forEach((x, i) => (Number.isNaN(expected[i]) ? assert.ok(Number.isNaN(x), `series[${i}] ${x}`) : close(x, expected[i], `series[${i}]`)));
});

test('queue study, loss model hand-worked: the arrival at 2 finds the server busy and is lost', () => {
  // Job 0 1–2.5; job 1 at 2 blocked; job 2 at 3 served 3–4.5; job 3 at 6 served 6–7.5.
  const { m } = run('mmc-loss', [1, 1, 1, 3, 1, 1]);
  close(m.blocking, 1 / 3, 'blocking');
  close(m.wait_probability, 1 / 3, 'P(all busy)');
  close(m.response, 1.5, 'response of accepted jobs');
  // Window [2, 6]: N = 1 on [2, 2.5) and [3, 4.5): L = 2/4.
  close(m.number_in_system, 2 / 4, 'L');
});

test('queue study, processor sharing hand-worked: two overlapping jobs share the server', () => {
  // Job 0 at 1 alone until 2 (0.5 left); job 1 arrives at 2: both at ½ → job 0 leaves at 3 with
  // job 1 at 1.0 left, as job 2 arrives (1.5): both at ½ → job 1 leaves at 5 (T = 3), job 2 has
  // 0.5 left, alone → leaves 5.5 (T = 2.5). Job 3 at 6 alone → 7.5 (T = 1.5).
  const { m } = run('mg1-ps', [1, 1, 1, 3, 10, 10]);
  close(m.response, (3 + 2.5 + 1.5) / 3, 'response');
  close(m.wait, (3 + 2.5 + 1.5) / 3 - 1.5, 'wait = response − service');
});
