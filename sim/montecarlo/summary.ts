import { quantileSorted } from '../stats/quantile.js';
import { pairedDifference, proportionCi, summarize, type MetricSummary } from '../stats/summary.js';
import type { Bound, LoadedScenario } from '../scenario/load.js';
import type { RunResult, StudyResult } from './run.js';
import type { DecisionData } from './decision.js';
import type { ChartRequest, MetricDef, MetricKind, StudyDefinition, StudyInput, Threshold } from '../studies/study.js';

/**
 * The summary.json document: per study, per design, per metric, the statistics of the
 * per-replication values; paired differences of each design against the first (common random
 * numbers make the pairs); series bands; sweeps. Built only from the merged values, in a fixed
 * key order, so it is byte-identical for any worker count. No timing or machine facts here.
 */
export interface SeriesSummary {
  unit: string;
  description: string;
  label: string;
  xLabel: string;
  xUnit: string;
  x: number[];
  mean: number[];
  p05: number[];
  p50: number[];
  p95: number[];
}

/**
 * A time-to-event metric's honest statistics: in how many replications the event happened within
 * the horizon (with the Wilson interval of that fraction), and the mean time over those only. The
 * plain statistics beside it count the horizon for the others and are a lower bound, not a time.
 */
export interface Reached {
  count: number;
  of: number;
  fraction: number;
  wilson95: [number, number];
  /** Mean and 95 % t interval over the replications where it happened (NaN when none did). */
  mean: number;
  ci95: [number, number];
}

/** A metric's statistics with its unit, as the summary.json contract has it. */
export type MetricStats = { unit: string } & MetricSummary & {
  reached?: Reached;
  /** The values have no finite mean in this design (sim/studies/study.ts heavyTailed). */
  heavyTailed?: boolean;
};

export interface DesignSummary {
  metrics: Record<string, MetricStats>;
  series: Record<string, SeriesSummary>;
  warnings: string[];
  /** Closed-form values of the metrics this design is validated against (validation studies). */
  exact?: Record<string, number>;
  /** Closed-form values of series at their x (validation studies). */
  exactSeries?: Record<string, number[]>;
  /** Lines each series of this design is drawn against (this design's own Ceph ratios…). */
  thresholds?: Record<string, Threshold[]>;
}

/** A metric's definition as summary.json carries it (sim/studies/study.ts MetricDef). */
export interface MetricInfo {
  unit: string;
  description: string;
  label: string;
  kind: MetricKind;
  heavyTailed?: boolean;
}

export interface StudySummary {
  title: string;
  question: string;
  metrics: Record<string, MetricInfo>;
  /** The numbers a slide shows, most important first. */
  keyMetrics?: string[];
  /** The charts the study asks for, main chart first. */
  charts?: ChartRequest[];
  designs: Record<string, DesignSummary>;
  differences: Record<string, Record<string, { mean: number; ci95: [number, number] }>>;
  sweeps: {
    parameter: string;
    label: string;
    values: (number | string)[];
    designs: Record<string, { value: number | string; metrics: Record<string, MetricStats> }[]>;
  }[];
}

export interface Summary {
  scenario: string;
  title?: string;
  description?: string;
  seed: number;
  replications: number;
  horizon: number;
  version: string;
  studies: Record<string, StudySummary>;
  expect: BoundResult[];
  /** Targets, `headroom check` per design, ties and sizing answers (sim/montecarlo/decision.ts), for studies that have them. */
  decision?: DecisionData;
}

export interface BoundResult {
  key: string;
  design: string;
  value: number;
  ci95: [number, number];
  min?: number;
  max?: number;
  ok: boolean;
}

export function buildSummary(loaded: LoadedScenario, run: RunResult, version: string): Summary {
  const studies: Record<string, StudySummary> = {};
  for (const res of run.studies) studies[res.plan.name] = studySummary(res);
  const summary: Summary = {
    scenario: loaded.name,
    ...(loaded.title !== undefined ? { title: loaded.title } : {}),
    ...(loaded.description !== undefined ? { description: loaded.description } : {}),
    seed: loaded.seed,
    replications: loaded.replications,
    horizon: loaded.horizon,
    version,
    studies,
    expect: [],
  };
  summary.expect = checkBounds(loaded.expect, summary);
  return summary;
}

function studySummary(res: StudyResult): StudySummary {
  const { plan, layout, values, replications } = res;
  const def = plan.definition;
  const metricNames = Object.keys(def.metrics);
  const column = (vi: number, k: number): number[] => {
    const out: number[] = [];
    const n = Math.min(replications, plan.variants[vi].replications);
    for (let r = 0; r < n; r++) out.push(values[r * layout.stride + layout.offsets[vi] + k]);
    return out;
  };
  const designs: Record<string, DesignSummary> = {};
  const designIndex: Record<string, number> = {};
  plan.variants.forEach((v, vi) => {
    if (v.sweep) return;
    designIndex[v.design] = vi;
    const metrics: Record<string, MetricStats> = {};
    metricNames.forEach((m, k) => { metrics[m] = stats(def.metrics[m], column(vi, k), v.input.horizon); });
    const series: Record<string, SeriesSummary> = {};
    let k = metricNames.length;
    for (const [name, s] of Object.entries(def.series?.(v.input) ?? {})) {
      const band: SeriesSummary = { unit: s.unit, description: s.description, label: s.label, xLabel: s.xLabel, xUnit: s.xUnit, x: s.x, mean: [], p05: [], p50: [], p95: [] };
      for (let j = 0; j < s.x.length; j++, k++) {
        const col = column(vi, k).filter(Number.isFinite).sort((a, b) => a - b);
        band.mean.push(col.length ? col.reduce((a, b) => a + b, 0) / col.length : NaN);
        band.p05.push(quantileSorted(col, 0.05));
        band.p50.push(quantileSorted(col, 0.5));
        band.p95.push(quantileSorted(col, 0.95));
      }
      series[name] = band;
    }
    for (const m of def.heavyTailed?.(v.input) ?? []) if (metrics[m]) metrics[m].heavyTailed = true;
    const warnings = [...(def.warnings?.(v.input) ?? []), ...(def.resultWarnings?.(metrics, v.input) ?? [])];
    designs[v.design] = { metrics, series, warnings, ...exactOf(def, v.input, series), ...thresholdsOf(def, v.input) };
  });

  const differences: StudySummary['differences'] = {};
  const first = plan.designs[0];
  for (const d of plan.designs.slice(1)) {
    if (designIndex[d] === undefined || designIndex[first] === undefined) continue;
    differences[d] = {};
    metricNames.forEach((m, k) => {
      differences[d][m] = pairedDifference(column(designIndex[d], k), column(designIndex[first], k));
    });
  }

  const sweeps: StudySummary['sweeps'] = plan.sweeps.map((sw) => {
    const byDesign: StudySummary['sweeps'][number]['designs'] = {};
    for (const d of sw.designs) byDesign[d] = [];
    plan.variants.forEach((v, vi) => {
      if (!v.sweep || v.sweep.parameter !== sw.parameter || !(v.design in byDesign)) return;
      const metrics: Record<string, MetricStats> = {};
      metricNames.forEach((m, k) => { metrics[m] = stats(def.metrics[m], column(vi, k), v.input.horizon); });
      byDesign[v.design].push({ value: v.sweep.value, metrics });
    });
    return { parameter: sw.parameter, label: sw.label, values: sw.values, designs: byDesign };
  });

  return {
    title: def.title, question: def.question, metrics: metricInfo(def.metrics),
    ...(def.keyMetrics ? { keyMetrics: def.keyMetrics } : {}),
    ...(def.charts ? { charts: def.charts } : {}),
    designs, differences, sweeps,
  };
}

/** The definitions with `unit` and `description` first (the order summary.json always had). */
function metricInfo(defs: Record<string, MetricDef>): Record<string, MetricInfo> {
  const out: Record<string, MetricInfo> = {};
  for (const [name, d] of Object.entries(defs)) {
    out[name] = { unit: d.unit, description: d.description, label: d.label, kind: d.kind, ...(d.heavyTailed ? { heavyTailed: true } : {}) };
  }
  return out;
}

/** A validation study's closed forms for one design: finite metric values, series at their x. */
function exactOf(def: StudyDefinition, input: StudyInput<unknown>, series: Record<string, SeriesSummary>): Pick<DesignSummary, 'exact' | 'exactSeries'> {
  const e = def.exact?.(input);
  if (!e) return {};
  const exact: Record<string, number> = {};
  for (const m of Object.keys(def.metrics)) {
    const v = (e.metrics as Record<string, number | undefined> | undefined)?.[m];
    if (typeof v === 'number' && Number.isFinite(v)) exact[m] = v;
  }
  const exactSeries: Record<string, number[]> = {};
  for (const [name, f] of Object.entries(e.series ?? {})) if (series[name]) exactSeries[name] = series[name].x.map(f);
  return { exact, ...(Object.keys(exactSeries).length ? { exactSeries } : {}) };
}

function thresholdsOf(def: StudyDefinition, input: StudyInput<unknown>): Pick<DesignSummary, 'thresholds'> {
  const t = def.thresholds?.(input);
  return t && Object.keys(t).length ? { thresholds: t } : {};
}


/** A 0/1 indicator (its mean is a probability) gets the Wilson interval too; nothing else does. */
const PROPORTION_UNITS = new Set(['0/1', 'probability']);

function stats(def: MetricDef, values: number[], horizon: number): MetricStats {
  const s: MetricStats = { unit: def.unit, ...summarize(values, { proportion: PROPORTION_UNITS.has(def.unit) }) };
  if (def.kind === 'time-to-event') s.reached = reachedOf(values, horizon);
  return s;
}

/** A time-to-event metric returns the horizon when the event did not happen (sim/studies/study.ts). */
export function reachedOf(values: number[], horizon: number): Reached {
  const finite = values.filter(Number.isFinite);
  const hit = finite.filter((v) => v < horizon);
  const when = summarize(hit);
  return { count: hit.length, of: finite.length, fraction: finite.length ? hit.length / finite.length : NaN, wilson95: proportionCi(hit.length, finite.length), mean: when.mean, ci95: when.ci95 };
}

function statOf(m: MetricSummary, stat: string): number {
  switch (stat) {
    case 'ci95_lo': return m.ci95[0];
    case 'ci95_hi': return m.ci95[1];
    default: return (m as unknown as Record<string, number>)[stat];
  }
}

export function checkBounds(bounds: Bound[], summary: Summary): BoundResult[] {
  const out: BoundResult[] = [];
  for (const b of bounds) {
    const study = summary.studies[b.study];
    if (!study) continue;
    const designs = b.design !== undefined ? [b.design] : Object.keys(study.designs);
    for (const d of designs) {
      const m = study.designs[d]?.metrics[b.metric];
      if (!m) continue;
      const value = statOf(m, b.stat);
      const ok = Number.isFinite(value) && (b.min === undefined || value >= b.min) && (b.max === undefined || value <= b.max);
      out.push({ key: b.key, design: d, value, ci95: m.ci95, ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}), ok });
    }
  }
  return out;
}
