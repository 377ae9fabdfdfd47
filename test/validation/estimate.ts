import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { queueStudy, exactQueueValues, type QueueConfig } from '../../sim/studies/queue.js';
import type { StudyInput } from '../../sim/studies/study.js';
import { replicateFlat } from '../flat.js';

/**
 * Helpers for the validation tests: run R replications of the queue study directly (no CLI)
 * and compare per-metric means with closed forms.
 *
 * A fast test must be one a correct engine cannot fail by chance: `near` asserts the relative
 * error is within `tol` AND that 4 standard errors (measured across the replications) fit in
 * `tol` by design (the sizes below were chosen from measured spreads so that 4 standard errors
 * fit); the assertion itself allows 3 estimated standard errors because the standard error is
 * estimated from only ~10 replications. If a change made the estimate noisier, the test says
 * the run is too small instead of passing or failing by luck.
 */
export function input(raw: Record<string, unknown>, opts: { check?: boolean } = {}): StudyInput<QueueConfig> {
  const config = queueStudy.schema.parse(raw);
  const inp = { scenarioName: 'validation', seed: 1, horizon: 86400, design: 'baseline', cloud: undefined as never, config };
  if (opts.check !== false) assert.deepEqual(queueStudy.check!(inp), []);
  return inp;
}

export interface Estimate {
  /** Per metric/series column: mean across replications. */
  mean: number[];
  /** Standard error of that mean. */
  se: number[];
  names: string[];
  config: QueueConfig;
  /** Values of one column per replication. */
  column(i: number): number[];
}

export function estimate(raw: Record<string, unknown>, replications: number, seed: number): Estimate {
  const inp = input(raw);
  const rows: Float64Array[] = [];
  for (let r = 0; r < replications; r++) rows.push(replicateFlat(queueStudy, inp, { replication: r, streams: new Streams(seed, r) }));
  const width = rows[0].length;
  const mean: number[] = [], se: number[] = [];
  for (let i = 0; i < width; i++) {
    const xs = rows.map((v) => v[i]).filter(Number.isFinite);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
    mean.push(m);
    se.push(Math.sqrt(v / xs.length));
  }
  const names = Object.keys(queueStudy.metrics);
  const series = queueStudy.series!(inp);
  for (const [s, def] of Object.entries(series)) for (const x of def.x) names.push(`${s}@${+x.toPrecision(6)}`);
  return { mean, se, names, config: inp.config, column: (i) => rows.map((v) => v[i]) };
}

/** Relative errors measured by the tests, printed once per file for the report. */
export const measured: string[] = [];

/** Asserts |estimate − exact| ≤ tol·exact, with 3 estimated standard errors inside tol. */
export function near(e: Estimate, name: string, exact: number, tol: number): number {
  const i = e.names.indexOf(name);
  assert.ok(i >= 0, `no column ${name}`);
  const m = e.mean[i], se = e.se[i];
  const rel = (m - exact) / exact;
  measured.push(`${e.config.model} ${name}: ${m.toPrecision(6)} vs ${exact.toPrecision(6)} (${(rel * 100).toFixed(2)} %, se ${((se / exact) * 100).toFixed(2)} %)`);
  assert.ok(3 * se <= tol * Math.abs(exact), `${name}: run too small for a ±${tol * 100} % test (3·se = ${((3 * se / exact) * 100).toFixed(2)} %)`);
  assert.ok(Math.abs(rel) <= tol, `${name}: ${m} vs exact ${exact} (relative error ${(rel * 100).toFixed(2)} %, tolerance ±${tol * 100} %)`);
  return rel;
}

export { exactQueueValues };
