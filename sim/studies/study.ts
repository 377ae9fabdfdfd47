import type { z } from 'zod';
import type { Streams } from '../random/streams.js';
import type { Tracer } from '../engine/simulation.js';
import type { Cloud } from '../openstack/cloud.js';

/**
 * The contract between a study and the rest of the pipeline.
 *
 * A study owns one section of the scenario (`studies.<name>`), turns it plus the cloud into a
 * model, runs one replication of one design, and returns that replication's metric values as a
 * Float64Array: first the metrics in the order of `metrics`, then, for each series in the order
 * of `series(...)`, one value per x point. The Monte Carlo runner, statistics and reports only
 * ever see those numbers.
 *
 * Common random numbers: draw every random number from `ctx.streams.stream(name)` with names
 * that mean the same thing in every design (e.g. `host-failures`, `repair`), so design A and
 * design B of replication r see the same failures. Never use Math.random or wall time.
 */
export interface MetricDef {
  unit: string;
  description: string;
  /**
   * When a replication may leave this metric undefined (NaN), e.g. 'no boot completed'. Any
   * other NaN, and ±Infinity always, fails the replication like an exception
   * (docs/failure-behaviour.md).
   */
  undefinedWhen?: string;
}

export interface SeriesDef {
  /** Unit of the y values. */
  unit: string;
  description: string;
  /** The x points (in internal units: seconds, bytes, probabilities…). */
  x: number[];
  xLabel: string;
  xUnit: string;
}

/** One design of the scenario, with its patch applied. */
export interface StudyInput<C> {
  scenarioName: string;
  seed: number;
  /** Simulated horizon in seconds. */
  horizon: number;
  design: string;
  cloud: Cloud;
  config: C;
}

export interface ReplicationContext {
  replication: number;
  streams: Streams;
  tracer?: Tracer;
}

/** A semantic problem found after the schema passed; `path` is relative to the scenario root. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

export interface StudyDefinition<C = any> {
  /** Key under `studies:` in a scenario, and in summary.json. */
  name: string;
  title: string;
  /** The architect's question, one sentence. */
  question: string;
  /** zod schema of the `studies.<name>` section (without `designs`/`sweeps`, which the loader handles). */
  schema: z.ZodType<C, any>;
  metrics: Record<string, MetricDef>;
  /** False for studies that need no `cloud:` (the queueing validation models). Default true. */
  needsCloud?: boolean;
  series?(input: StudyInput<C>): Record<string, SeriesDef>;
  /** Cross-field checks needing the cloud (e.g. NFS direct fetch on a release without it). */
  check?(input: StudyInput<C>): Problem[];
  /** Notes for the summary that are not numbers (e.g. a design asked for discard without virtio-scsi). */
  warnings?(input: StudyInput<C>): string[];
  replicate(input: StudyInput<C>, ctx: ReplicationContext): Float64Array;
}

/** Values per replication: metrics count plus every series' x length. */
export function valuesPerReplication(study: StudyDefinition, input: StudyInput<unknown>): number {
  let n = Object.keys(study.metrics).length;
  if (study.series) for (const s of Object.values(study.series(input))) n += s.x.length;
  return n;
}
