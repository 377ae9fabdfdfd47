import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exactQueueValues, queueStudy, type QueueConfig } from '../../sim/studies/queue.js';
import { loadScenarioFile, loadScenarioText } from '../../sim/scenario/load.js';
import type { StudyInput } from '../../sim/studies/study.js';

// The queue study publishes its closed forms itself (`exact`, written into summary.json by the
// runner); no report computes them. Every expected number is from docs/validation.md (computed
// there independently of this code).
const close = (actual: number | undefined, expected: number, tol = 5e-6) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

const VALIDATION = join(dirname(fileURLToPath(import.meta.url)), '../../../scenarios/validation');
const METRICS = ['wait', 'response', 'queue_length', 'number_in_system', 'utilisation', 'wait_probability', 'blocking', 'response_per_size'] as const;

function inputs(file: string): Map<string, StudyInput<QueueConfig>> {
  const plan = loadScenarioFile(join(VALIDATION, file)).studies.find((s) => s.name === 'queue')!;
  return new Map(plan.variants.filter((v) => !v.sweep).map((v) => [v.design, v.input as StudyInput<QueueConfig>]));
}
const exact = (file: string, design: string) => queueStudy.exact!(inputs(file).get(design)!)!;

test('every bundled validation scenario: the study publishes exactQueueValues of the config the loader builds, per design', () => {
  const files = readdirSync(VALIDATION).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 5, `validation scenarios found: ${files.join(', ')}`);
  let designs = 0;
  for (const file of files) {
    for (const [design, input] of inputs(file)) {
      designs++;
      const where = `${file} ${design}`;
      const want = exactQueueValues(input.config);
      const got = queueStudy.exact!(input)!;
      for (const m of METRICS) {
        if (want[m] === undefined) assert.equal(got.metrics![m], undefined, `${where} ${m}`);
        else close(got.metrics![m], want[m]!, 1e-12);
      }
      assert.equal(got.metrics!.littles_law_error, 0, where);
      for (const [series, tail] of [['wait_tail', 'waitTail'], ['number_in_system_tail', 'numberTail']] as const) {
        const f = got.series?.[series];
        // M/G/1 FCFS with exponential service is M/M/1: the study gives its mmc tails.
        const config = input.config;
        const g = want[tail] ?? (config.model === 'mg1-fcfs' && config.service.kind === 'exponential' ? exactQueueValues({ ...config, model: 'mmc' })[tail] : undefined);
        if (!g) { assert.equal(f, undefined, `${where} ${series}`); continue; }
        for (const x of [0, 0.5, 1, 2, 5]) close(f!(x), g(x), 1e-12);
      }
    }
  }
  assert.ok(designs >= 9, `designs checked: ${designs}`);
});

test('the bundled scenarios give the textbook values (M/M/4, Pollaczek–Khinchine, PS, Erlang B, tails)', () => {
  const mmc = exact('mmc.yaml', 'baseline').metrics!;
  close(mmc.wait, 0.509434); close(mmc.response, 1.509434); close(mmc.queue_length, 1.528302); close(mmc.wait_probability, 0.509434); close(mmc.utilisation, 0.75);
  close(exact('mmc.yaml', 'baseline').series!.wait_tail(1), 0.18741);
  const mm1 = exact('mm1.yaml', 'baseline').metrics!;
  close(mm1.number_in_system, 4); close(mm1.response, 5); close(mm1.wait, 4); close(mm1.queue_length, 3.2);
  close(exact('mm1.yaml', 'baseline').series!.number_in_system_tail(5), 0.32768);
  close(exact('mg1-fcfs.yaml', 'deterministic').metrics!.wait, 2);
  close(exact('mg1-fcfs.yaml', 'erlang-2').metrics!.wait, 3);
  close(exact('mg1-fcfs.yaml', 'exponential').metrics!.wait, 4);
  close(exact('mg1-fcfs.yaml', 'lognormal-c2-4').metrics!.wait, 10);
  close(exact('mg1-fcfs.yaml', 'exponential').series!.number_in_system_tail(5), 0.32768);
  assert.equal(exact('mg1-fcfs.yaml', 'deterministic').series!.wait_tail, undefined);
  const ps = exact('mg1-ps.yaml', 'baseline').metrics!;
  close(ps.response, 5); close(ps.response_per_size, 5); close(ps.number_in_system, 4);
  close(exact('mg1-ps.yaml', 'baseline').series!.number_in_system_tail(5), 0.32768);
  close(exact('erlang-b.yaml', 'c10-a8').metrics!.blocking, 0.121661); close(exact('erlang-b.yaml', 'c10-a8').metrics!.wait, 0);
  close(exact('erlang-b.yaml', 'c16-a12').metrics!.blocking, 0.060413);
  close(exact('erlang-b.yaml', 'c10-a8').metrics!.number_in_system, 8 * (1 - 0.121661));
});

test('designs as the loader merges them: top-level study patches and study-level patches give each design its own closed form', () => {
  const base = 'model: mmc\n    arrival_rate: 0.8/s\n    service: {exponential: {mean: 1s}}';
  const top = loadScenarioText(`name: t\nstudies:\n  queue:\n    ${base}\ndesigns:\n  baseline: {}\n  four: {studies: {queue: {arrival_rate: 3/s, servers: 4}}}\n`, 't.yaml').studies[0];
  const of = (plan: typeof top, d: string) => queueStudy.exact!(plan.variants.find((v) => v.design === d)!.input as StudyInput<QueueConfig>)!.metrics!;
  close(of(top, 'four').wait, 0.509434);
  close(of(top, 'baseline').wait, 4);
  const own = loadScenarioText(`name: s\nstudies:\n  queue:\n    ${base}\n    replications: 5\n    designs:\n      md1: {model: mg1-fcfs, service: 1s}\n`, 's.yaml').studies[0];
  close(of(own, 'md1').wait, 2);
});

test('summary.json of a real run carries the closed forms beside the estimates (test/fixtures/summary/runner-mm1)', () => {
  const file = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/summary/runner-mm1/summary.json');
  const design = JSON.parse(readFileSync(file, 'utf8')).studies.queue.designs.baseline;
  close(design.exact.wait, 4); close(design.exact.response, 5); close(design.exact.number_in_system, 4);
  assert.equal(design.exact.littles_law_error, 0);
  const k = design.series.number_in_system_tail.x.indexOf(5);
  close(design.exactSeries.number_in_system_tail[k], 0.32768);
});

test('response ÷ size has no finite mean under FCFS with exponential service (E[1/S] = ∞): flagged there only', () => {
  const heavy = (file: string, design: string) => queueStudy.heavyTailed!(inputs(file).get(design)!);
  assert.deepEqual(heavy('mm1.yaml', 'baseline'), ['response_per_size']);
  assert.deepEqual(heavy('mg1-fcfs.yaml', 'exponential'), ['response_per_size']);
  assert.deepEqual(heavy('mg1-fcfs.yaml', 'deterministic'), []);
  assert.deepEqual(heavy('mg1-ps.yaml', 'baseline'), []);
});
