import type { BoundResult, MetricInfo, Reached } from '../sim/montecarlo/summary.js';
import type { DecisionData } from '../sim/montecarlo/decision.js';
import type { MetricSummary } from '../sim/stats/summary.js';
import type { ChartRequest, Threshold } from '../sim/studies/study.js';
import { fallbackLabel, metricScale, unitKind, type Scale } from './format.js';

export type { ChartRequest, Threshold };

/**
 * The shape of an output folder's summary.json as the reports read it (written by the Monte
 * Carlo runner, see COMMON/DESIGN "Output folder"). Everything except `studies` and each study's
 * `designs` is optional here on purpose: the charts and the report are driven by what is present,
 * so a study, a metric, a series or a sweep that is missing is simply not drawn.
 */
/**
 * A metric's statistics as summary.json holds them: the statistics layer's MetricSummary plus the
 * unit. `nonFinite` and `wilson95` may be absent in hand-written or older files.
 */
export interface MetricStats extends Omit<MetricSummary, 'nonFinite'> {
  unit: string;
  description?: string;
  /** Replications whose value was ±Infinity or NaN (e.g. "never reached"), left out of the statistics. */
  nonFinite?: number;
  /** The Student-t interval, kept when wilson95 replaced it. */
  ci95t?: [number, number];
  /** What one replication's value is (from the study's definition; absent in older files). */
  kind?: MetricInfo['kind'];
  /** Time-to-event metrics: the fraction of replications where it happened, and the mean over those. */
  reached?: Reached;
  /** No finite mean in this design: shown by its median, never charted as a mean. */
  heavyTailed?: boolean;
}

/** A per-replication curve (a CDF given as quantiles, or a time series), summarised point by point. */
export interface SeriesStats {
  unit: string;
  x: number[];
  xLabel: string;
  xUnit: string;
  mean: number[];
  p05: number[];
  p50: number[];
  p95: number[];
  description?: string;
  /** What a person reads on the y axis (absent in older files: the series name is de-snake-cased). */
  label?: string;
}

export interface DesignSummary {
  metrics: Record<string, MetricStats>;
  series?: Record<string, SeriesStats>;
  warnings?: string[];
  /** Closed-form values a validation study publishes next to its estimates (metric -> value). */
  exact?: Record<string, number>;
  /** Closed-form values of a series at its x (series -> values). */
  exactSeries?: Record<string, number[]>;
  /** Lines a series of this design is drawn against (series -> thresholds), e.g. its Ceph ratios. */
  thresholds?: Record<string, Threshold[]>;
}

export interface Difference {
  mean: number;
  ci95: [number, number];
}

export interface SweepPoint {
  value: number | string;
  metrics: Record<string, MetricStats>;
}

export interface Sweep {
  parameter: string;
  label?: string;
  values: (number | string)[];
  designs: Record<string, SweepPoint[]>;
}

export interface StudySummary {
  title: string;
  question: string;
  /**
   * The study's definition of each metric: unit, description, label, kind (older files: unit and
   * description only; hand-written ones may have none).
   */
  metrics?: Record<string, Partial<MetricInfo> & { unit: string; description?: string }>;
  /** The numbers a slide shows, most important first. */
  keyMetrics?: string[];
  /** The charts the study asks for, main chart first. */
  charts?: ChartRequest[];
  designs: Record<string, DesignSummary>;
  /** Paired differences of each design against the first one (design -> metric -> diff). */
  differences?: Record<string, Record<string, Difference>>;
  sweeps?: Sweep[];
  warnings?: string[];
}

/** The scenario's `expect:` bounds as the runner checked them. */
export type ExpectResult = BoundResult;

export interface Summary {
  scenario: string;
  /** The scenario's `title`, when it gives one: the report's heading (else the scenario name). */
  title?: string;
  description?: string;
  seed: number;
  replications: number;
  /** Simulated horizon in seconds. */
  horizon?: number;
  version: string;
  studies: Record<string, StudySummary>;
  /** The scenario's `expect:` bounds, checked. */
  expect?: ExpectResult[];
  /** Targets, checks, ties and sizing answers (reports/decision.ts). */
  decision?: DecisionData;
}

export interface ScenarioEcho {
  /** The scenario's YAML text as it was run. */
  text: string;
  /** Where it came from (shown to the reader). */
  file: string;
}

export interface RunInfo {
  command: string;
  version: string;
  /** ISO date-time of the run. */
  date: string;
}

/**
 * Checks the few things every later step relies on and says what is wrong, so that a malformed
 * summary.json fails with a sentence instead of a TypeError deep in a chart builder.
 */
export function assertSummary(value: unknown): asserts value is Summary {
  const fail = (msg: string): never => {
    throw new Error(`summary.json: ${msg}`);
  };
  if (typeof value !== 'object' || value === null) fail('not an object');
  const s = value as Record<string, unknown>;
  if (typeof s.scenario !== 'string') fail('scenario: missing (expected the scenario name)');
  if (typeof s.studies !== 'object' || s.studies === null) fail('studies: missing (expected an object)');
  for (const [name, study] of Object.entries(s.studies as Record<string, any>)) {
    if (typeof study?.designs !== 'object' || study.designs === null) fail(`studies.${name}.designs: missing`);
    for (const [d, design] of Object.entries(study.designs as Record<string, any>)) {
      if (typeof design?.metrics !== 'object' || design.metrics === null) fail(`studies.${name}.designs.${d}.metrics: missing`);
    }
  }
}

/** What a person reads for a metric: the study's label, else the name de-snake-cased. */
export function labelOf(study: StudySummary | undefined, metric: string): string {
  return study?.metrics?.[metric]?.label ?? fallbackLabel(metric);
}

/** A series' y label: the study's label, else the name without its _cdf/_quantiles suffix, de-snake-cased. */
export function seriesLabelOf(study: StudySummary, series: string): string {
  for (const d of Object.values(study.designs)) if (d.series?.[series]?.label) return d.series[series].label!;
  return fallbackLabel(series.replace(/_?(cdf|quantiles)$/i, ''));
}

export function designNames(study: StudySummary): string[] {
  return Object.keys(study.designs);
}

/** Metric names in the order the study reported them (first design that has each). */
export function metricNames(study: StudySummary): string[] {
  const names: string[] = [];
  for (const d of Object.values(study.designs)) for (const m of Object.keys(d.metrics)) if (!names.includes(m)) names.push(m);
  return names;
}

export function seriesNames(study: StudySummary): string[] {
  const names: string[] = [];
  for (const d of Object.values(study.designs)) for (const m of Object.keys(d.series ?? {})) if (!names.includes(m)) names.push(m);
  return names;
}

/** Every design's stats for one metric, skipping designs that lack it or have no finite mean. */
export function metricAcrossDesigns(study: StudySummary, metric: string): { design: string; stats: MetricStats }[] {
  const out: { design: string; stats: MetricStats }[] = [];
  for (const [design, d] of Object.entries(study.designs)) {
    const stats = d.metrics[metric];
    if (stats && Number.isFinite(stats.mean)) out.push({ design, stats });
  }
  return out;
}

const num = (x: unknown): number => (typeof x === 'number' ? x : NaN);
const pair = (x: unknown): [number, number] => (Array.isArray(x) ? [num(x[0]), num(x[1])] : [NaN, NaN]);

function normaliseStats(raw: any, def: { unit: string; description?: string; kind?: MetricInfo['kind']; heavyTailed?: boolean } | undefined): MetricStats {
  const out: MetricStats = {
    ...raw,
    unit: raw.unit ?? def?.unit ?? '',
    n: num(raw.n), mean: num(raw.mean), sd: num(raw.sd), ci95: pair(raw.ci95),
    p50: num(raw.p50), p95: num(raw.p95), p99: num(raw.p99), min: num(raw.min), max: num(raw.max),
  };
  if (def?.description && !out.description) out.description = def.description;
  if (def?.kind && !out.kind) out.kind = def.kind;
  if (def?.heavyTailed) out.heavyTailed = true;
  // For a 0/1 metric the Wilson interval stays inside [0, 1] where the t interval does not.
  // Only for proportions: a metric in seconds that happened to be 0 in every replication
  // may carry a Wilson interval too, which would claim up to 0.16 s of uncertainty.
  if (Array.isArray(raw.wilson95) && unitKind(out.unit) === 'fraction') { out.ci95t = out.ci95; out.ci95 = pair(raw.wilson95); }
  // A t interval of a metric that cannot go below zero (hours stranded) can reach below it with
  // few replications; draw it only over possible values.
  if (out.min >= 0 && out.ci95[0] < 0) { out.ci95t ??= out.ci95; out.ci95 = [0, out.ci95[1]]; }
  return out;
}

/**
 * JSON turns NaN into null and the runner keeps units beside the statistics rather than in
 * them; this gives the builders one shape: every number a number (NaN when absent), every
 * MetricStats carrying its unit, 0/1 metrics carrying their Wilson interval as ci95.
 */
export function normaliseSummary(raw: Summary): Summary {
  const studies: Record<string, StudySummary> = {};
  for (const [name, st] of Object.entries(raw.studies)) {
    const defs = st.metrics ?? {};
    const designs: Record<string, DesignSummary> = {};
    for (const [d, design] of Object.entries(st.designs)) {
      const metrics: Record<string, MetricStats> = {};
      for (const [m, stats] of Object.entries(design.metrics ?? {})) metrics[m] = normaliseStats(stats, defs[m]);
      const series: Record<string, SeriesStats> = {};
      for (const [k, s] of Object.entries(design.series ?? {})) {
        series[k] = { ...s, x: s.x.map(num), mean: (s.mean ?? []).map(num), p05: (s.p05 ?? []).map(num), p50: (s.p50 ?? []).map(num), p95: (s.p95 ?? []).map(num) };
      }
      designs[d] = { ...design, metrics, series, warnings: design.warnings ?? [] };
    }
    const differences: Record<string, Record<string, Difference>> = {};
    for (const [d, diffs] of Object.entries(st.differences ?? {})) {
      differences[d] = {};
      for (const [m, x] of Object.entries(diffs)) differences[d][m] = { ...x, mean: num(x.mean), ci95: pair(x.ci95) };
    }
    const sweeps = (st.sweeps ?? []).map((sw) => ({
      ...sw,
      designs: Object.fromEntries(Object.entries(sw.designs).map(([d, pts]) => [d, pts.map((p) => ({
        value: p.value,
        metrics: Object.fromEntries(Object.entries(p.metrics).map(([m, x]) => [m, normaliseStats(x, defs[m] ?? firstUnit(st, m))])),
      }))])),
    }));
    studies[name] = { ...st, designs, differences, sweeps };
  }
  return { ...raw, studies };
}

/** A sweep metric's unit when the study section does not list it: take the designs' own. */
function firstUnit(st: StudySummary, metric: string): { unit: string } | undefined {
  for (const d of Object.values(st.designs)) if (d.metrics?.[metric]?.unit) return { unit: d.metrics[metric].unit };
  return undefined;
}

/**
 * A study's warnings, then its designs' distinct warnings, each naming the designs it applies to
 * (unless it applies to all of them): one line per distinct warning in every view.
 */
export function studyWarnings(study: StudySummary): string[] {
  const designs = Object.keys(study.designs);
  const by = new Map<string, string[]>();
  for (const d of designs) for (const w of study.designs[d].warnings ?? []) by.set(w, [...(by.get(w) ?? []), d]);
  const own = [...by].map(([w, ds]) => (ds.length === designs.length || designs.length === 1 ? w : `${ds.join(', ')}: ${w}`));
  return [...new Set([...(study.warnings ?? []), ...own])];
}

/** A metric's one display scale across the study's designs (format.ts metricScale). */
export function displayScale(study: StudySummary, metric: string): Scale {
  const stats = Object.values(study.designs).map((d) => d.metrics[metric]).filter((m): m is MetricStats => m !== undefined);
  return metricScale(stats[0]?.unit ?? study.metrics?.[metric]?.unit, stats);
}
