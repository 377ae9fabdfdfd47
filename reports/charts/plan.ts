/**
 * Which charts each study gets, as a small table of requests; the builders skip whatever the
 * summary does not contain. A study nobody planned for still gets its series, its sweeps and
 * its first metric, so a new study shows up in the report the day it lands.
 */
import type { StudySummary, Summary } from '../summary.js';
import { metricNames, seriesNames } from '../summary.js';
import { parseUnit } from '../../sim/units/units.js';
import { exactMetrics, exactSeries } from '../exact.js';
import {
  bandChart, cdfChart, isQuantileSeries, metricByDesign, spreadByDesign, sweepChart, validationChart,
  type Chart, type ExactCurve, type ExactValue, type Threshold,
} from './builders.js';

type Request =
  | { kind: 'design'; metric: string }
  | { kind: 'spread'; metric: string }
  | { kind: 'sweep'; metric: string; x?: string }
  | { kind: 'series'; match: RegExp; thresholds?: 'ceph' }
  | { kind: 'validation' };

/** First entry is the study's main chart (the one on its slide). */
export const PLAN: Record<string, Request[]> = {
  evacuation: [
    // Against the knob an operator sets (MiB, hosts); risk against capacity is the Pareto chart.
    { kind: 'sweep', metric: 'any_stranded' },
    { kind: 'sweep', metric: 'stranded_instance_hours' },
    { kind: 'series', match: /downtime/ },
    { kind: 'design', metric: 'any_stranded' },
    { kind: 'design', metric: 'stranded_instance_hours' },
    { kind: 'spread', metric: 'downtime_p95' },
  ],
  boot: [
    { kind: 'series', match: /boot/ },
    { kind: 'sweep', metric: 'storm_completion' },
    { kind: 'design', metric: 'storm_completion' },
    { kind: 'spread', metric: 'boot_time_p95' },
  ],
  rbd: [
    { kind: 'series', match: /usage|used|pool/, thresholds: 'ceph' },
    { kind: 'spread', metric: 'time_to_nearfull' },
    { kind: 'design', metric: 'reached_nearfull' },
    { kind: 'design', metric: 'reclaimed_bytes' },
  ],
  watchdog: [
    { kind: 'design', metric: 'availability' },
    { kind: 'design', metric: 'downtime_minutes_per_guest_year' },
    { kind: 'design', metric: 'incidents_needing_operator' },
  ],
  snapshots: [
    { kind: 'series', match: /freeze/ },
    { kind: 'spread', metric: 'freeze_seconds_p95' },
    { kind: 'design', metric: 'failed_fraction' },
    { kind: 'design', metric: 'crash_consistent_fraction' },
  ],
};

/** The numbers a slide shows for a study (first three found). */
export const KEY_METRICS: Record<string, string[]> = {
  evacuation: ['any_stranded', 'stranded_instance_hours', 'downtime_p95', 'stranded_instances'],
  boot: ['boot_time_p95', 'storm_completion', 'boot_time_p50', 'cache_hit_ratio'],
  rbd: ['time_to_nearfull', 'reached_full', 'reclaimed_bytes', 'used_fraction_end'],
  watchdog: ['availability', 'downtime_minutes_per_guest_year', 'incidents_needing_operator'],
  snapshots: ['freeze_seconds_p95', 'failed_fraction', 'crash_consistent_fraction', 'app_consistent_fraction'],
};

export function isValidationStudy(name: string, study: StudySummary): boolean {
  return /queue|validation|mm1|mmc|mg1/i.test(name) || Object.values(study.designs).some((d) => d.exact && Object.keys(d.exact).length);
}

export function keyMetrics(name: string, study: StudySummary): string[] {
  const present = metricNames(study);
  const wanted = (KEY_METRICS[name] ?? []).filter((m) => present.includes(m));
  for (const m of present) if (wanted.length < 3 && !wanted.includes(m)) wanted.push(m);
  return wanted.slice(0, 3);
}

type Scenario = Record<string, any> | undefined;

/** Ceph's nearfull/full ratios from the scenario (cloud.ceph), Ceph's defaults otherwise (facts §11). */
export function cephThresholds(scenario: Scenario): Threshold[] {
  const ceph = scenario?.cloud?.ceph ?? {};
  const ratio = (v: unknown, dflt: number) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'string') return parseUnit(v, 'fraction') ?? dflt;
    return dflt;
  };
  return [
    { label: 'nearfull', value: ratio(ceph.nearfull_ratio, 0.85) },
    { label: 'full', value: ratio(ceph.full_ratio, 0.95) },
  ];
}

/** Exact values per design: the study's own `exact` first, else computed from the scenario section. */
export function exactValues(name: string, study: StudySummary, scenario: Scenario): ExactValue[] {
  const out: ExactValue[] = [];
  for (const [design, d] of Object.entries(study.designs)) {
    const exact = d.exact ?? exactMetrics(name, scenario, design);
    if (!exact) continue;
    for (const [metric, value] of Object.entries(exact)) if (d.metrics[metric] && Number.isFinite(value)) out.push({ design, metric, exact: value });
  }
  return out;
}

/** Closed-form curves over a validation study's series, per design, where the theory gives one. */
export function exactCurves(name: string, study: StudySummary, series: string, scenario: Scenario): ExactCurve[] {
  const out: ExactCurve[] = [];
  for (const [design, d] of Object.entries(study.designs)) {
    const s = d.series?.[series];
    if (!s) continue;
    const f = exactSeries(name, scenario, design, series);
    if (f) out.push({ design, points: s.x.map((x) => ({ x, y: f(x) })) });
  }
  return out;
}

function build(name: string, study: StudySummary, r: Request, scenario: Scenario, horizon?: number): Chart[] {
  switch (r.kind) {
    case 'design': return [metricByDesign(name, study, r.metric)].filter((c): c is Chart => !!c);
    case 'spread': return [spreadByDesign(name, study, r.metric, horizon)].filter((c): c is Chart => !!c);
    case 'sweep': {
      const sweeps = study.sweeps ?? [];
      if (sweeps.length === 0) return [];
      // One chart across every sweep when they share the x metric; otherwise one per sweep.
      const together = r.x ? sweepChart(name, sweeps, r.metric, r.x) : undefined;
      if (together) return [together];
      return sweeps.map((sw) => sweepChart(name, [sw], r.metric, r.x)).filter((c): c is Chart => !!c);
    }
    case 'series': {
      const out: Chart[] = [];
      for (const s of seriesNames(study).filter((n) => r.match.test(n))) {
        const first = Object.values(study.designs).find((d) => d.series?.[s])!.series![s];
        const th = r.thresholds === 'ceph' && ['fraction', 'ratio', '1'].includes(first.unit) ? cephThresholds(scenario) : [];
        const ex = isValidationStudy(name, study) ? exactCurves(name, study, s, scenario) : [];
        const c = isQuantileSeries(first) ? cdfChart(name, study, s) : bandChart(name, study, s, th, ex);
        if (c) out.push(c);
      }
      return out;
    }
    case 'validation': {
      const c = validationChart(name, study, exactValues(name, study, scenario));
      return c ? [c] : [];
    }
  }
}

/** Every chart for one study, main chart first, no duplicates. */
export function chartsForStudy(name: string, study: StudySummary, scenario: Scenario, horizon?: number): Chart[] {
  const requests: Request[] = [...(PLAN[name] ?? [])];
  if (isValidationStudy(name, study)) {
    // The ratio chart covers every metric with a closed form; the rest get their own chart.
    const exact = new Set(exactValues(name, study, scenario).map((e) => e.metric));
    requests.unshift({ kind: 'validation' }, { kind: 'series', match: /.*/ });
    for (const m of metricNames(study)) if (!exact.has(m)) requests.push({ kind: 'design', metric: m });
  }
  let charts = requests.flatMap((r) => build(name, study, r, scenario, horizon));
  if (charts.length === 0) {
    // Unplanned (or planned but differently named) study: its curves, sweeps and first metric.
    const fallback: Request[] = [{ kind: 'series', match: /.*/ }];
    const first = metricNames(study)[0];
    if (first) fallback.push({ kind: 'sweep', metric: first }, { kind: 'design', metric: first });
    charts = fallback.flatMap((r) => build(name, study, r, scenario, horizon));
  }
  const seen = new Set<string>();
  return charts.filter((c) => (seen.has(c.name) ? false : (seen.add(c.name), true)));
}

export function chartsForSummary(summary: Summary, scenario: Scenario): Chart[] {
  return Object.entries(summary.studies).flatMap(([name, study]) => chartsForStudy(name, study, scenario, summary.horizon));
}
