import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { atLeastKDown, exactMetrics, exactSeries, machineRepairman, queueConfig } from '../../reports/exact.js';
import { exactQueueValues } from '../../sim/studies/queue.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';

// Every expected number is from VALIDATION.md (computed there independently of this code).
const close = (actual: number | undefined, expected: number, tol = 5e-6) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

const VALIDATION = join(dirname(fileURLToPath(import.meta.url)), '../../../scenarios/validation');
const scenario = (file: string) => parse(readFileSync(join(VALIDATION, file), 'utf8'));
const METRICS = ['wait', 'response', 'queue_length', 'number_in_system', 'utilisation', 'wait_probability', 'blocking', 'response_per_size'] as const;

test('every bundled validation scenario: the report shows exactQueueValues of the config the loader builds, per design', () => {
  const files = readdirSync(VALIDATION).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 5, `validation scenarios found: ${files.join(', ')}`);
  let designs = 0;
  for (const file of files) {
    const doc = scenario(file);
    const plan = loadScenarioFile(join(VALIDATION, file)).studies.find((s) => s.name === 'queue')!;
    for (const v of plan.variants.filter((x) => !x.sweep)) {
      designs++;
      const where = `${file} ${v.design}`;
      const config = v.input.config as Parameters<typeof exactQueueValues>[0];
      assert.deepEqual(queueConfig(doc, v.design), config, where);
      const want = exactQueueValues(config);
      const got = exactMetrics('queue', doc, v.design)!;
      for (const m of METRICS) {
        if (want[m] === undefined) assert.equal(got[m], undefined, `${where} ${m}`);
        else close(got[m], want[m]!, 1e-12);
      }
      assert.equal(got.littles_law_error, 0, where);
      for (const [series, tail] of [['wait_tail', 'waitTail'], ['number_in_system_tail', 'numberTail']] as const) {
        const f = exactSeries('queue', doc, v.design, series);
        // M/G/1 FCFS with exponential service is M/M/1: the report asks the study for its mmc tails.
        const g = want[tail] ?? (config.model === 'mg1-fcfs' && config.service.kind === 'exponential' ? exactQueueValues({ ...config, model: 'mmc' })[tail] : undefined);
        if (!g) { assert.equal(f, undefined, `${where} ${series}`); continue; }
        for (const x of [0, 0.5, 1, 2, 5]) close(f!(x), g(x), 1e-12);
      }
    }
  }
  assert.ok(designs >= 9, `designs checked: ${designs}`);
});

test('the bundled scenarios give the textbook values (M/M/4, Pollaczek–Khinchine, PS, Erlang B, tails)', () => {
  const mmc = exactMetrics('queue', scenario('mmc.yaml'), 'baseline')!;
  close(mmc.wait, 0.509434); close(mmc.response, 1.509434); close(mmc.queue_length, 1.528302); close(mmc.wait_probability, 0.509434); close(mmc.utilisation, 0.75);
  close(exactSeries('queue', scenario('mmc.yaml'), 'baseline', 'wait_tail')!(1), 0.18741);
  const mm1 = exactMetrics('queue', scenario('mm1.yaml'), 'baseline')!;
  close(mm1.number_in_system, 4); close(mm1.response, 5); close(mm1.wait, 4); close(mm1.queue_length, 3.2);
  close(exactSeries('queue', scenario('mm1.yaml'), 'baseline', 'number_in_system_tail')!(5), 0.32768);
  const fcfs = scenario('mg1-fcfs.yaml');
  close(exactMetrics('queue', fcfs, 'deterministic')!.wait, 2);
  close(exactMetrics('queue', fcfs, 'erlang-2')!.wait, 3);
  close(exactMetrics('queue', fcfs, 'exponential')!.wait, 4);
  close(exactMetrics('queue', fcfs, 'lognormal-c2-4')!.wait, 10);
  close(exactSeries('queue', fcfs, 'exponential', 'number_in_system_tail')!(5), 0.32768);
  assert.equal(exactSeries('queue', fcfs, 'deterministic', 'wait_tail'), undefined);
  const ps = exactMetrics('queue', scenario('mg1-ps.yaml'), 'baseline')!;
  close(ps.response, 5); close(ps.response_per_size, 5); close(ps.number_in_system, 4);
  close(exactSeries('queue', scenario('mg1-ps.yaml'), 'baseline', 'number_in_system_tail')!(5), 0.32768);
  const loss = scenario('erlang-b.yaml');
  close(exactMetrics('queue', loss, 'c10-a8')!.blocking, 0.121661); close(exactMetrics('queue', loss, 'c10-a8')!.wait, 0);
  close(exactMetrics('queue', loss, 'c16-a12')!.blocking, 0.060413);
  close(exactMetrics('queue', loss, 'c10-a8')!.number_in_system, 8 * (1 - 0.121661));
});

test('designs as the loader merges them: top-level study patches, study-level patches with cloud:, loader keys stripped', () => {
  const base = { model: 'mmc', arrival_rate: '0.8/s', service: { exponential: { mean: '1s' } } };
  const top = { name: 't', studies: { queue: base }, designs: { four: { studies: { queue: { arrival_rate: '3/s', servers: 4 } } } } };
  close(exactMetrics('queue', top, 'four')!.wait, 0.509434);
  close(exactMetrics('queue', top, 'baseline')!.wait, 4);
  const own = { name: 's', studies: { queue: { ...base, replications: 5, horizon: '1d', sweeps: [{ parameter: 'studies.queue.jobs', values: [10] }],
    designs: { md1: { model: 'mg1-fcfs', service: '1s', cloud: { nova: {} } } } } } };
  close(exactMetrics('queue', own, 'md1')!.wait, 2);
});

test('no exact values where the loader would refuse the section, or for another study', () => {
  const q = (section: Record<string, unknown>) => exactMetrics('queue', { name: 'x', studies: { queue: section } }, 'baseline');
  assert.equal(q({ model: 'mg1-fcfs', arrival_rate: '1.2/s', service: '1s' }), undefined, 'unstable: no steady state');
  assert.equal(q({ model: 'mmc', arrival_rate: '1/s', servers: 2, service: '1s' }), undefined, 'mmc needs exponential service');
  // Older aliases (discipline:, service_time:) are not the queue schema: the fixtures use model:.
  assert.equal(q({ arrival_rate: '0.8/s', discipline: 'ps', service: '1s' }), undefined);
  assert.equal(exactMetrics('watchdog', { name: 'x', studies: { watchdog: {} } }, 'baseline'), undefined);
  assert.equal(exactMetrics('queue', undefined, 'baseline'), undefined);
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
