import type { Tracer } from '../engine/simulation.js';
import { Streams } from '../random/streams.js';
import type { StudyPlan } from '../scenario/load.js';
import { packReplication, type Replication } from '../studies/study.js';
import type { Layout } from './layout.js';

/** A replication that threw: names the replication, seed and variant so it can be rerun alone. */
export class ReplicationError extends Error {
  constructor(readonly replication: number, readonly seed: number, readonly variant: string, readonly cause: unknown) {
    super(`replication ${replication} (seed ${seed}) of ${variant} failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** A failed replication as it crosses the thread boundary (plain data). */
export interface FailureRecord {
  replication: number;
  seed: number;
  variant: string;
  message: string;
  stack?: string;
}

/**
 * Runs replications [from, to) of every variant of one study into `out` (rows of `layout.stride`).
 * Each (variant, replication) gets fresh streams seeded by (seed, r, name): common random
 * numbers across designs, and independence from chunking and worker count.
 * A replication fails when it throws or returns a metric that is ±Infinity, or NaN where the
 * metric does not declare `undefinedWhen`. Without `failures` the first failure is thrown as a
 * ReplicationError; with it, each failure is recorded there, the variant's values in that row
 * are NaN, and the range goes on (so a run can say how many failed).
 * Returns the number of simulation events fired.
 */
export function replicateRange(plan: StudyPlan, layout: Layout, seed: number, from: number, to: number, out: Float64Array, tracer?: Tracer, failures?: FailureRecord[]): number {
  let events = 0;
  const def = plan.definition;
  for (let r = from; r < to; r++) {
    const row = (r - from) * layout.stride;
    plan.variants.forEach((v, vi) => {
      const o = row + layout.offsets[vi];
      if (r >= v.replications) { out.fill(NaN, o, o + layout.widths[vi]); return; }
      tracer?.note(0, 'replication', { replication: r, study: plan.name, design: v.design, sweep: v.sweep?.value });
      try {
        const values: Replication = def.replicate(v.input, { replication: r, streams: new Streams(seed, r), tracer });
        events += values.events;
        packReplication(layout.shapes[vi], values, out, o);
        const bad = nonFiniteMetric(plan, out, o);
        if (bad) throw new Error(bad);
      } catch (e) {
        const err = new ReplicationError(r, seed, variantName(plan.name, v.design, v.sweep), e);
        if (!failures) throw err;
        failures.push({ replication: r, seed, variant: err.variant, message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack });
        out.fill(NaN, o, o + layout.widths[vi]);
      }
    });
  }
  return events;
}

export function variantName(study: string, design: string, sweep?: { parameter: string; value: number | string }): string {
  return `${study}/${design}${sweep ? ` [${sweep.parameter}=${sweep.value}]` : ''}`;
}

/** The first named metric that is ±Infinity, or NaN without `undefinedWhen`, as a sentence; undefined when all are fine. */
function nonFiniteMetric(plan: StudyPlan, out: Float64Array, o: number): string | undefined {
  const names = Object.keys(plan.definition.metrics);
  for (let j = 0; j < names.length; j++) {
    const x = out[o + j];
    if (Number.isFinite(x)) continue;
    if (Number.isNaN(x) && plan.definition.metrics[names[j]].undefinedWhen !== undefined) continue;
    return `metric ${names[j]} is ${x} (expected a finite number${Number.isNaN(x) ? '; the study does not declare when it may be undefined' : ''})`;
  }
  return undefined;
}
