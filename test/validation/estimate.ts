import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { queueStudy, exactQueueValues, type QueueConfig } from '../../sim/studies/queue.js';
import type { StudyInput } from '../../sim/studies/study.js';
import { replicateFlat } from '../flat.js';
import { Memo } from '../../sim/studies/memo.js';

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
 *
 * Two sizes: `npm test` runs these files at a quarter of the jobs with tolerances twice as wide
 * (standard errors scale as 1/√jobs, so the 4-standard-error design holds at either size);
 * `npm run test:full` runs them again at full size (HEADROOM_VALIDATION_SIZE=full), where the
 * tolerances are the ones docs/validation.md quotes. Titles print the tolerance in force.
 */
export const SIZE = process.env.HEADROOM_VALIDATION_SIZE === 'full' ? 1 : 0.25;

/** A full-size tolerance scaled to the run size in force. */
export const tol = (fullSize: number): number => fullSize / Math.sqrt(SIZE);

/** A full-size tolerance as the title shows it: "2 %" at full size, "4 %" in the fast tier. */
export const pc = (fullSize: number): string => `${+(tol(fullSize) * 100).toPrecision(3)} %`;
export function input(raw: Record<string, unknown>, opts: { check?: boolean } = {}): StudyInput<QueueConfig> {
  const config = queueStudy.schema.parse(raw);
  const inp = { memo: new Memo(), scenarioName: 'validation', seed: 1, horizon: 86400, design: 'baseline', cloud: undefined as never, config };
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

/**
 * R replications of the queue study. `jobs` is the full-size run length, scaled by SIZE unless
 * `fixed` (a test whose bound is per sample path, not a standard error, keeps its length).
 */
export function estimate(raw: Record<string, unknown>, replications: number, seed: number, opts: { fixed?: boolean } = {}): Estimate {
  const inp = input(typeof raw.jobs === 'number' && !opts.fixed ? { ...raw, jobs: Math.round(raw.jobs * SIZE) } : raw);
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

/**
 * Asserts |estimate − exact| ≤ tol·exact, with 3 estimated standard errors inside tol; `fullSize`
 * is the tolerance at full size, widened by 1/√SIZE for a smaller run.
 */
export function near(e: Estimate, name: string, exact: number, fullSize: number): number {
  const tolerance = tol(fullSize);
  const i = e.names.indexOf(name);
  assert.ok(i >= 0, `no column ${name}`);
  const m = e.mean[i], se = e.se[i];
  const rel = (m - exact) / exact;
  measured.push(`${e.config.model} ${name}: ${m.toPrecision(6)} vs ${exact.toPrecision(6)} (${(rel * 100).toFixed(2)} %, se ${((se / exact) * 100).toFixed(2)} %)`);
  assert.ok(3 * se <= tolerance * Math.abs(exact), `${name}: run too small for a ±${+(tolerance * 100).toPrecision(3)} % test (3·se = ${((3 * se / exact) * 100).toFixed(2)} %)`);
  assert.ok(Math.abs(rel) <= tolerance, `${name}: ${m} vs exact ${exact} (relative error ${(rel * 100).toFixed(2)} %, tolerance ±${+(tolerance * 100).toPrecision(3)} %)`);
  return rel;
}

export { exactQueueValues };
