import type { z } from 'zod';
import type { Streams } from '../random/streams.js';
import type { Tracer } from '../engine/simulation.js';
import type { Cloud } from '../openstack/cloud.js';
import type { Memo } from './memo.js';

/**
 * The contract between a study and the rest of the pipeline (docs/study-contract.md).
 *
 * A study owns one section of the scenario (`studies.<name>`), turns it plus the cloud into a
 * model, runs one replication of one design, and returns that replication's values BY NAME:
 * `{ metrics: { name: value }, series: { name: values } }`. The runner packs them in the order of
 * the definitions and refuses a missing or unknown name. Everything a report needs to present a
 * study — labels, units, kinds, which numbers matter, which charts to draw, closed-form values,
 * threshold lines — is declared here and written into summary.json; reports know no study by name.
 *
 * Common random numbers: draw every random number from `ctx.streams.stream(name)` with names
 * that mean the same thing in every design (e.g. `host-failures`, `repair`), so design A and
 * design B of replication r see the same failures. Never use Math.random or wall time.
 */

/**
 * What a metric's per-replication value is. It decides the interval (a `probability` gets the
 * Wilson interval), the bounds (nothing but `difference` may go below zero) and how a censored
 * value is presented.
 * - count: a number of things or events in the replication (≥ 0)
 * - probability: a 0/1 indicator per replication; its mean is a probability
 * - fraction: a share within the replication, in [0, 1] (a utilisation, a hit ratio)
 * - duration: a length of time in seconds (or the unit given), ≥ 0
 * - time-to-event: seconds until something happened; the HORIZON when it did not (censored)
 * - rate: events per unit of exposure (per guest-year), ≥ 0
 * - size: an amount of bytes or capacity×time, ≥ 0
 * - ratio: a dimensionless quotient ≥ 0 (thin-provisioning ratio, slowdown)
 * - level: a time-average or extreme level of a quantity (jobs in system, hosts down), ≥ 0
 */
export type MetricKind = 'count' | 'probability' | 'fraction' | 'duration' | 'time-to-event' | 'rate' | 'size' | 'ratio' | 'level';

export const METRIC_KINDS: readonly MetricKind[] = ['count', 'probability', 'fraction', 'duration', 'time-to-event', 'rate', 'size', 'ratio', 'level'];

export interface MetricDef {
  /** What a person reads: "P(any instance stranded)", "Time to nearfull". */
  label: string;
  /** Unit of the values as returned (internal units: s, bytes, fraction, count…). */
  unit: string;
  kind: MetricKind;
  description: string;
  /**
   * When a replication may leave this metric undefined (NaN), e.g. 'no boot completed'. Any
   * other NaN, and ±Infinity always, fails the replication like an exception
   * (docs/failure-behaviour.md).
   */
  undefinedWhen?: string;
  /**
   * The per-replication values have a tail so heavy that their mean does not exist or is not
   * estimable from the replications (a few of them carry the CI): reports flag it and do not
   * chart it as a mean.
   */
  heavyTailed?: boolean;
}

export interface SeriesDef {
  /** What a person reads on the y axis. */
  label: string;
  /** Unit of the y values. */
  unit: string;
  description: string;
  /** The x points (in internal units: seconds, bytes, probabilities…). */
  x: number[];
  xLabel: string;
  xUnit: string;
}

/**
 * A chart the study asks for; the first one of a study is its main chart (the one on its slide).
 * - design: mean and 95 % CI of a metric per design
 * - spread: a metric's spread across replications per design
 * - sweep: a metric against the swept parameter, or against metric `x` when given
 * - series: a series per design (a CDF when its x are probabilities), with the design's
 *   thresholds and closed-form curve when it has them
 */
export type ChartRequest<M extends string = string> =
  | { kind: 'design'; metric: M }
  | { kind: 'spread'; metric: M }
  | { kind: 'sweep'; metric: M; x?: M }
  | { kind: 'series'; series: string };

/** A horizontal line a series is compared with (Ceph's nearfull ratio of this design). */
export interface Threshold {
  label: string;
  value: number;
}

/** Closed-form values of one design: per metric, and per series at the series' own x. */
export interface ExactValues<M extends string = string> {
  metrics?: Partial<Record<M, number>>;
  series?: Record<string, (x: number) => number>;
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
  /** What this loaded scenario's designs and replications share within the thread (see Memo). */
  memo: Memo;
}

export interface ReplicationContext {
  replication: number;
  streams: Streams;
  tracer?: Tracer;
}

/** One replication's values by name; series values are given at the series' x points. */
export interface Replication<M extends string = string> {
  metrics: Record<M, number>;
  series?: Record<string, ArrayLike<number>>;
  /**
   * Events the replication's Simulations fired (`Simulation.eventsFired`), for the events/s
   * figures; 0 for a study that samples without the event engine.
   */
  events: number;
}

/** What a result-based warning reads of one metric of a design: its statistics over replications. */
export interface ResultStats {
  n: number;
  mean: number;
  p95: number;
  max: number;
}

/** A semantic problem found after the schema passed; `path` is relative to the scenario root. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

export interface StudyDefinition<C = any, M extends string = string> {
  /** Key under `studies:` in a scenario, and in summary.json. */
  name: string;
  title: string;
  /** The architect's question, one sentence. */
  question: string;
  /** zod schema of the `studies.<name>` section (without `designs`/`sweeps`, which the loader handles). */
  schema: z.ZodType<C, any>;
  /** Every metric, in the order summary.json and the CSV list them. */
  metrics: Record<M, MetricDef>;
  /** The numbers a slide shows for the study, most important first. */
  keyMetrics?: M[];
  /** The charts to draw, main chart first (a study without any gets its series and first metric). */
  charts?: ChartRequest<M>[];
  /** False for studies that need no `cloud:` (the queueing validation models). Default true. */
  needsCloud?: boolean;
  series?(input: StudyInput<C>): Record<string, SeriesDef>;
  /**
   * Events per replication that the study's rates drive (failures, churn), which the generic
   * estimate (sim/scenario/limits.ts eventsOf, from duration distributions) cannot see; `what`
   * starts with the driving value's path (in the study section, or from `cloud.`). The larger of
   * the two estimates is checked against MAX_EVENTS before anything is built.
   */
  events?(input: StudyInput<C>): { events: number; what: string };
  /** Cross-field checks needing the cloud (e.g. NFS direct fetch on a release without it). */
  check?(input: StudyInput<C>): Problem[];
  /** Notes for the summary that are not numbers (e.g. a design asked for discard without virtio-scsi). */
  warnings?(input: StudyInput<C>): string[];
  /**
   * Warnings a design's results call for (e.g. its hosts committed more memory than they have):
   * read from its metric statistics over the replications, appended to its warnings.
   */
  resultWarnings?(stats: Partial<Record<M, ResultStats>>, input: StudyInput<C>): string[];
  /** Closed-form values the simulated estimates of this design are validated against. */
  exact?(input: StudyInput<C>): ExactValues<M> | undefined;
  /**
   * Metrics whose per-replication values have no finite mean in this design (e.g. response ÷
   * service time when service times come arbitrarily close to 0): flagged in summary.json, shown
   * by their median, never charted as a mean.
   */
  heavyTailed?(input: StudyInput<C>): M[];
  /** Lines each series of this design is drawn against (per design: a design may change them). */
  thresholds?(input: StudyInput<C>): Record<string, Threshold[]>;
  replicate(input: StudyInput<C>, ctx: ReplicationContext): Replication<M>;
  /** What `targets:` and `headroom size` may ask of this study (docs/sizing.md). */
  sizing?: StudySizing<C>;
}

/**
 * A failure class a stochastic target may isolate: it edits the study's section (as written, a
 * plain YAML value, before parsing) so that only that class of failures happens.
 */
export interface FailureClass {
  description: string;
  restrict(section: Record<string, unknown>): void;
}

/** One deterministic check (e.g. every single host failing once): a pure function of the input. */
export interface DeterministicCheck<C> {
  description: string;
  run(input: StudyInput<C>): { passed: boolean; failures: number; stranding: number; worst?: string; worstCount?: number };
}

/** What a design's setting holds back from sale, for the cost of a sizing answer. */
export interface Capacity {
  /** Physical RAM of every host, bytes. */
  physicalBytes: number;
  /** RAM placement cannot sell in normal operation (reservations, disabled spares), bytes. */
  heldBackBytes: number;
  /** Instances the initial fill places. */
  instances: number;
  /** RAM per instance, share-weighted over the flavors, bytes. */
  meanInstanceBytes: number;
}

export interface StudySizing<C> {
  classes: Record<string, FailureClass>;
  checks: Record<string, DeterministicCheck<C>>;
  /** The checks a design's own section asks for (the review runs these, plus those a target names). */
  declaredChecks?(input: StudyInput<C>): string[];
  capacity(input: StudyInput<C>): Capacity;
  /** Per failure class, a count metric that is > 0 in a replication where that class happened (to name the class that decides a result). */
  causes?: Record<string, string>;
}

/** The names and lengths a design's replication must return, in packing order. */
export interface ValueShape {
  metrics: string[];
  series: { name: string; length: number }[];
  width: number;
}

export function valueShape(study: StudyDefinition, input: StudyInput<unknown>): ValueShape {
  const metrics = Object.keys(study.metrics);
  const series = Object.entries(study.series?.(input) ?? {}).map(([name, s]) => ({ name, length: s.x.length }));
  return { metrics, series, width: series.reduce((n, s) => n + s.length, metrics.length) };
}

/** Values per replication: metrics count plus every series' x length. */
export function valuesPerReplication(study: StudyDefinition, input: StudyInput<unknown>): number {
  return valueShape(study, input).width;
}

/**
 * Writes one replication's named values into `out` from `at`: the metrics in definition order,
 * then each series. Throws naming every missing or unknown metric or series, or a series of the
 * wrong length, so a misspelt or forgotten name never shifts the columns after it.
 */
export function packReplication(shape: ValueShape, values: Pick<Replication, 'metrics' | 'series'>, out: Float64Array, at: number): void {
  const m = values.metrics;
  let k = at;
  let missing: string[] | undefined;
  for (const name of shape.metrics) {
    const v = m[name];
    if (typeof v !== 'number') (missing ??= []).push(name);
    else out[k] = v;
    k++;
  }
  let given = 0;
  for (const name in m) if (Object.prototype.hasOwnProperty.call(m, name)) given++;
  if (missing || given !== shape.metrics.length) {
    const unknown = Object.keys(m).filter((n) => !shape.metrics.includes(n));
    throw new Error(`metrics by name: ${[missing ? `missing ${missing.join(', ')}` : '', unknown.length ? `unknown ${unknown.join(', ')}` : ''].filter(Boolean).join('; ')} (expected ${shape.metrics.join(', ')})`);
  }
  const s = values.series ?? {};
  for (const { name, length } of shape.series) {
    const ys = s[name];
    if (ys === undefined) throw new Error(`series by name: missing ${name} (expected ${shape.series.map((x) => x.name).join(', ')})`);
    if (ys.length !== length) throw new Error(`series ${name}: ${ys.length} values, expected ${length} (one per x)`);
    for (let j = 0; j < length; j++) out[k++] = ys[j];
  }
  const unknownSeries = Object.keys(s).filter((n) => !shape.series.some((x) => x.name === n));
  if (unknownSeries.length) throw new Error(`series by name: unknown ${unknownSeries.join(', ')} (expected ${shape.series.map((x) => x.name).join(', ') || 'none'})`);
}

/** One replication's values as the runner packs them (metrics in definition order, then series). */
export function packedValues(study: StudyDefinition, input: StudyInput<unknown>, values: Pick<Replication, 'metrics' | 'series'>): Float64Array {
  const shape = valueShape(study, input);
  const out = new Float64Array(shape.width);
  packReplication(shape, values, out, 0);
  return out;
}
