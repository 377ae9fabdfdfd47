import { Simulation, type Tracer } from '../engine/simulation.js';
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

/**
 * Runs replications [from, to) of every variant of one study into `out` (rows of `layout.stride`).
 * Each (variant, replication) gets fresh streams seeded by (seed, r, name): common random
 * numbers across designs, and independence from chunking and worker count.
 * Returns the number of simulation events fired.
 */
export function replicateRange(plan: StudyPlan, layout: Layout, seed: number, from: number, to: number, out: Float64Array, tracer?: Tracer): number {
  const before = Simulation.totalEventsFired;
  const def = plan.definition;
  for (let r = from; r < to; r++) {
    const row = (r - from) * layout.stride;
    plan.variants.forEach((v, vi) => {
      const o = row + layout.offsets[vi];
      if (r >= v.replications) { out.fill(NaN, o, o + layout.widths[vi]); return; }
      let values: Replication;
      tracer?.note(0, 'replication', { replication: r, study: plan.name, design: v.design, sweep: v.sweep?.value });
      try {
        values = def.replicate(v.input, { replication: r, streams: new Streams(seed, r), tracer });
      } catch (e) {
        throw new ReplicationError(r, seed, variantName(plan.name, v.design, v.sweep), e);
      }
      try {
        packReplication(layout.shapes[vi], values, out, o);
      } catch (e) {
        throw new ReplicationError(r, seed, variantName(plan.name, v.design, v.sweep), e);
      }
    });
  }
  return Simulation.totalEventsFired - before;
}

export function variantName(study: string, design: string, sweep?: { parameter: string; value: number | string }): string {
  return `${study}/${design}${sweep ? ` [${sweep.parameter}=${sweep.value}]` : ''}`;
}
