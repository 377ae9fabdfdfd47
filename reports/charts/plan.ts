/**
 * Which charts a study gets: the requests the study declared (summary.json studies.<s>.charts,
 * main chart first), plus the validation charts when its designs publish closed-form values. The
 * builders skip whatever the summary does not contain. A study that declares nothing still gets
 * its series, its sweeps and its first metric, so a new study shows up in the report the day it
 * lands. Nothing here knows a study by name.
 */
import type { ChartRequest, StudySummary, Summary, Threshold } from '../summary.js';
import { metricNames, seriesNames } from '../summary.js';
import type { Colours } from './lines.js';
import {
  bandChart, cdfChart, isQuantileSeries, metricByDesign, runColours, spreadByDesign, studyColours, sweepChart, validationChart,
  type Chart, type ExactCurve, type ExactValue,
} from './builders.js';

type Request = ChartRequest | { kind: 'all-series' } | { kind: 'validation' };

/** A validation study: one of its designs publishes closed-form values. */
export function isValidationStudy(study: StudySummary): boolean {
  return Object.values(study.designs).some((d) => d.exact && Object.keys(d.exact).length > 0);
}

/** The numbers a slide shows for a study: its key metrics present in the summary, filled up to three. */
export function keyMetrics(study: StudySummary): string[] {
  const present = metricNames(study);
  const wanted = (study.keyMetrics ?? []).filter((m) => present.includes(m));
  for (const m of present) if (wanted.length < 3 && !wanted.includes(m)) wanted.push(m);
  return wanted.slice(0, 3);
}

/**
 * The threshold lines of one series across designs: each design's own (a design may change Ceph's
 * ratios); when the designs disagree, each line names its design.
 */
export function seriesThresholds(study: StudySummary, series: string): Threshold[] {
  const per = Object.entries(study.designs).map(([design, d]) => ({ design, lines: d.thresholds?.[series] ?? [] })).filter((x) => x.lines.length > 0);
  if (per.length === 0) return [];
  const key = (lines: Threshold[]) => JSON.stringify(lines.map((t) => [t.label, t.value]));
  if (per.every((x) => key(x.lines) === key(per[0].lines))) return per[0].lines;
  const out: Threshold[] = [];
  for (const { design, lines } of per) for (const t of lines) {
    if (!out.some((o) => o.value === t.value && o.label.startsWith(`${t.label} (`))) out.push({ label: `${t.label} (${design})`, value: t.value });
    else {
      const same = out.find((o) => o.value === t.value && o.label.startsWith(`${t.label} (`))!;
      same.label = same.label.replace(/\)$/, `, ${design})`);
    }
  }
  return out;
}

/** Closed-form metric values per design, as the study published them in summary.json. */
export function exactValues(study: StudySummary): ExactValue[] {
  const out: ExactValue[] = [];
  for (const [design, d] of Object.entries(study.designs)) {
    for (const [metric, value] of Object.entries(d.exact ?? {})) if (d.metrics[metric] && Number.isFinite(value)) out.push({ design, metric, exact: value });
  }
  return out;
}

/** Closed-form curves over a series, per design, where the study published one. */
export function exactCurves(study: StudySummary, series: string): ExactCurve[] {
  const out: ExactCurve[] = [];
  for (const [design, d] of Object.entries(study.designs)) {
    const s = d.series?.[series];
    const ys = d.exactSeries?.[series];
    if (!s || !ys || ys.length !== s.x.length) continue;
    out.push({ design, points: s.x.map((x, i) => ({ x, y: ys[i] })).filter((p) => Number.isFinite(p.y)) });
  }
  return out;
}

function seriesChart(name: string, study: StudySummary, s: string, colours: Colours): Chart | undefined {
  const first = Object.values(study.designs).find((d) => d.series?.[s])?.series?.[s];
  if (!first) return undefined;
  return isQuantileSeries(first) ? cdfChart(name, study, s, colours) : bandChart(name, study, s, seriesThresholds(study, s), exactCurves(study, s), colours);
}

function build(name: string, study: StudySummary, r: Request, colours: Colours, horizon?: number): Chart[] {
  const some = (c: Chart | undefined): Chart[] => (c ? [c] : []);
  switch (r.kind) {
    case 'design': return some(metricByDesign(name, study, r.metric, colours));
    case 'spread': return some(spreadByDesign(name, study, r.metric, horizon));
    case 'sweep': {
      const sweeps = study.sweeps ?? [];
      if (sweeps.length === 0) return [];
      // One chart across every sweep when they share the x metric; otherwise one per sweep.
      const together = r.x ? sweepChart(name, sweeps, r.metric, r.x, study, colours) : undefined;
      if (together) return [together];
      return sweeps.flatMap((sw) => some(sweepChart(name, [sw], r.metric, r.x, study, colours)));
    }
    case 'series': return some(seriesChart(name, study, r.series, colours));
    case 'all-series': return seriesNames(study).flatMap((s) => some(seriesChart(name, study, s, colours)));
    case 'validation': return some(validationChart(name, study, exactValues(study), colours));
  }
}

/** Every chart for one study, main chart first, no duplicates. */
export function chartsForStudy(name: string, study: StudySummary, horizon?: number, colours: Colours = studyColours(study)): Chart[] {
  const requests: Request[] = [...(study.charts ?? [])];
  if (isValidationStudy(study)) {
    // The ratio chart covers every metric with a closed form; the rest get their own chart.
    const exact = new Set(exactValues(study).map((e) => e.metric));
    requests.unshift({ kind: 'validation' }, { kind: 'all-series' });
    for (const m of metricNames(study)) if (!exact.has(m)) requests.push({ kind: 'design', metric: m });
  }
  let charts = requests.flatMap((r) => build(name, study, r, colours, horizon));
  if (charts.length === 0) {
    // A study that asked for nothing (or for charts its summary cannot fill): its curves, sweeps and first metric.
    const fallback: Request[] = [{ kind: 'all-series' }];
    const first = metricNames(study)[0];
    if (first) fallback.push({ kind: 'sweep', metric: first }, { kind: 'design', metric: first });
    charts = fallback.flatMap((r) => build(name, study, r, colours, horizon));
  }
  const seen = new Set<string>();
  return charts.filter((c) => (seen.has(c.name) ? false : (seen.add(c.name), true)));
}

export function chartsForSummary(summary: Summary): Chart[] {
  const colours = runColours(summary.studies);
  return Object.entries(summary.studies).flatMap(([name, study]) => chartsForStudy(name, study, summary.horizon, colours));
}
