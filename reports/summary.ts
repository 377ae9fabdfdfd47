/**
 * The shape of an output folder's summary.json as the reports read it (written by the Monte
 * Carlo runner, see COMMON/DESIGN "Output folder"). Everything except `studies` and each study's
 * `designs` is optional here on purpose: the charts and the report are driven by what is present,
 * so a study, a metric, a series or a sweep that is missing is simply not drawn.
 */
export interface MetricStats {
  unit: string;
  n: number;
  mean: number;
  sd: number;
  ci95: [number, number];
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  description?: string;
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
}

export interface DesignSummary {
  metrics: Record<string, MetricStats>;
  series?: Record<string, SeriesStats>;
  warnings?: string[];
  /** Closed-form values a validation study may publish next to its estimates (metric -> value). */
  exact?: Record<string, number>;
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
  values: (number | string)[];
  designs: Record<string, SweepPoint[]>;
}

export interface StudySummary {
  title: string;
  question: string;
  designs: Record<string, DesignSummary>;
  /** Paired differences of each design against the first one (design -> metric -> diff). */
  differences?: Record<string, Record<string, Difference>>;
  sweeps?: Sweep[];
  warnings?: string[];
}

export interface Summary {
  scenario: string;
  seed: number;
  replications: number;
  version: string;
  studies: Record<string, StudySummary>;
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
