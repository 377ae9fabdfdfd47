import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeastKDown, erlangB, erlangC, exactFromConfig, exactTailsFromConfig, machineRepairman, mg1, mg1ps, mm1, mmc, mmcTails, psTails } from '../../reports/exact.js';

// Every expected value is from VALIDATION.md (computed there independently of this code).
const close = (actual: number, expected: number, tol = 5e-6) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

test('M/M/1 with λ = 0.8, μ = 1: L = 4, W = 5, Wq = 4, Lq = 3.2', () => {
  const q = mm1(0.8, 1);
  close(q.number_in_system, 4); close(q.response, 5); close(q.wait, 4); close(q.queue_length, 3.2); close(q.utilisation, 0.8);
});

test('Erlang C and M/M/c against the tabulated cases', () => {
  close(erlangC(4, 3), 0.509434);
  const q = mmc(3, 1, 4);
  close(q.wait, 0.509434); close(q.response, 1.509434); close(q.queue_length, 1.528302); close(q.utilisation, 0.75);
  close(erlangC(10, 8), 0.40918); close(mmc(8, 1, 10).wait, 0.20459);
  close(erlangC(16, 12), 0.204574); close(mmc(12, 1, 16).wait, 0.051143);
  close(erlangB(10, 8), 0.121661); close(erlangB(16, 12), 0.060413);
});

test('Pollaczek–Khinchine waits for deterministic, Erlang-2, exponential and C² = 4 service', () => {
  close(mg1(0.8, 1, 0).wait, 2); close(mg1(0.8, 1, 0.5).wait, 3); close(mg1(0.8, 1, 1).wait, 4); close(mg1(0.8, 1, 4).wait, 10);
});

test('processor sharing: E[T] = E[S]/(1 − ρ) = 5 at ρ = 0.8', () => {
  close(mg1ps(0.8, 1).response, 5);
});

test('k or more of n hosts down and the machine repairman', () => {
  close(atLeastKDown(50, 1, 0.01), 0.394994); close(atLeastKDown(50, 2, 0.01), 0.0894353); close(atLeastKDown(50, 3, 0.01), 0.0138173);
  const u = 24 / 1024;
  close(atLeastKDown(20, 2, u), 0.0789937);
  const mean = (p: number[]) => p.reduce((s, x, k) => s + k * x, 0);
  const atLeast2 = (p: number[]) => 1 - p[0] - p[1];
  const r1 = machineRepairman(20, 1 / 1000, 1 / 24, 1);
  close(mean(r1), 0.79842, 1e-5); close(atLeast2(r1), 0.20204, 1e-5);
  const r2 = machineRepairman(20, 1 / 1000, 1 / 24, 2);
  close(mean(r2), 0.49101, 1e-5); close(atLeast2(r2), 0.085871, 1e-5);
});

test('exactFromConfig reads a queue section in scenario units; unstable or unknown gives undefined', () => {
  close(exactFromConfig({ arrival_rate: '0.8/s', service: { exponential: { mean: '1s' } } })!.response, 5);
  close(exactFromConfig({ arrival_rate: '3/s', servers: 4, service: { exponential: { mean: '1s' } } })!.wait, 0.509434);
  close(exactFromConfig({ arrival_rate: '0.8/s', service: '1s' })!.wait, 2);
  close(exactFromConfig({ arrival_rate: '0.8/s', discipline: 'ps', service: { lognormal: { mean: '1s', cv: 2 } } })!.response, 5);
  assert.equal(exactFromConfig({ arrival_rate: '1.2/s', service: '1s' }), undefined);
  assert.equal(exactFromConfig({ hosts: 3 }), undefined);
  // Several servers with non-exponential service has no closed form here.
  assert.equal(exactFromConfig({ arrival_rate: '1/s', servers: 2, service: '1s' }), undefined);
});

test("the queue study's model names: mmc-loss is Erlang B, mg1-ps is processor sharing", () => {
  const loss = exactFromConfig({ model: 'mmc-loss', arrival_rate: '8/s', servers: 10, service: { exponential: { mean: '1s' } } })!;
  close(loss.blocking, 0.121661); close(loss.wait, 0); close(loss.number_in_system, 8 * (1 - 0.121661));
  const ps = exactFromConfig({ model: 'mg1-ps', arrival_rate: '0.8/s', service: { lognormal: { mean: '1s', cv: 2 } } })!;
  close(ps.response, 5); close(ps.response_per_size!, 5);
  close(exactFromConfig({ model: 'mmc', arrival_rate: '3/s', servers: 4, service: { exponential: { mean: '1s' } } })!.wait_probability, 0.509434);
});

test('tails: M/M/1 P(N ≥ 5) = 0.32768, M/M/4 P(Wq > 1) = 0.187410, PS geometric, FCFS deterministic has none', () => {
  close(mmcTails(0.8, 1, 1).numberTail!(5), 0.32768);
  close(mmcTails(3, 1, 4).waitTail!(1), 0.18741);
  close(mmcTails(3, 1, 4).waitTail!(0), 0.509434);
  close(mmcTails(3, 1, 4).numberTail!(0), 1);
  close(psTails(0.8, 1).numberTail!(5), 0.32768);
  close(exactTailsFromConfig({ model: 'mmc', arrival_rate: '0.8/s', servers: 1, service: { exponential: { mean: '1s' } } }).numberTail!(5), 0.32768);
  assert.deepEqual(exactTailsFromConfig({ model: 'mg1-fcfs', arrival_rate: '0.8/s', service: '1s' }), {});
});
