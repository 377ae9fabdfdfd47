/**
 * Generic Vega-Lite spec builders. Each takes what summary.json holds for one study (metric
 * statistics, series, sweeps) and returns a spec in display units (minutes, GiB, %), with a
 * title, unit-bearing axis titles, a legend, and the uncertainty the data carry: 95 % CIs as
 * error bars or bands for means, the p05–p95 band across replications for curves. A builder
 * returns undefined when the data it needs are absent, so plans can ask for charts freely.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MetricStats, SeriesStats, StudySummary, Sweep } from '../summary.js';
import { metricAcrossDesigns, designNames, displayScale, labelOf, seriesLabelOf } from '../summary.js';
import { axisTitle, formatNumber, pickScale, RESOLUTION, unitKind, type Scale } from '../format.js';
import { FONT } from './render.js';
import { designColours, lineStyle, PALETTE, type Colours, type LineStyle } from './lines.js';
import { inPanels, PANELS_FROM } from './panels.js';

export interface Chart {
  /** File stem: charts/<name>.vl.json|svg|png. */
  name: string;
  study: string;
  title: string;
  /** One sentence under the chart saying what the marks and bands mean. */
  caption: string;
  spec: TopLevelSpec;
}

export const WIDTH = 560;
export const HEIGHT = 300;

function config() {
  return {
    font: FONT,
    background: 'white',
    title: { fontSize: 17, anchor: 'start' as const, subtitleFontSize: 12, subtitleColor: '#555', offset: 12 },
    axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8, gridColor: '#e6e6e6', labelLimit: 260 },
    legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom' as const, direction: 'horizontal' as const, columns: 4, labelLimit: 260 },
    view: { stroke: '#ddd' },
  };
}

function top(title: string, subtitle: string, layer: unknown[], data: object[], height = HEIGHT): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // Short subtitles: without canvas text metrics Vega over-estimates text width, and a long
    // subtitle alone can double the chart's width.
    title: { text: title, subtitle: subtitle.charAt(0).toUpperCase() + subtitle.slice(1) },
    width: WIDTH,
    height,
    config: config(),
    data: { values: data },
    layer,
  } as TopLevelSpec;
}

/** As many legend columns as the longest label allows across the plot's width (labels never cut). */
function legendColumns(labels: string[]): number {
  const widest = Math.max(...labels.map((l) => l.length)) * 7.5 + 30;
  return Math.max(1, Math.min(labels.length, Math.floor(WIDTH / widest)));
}

/** The colours of a study's designs when no run-wide assignment is given (a chart built alone). */
export function studyColours(study: StudySummary): Colours {
  return designColours([designNames(study)]);
}

/** The colours of every design of a run, the same in each of its charts. */
export function runColours(studies: Record<string, StudySummary>): Colours {
  return designColours(Object.values(studies).map(designNames));
}

/** An explicit design -> colour scale: the run's colour of each design, never the scale's own. */
export function colourRange(domain: string[], colours: Colours): string[] {
  return domain.map((d, i) => colours(d) ?? PALETTE[i % PALETTE.length]);
}

function colour(field: string, title: string, domain: string[], colours: Colours) {
  return {
    field, type: 'nominal', title,
    scale: { domain, range: colourRange(domain, colours) },
    legend: { columns: legendColumns(domain), labelLimit: 0, titleLimit: 0, symbolOpacity: 1 },
  };
}



/** Tooltip rows of a mean and its CI, titled with the axis's unit-bearing title. */
function meanCiTips(title: string): object[] {
  return [{ field: 'mean', title: `Mean: ${title}`, format: '.4~g' }, { field: 'lo', title: '95 % CI low', format: '.4~g' }, { field: 'hi', title: '95 % CI high', format: '.4~g' }];
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Which designs the study has, in report order: stable colours across its charts. */
function domainOf(study: StudySummary): string[] {
  return designNames(study);
}

/** x in the display unit; below display resolution it is 0, as the text prints it (no 1.27e-13 in a tooltip). */
function scaled(x: number, s: Scale): number | null {
  if (!Number.isFinite(x)) return null;
  const v = x / s.divisor;
  return Math.abs(v) < RESOLUTION ? 0 : v;
}

/** Mean and 95 % CI of one metric, one point per design. */
export function metricByDesign(studyName: string, study: StudySummary, metric: string, colours: Colours = studyColours(study)): Chart | undefined {
  // A mean that does not exist is not drawn; nor is a censored time as if it were one.
  const rows = metricAcrossDesigns(study, metric).filter((r) => !r.stats.heavyTailed && !(r.stats.kind === 'time-to-event' && r.stats.reached && r.stats.reached.count < r.stats.reached.of));
  if (rows.length === 0) return undefined;
  const scale = displayScale(study, metric);
  const label = labelOf(study, metric);
  const data = rows.map(({ design, stats }) => ({
    design,
    mean: scaled(stats.mean, scale),
    lo: scaled(stats.ci95[0], scale),
    hi: scaled(stats.ci95[1], scale),
    n: stats.n,
  }));
  const n = rows[0].stats.n;
  // Values bunched far from zero (an availability of 99.9x %) would be a flat line on a zero-based axis.
  const los = data.map((d) => d.lo ?? 0), his = data.map((d) => d.hi ?? 0);
  const bunched = Math.min(...los) > 0.5 * Math.max(...his);
  const x = { type: 'quantitative', title: axisTitle(label, scale), scale: { zero: !bunched } };
  const y = { field: 'design', type: 'nominal', title: 'Design', sort: domainOf(study) };
  const title = `${label} per design`;
  return {
    name: `${slug(studyName)}-${slug(metric)}-by-design`,
    study: studyName,
    title,
    caption: `Point: mean over ${n} replications; bar: its 95 % confidence interval.`,
    spec: top(title, `mean and 95 % CI over ${n} replications`, [
      { mark: { type: 'rule', strokeWidth: 2.5 }, encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color: colour('design', 'Design', domainOf(study), colours) } },
      { mark: { type: 'point', filled: true, size: 110 }, encoding: { y, x: { ...x, field: 'mean' }, color: colour('design', 'Design', domainOf(study), colours),
        tooltip: [{ field: 'design', title: 'Design' }, ...meanCiTips(x.title)] } },
    ], data, Math.max(120, 46 * rows.length)),
  };
}

const MEAN = 'mean ± 95 % CI';
const STATS = ['median', 'p95', 'p99', MEAN];

/**
 * How one metric is spread across replications, per design: the min–max range as a thin line,
 * the median, p95 and p99 as marks, and the mean with its 95 % CI.
 */
export function spreadByDesign(studyName: string, study: StudySummary, metric: string, horizon?: number): Chart | undefined {
  const rows = metricAcrossDesigns(study, metric);
  if (rows.length === 0) return undefined;
  const unit = rows[0].stats.unit;
  const scale = displayScale(study, metric);
  const label = labelOf(study, metric);
  const ranges = rows.map(({ design, stats }) => ({
    design, min: scaled(stats.min, scale), max: scaled(stats.max, scale),
    mean: scaled(stats.mean, scale), lo: scaled(stats.ci95[0], scale), hi: scaled(stats.ci95[1], scale),
  }));
  const marks: { design: string; statistic: string; value: number | null }[] = [];
  for (const { design, stats } of rows) {
    for (const [statistic, v] of [['median', stats.p50], ['p95', stats.p95], ['p99', stats.p99], [MEAN, stats.mean]] as const) {
      marks.push({ design, statistic, value: scaled(v, scale) });
    }
  }
  const y = { field: 'design', type: 'nominal', title: 'Design', sort: domainOf(study) };
  const xTitle = axisTitle(label, scale);
  const title = `${label}: spread across replications`;
  const n = rows[0].stats.n;
  // A "time to …" that never happened is reported as the horizon (censored): mark where that is.
  const censored = horizon !== undefined && unitKind(unit) === 'time' && rows.some((r) => r.stats.max >= horizon * 0.999);
  const horizonLayer = censored ? [
    { data: { values: [{ h: horizon! / scale.divisor, label: 'end of simulated horizon' }] }, mark: { type: 'rule', color: '#c00', strokeDash: [5, 3] },
      encoding: { x: { field: 'h', type: 'quantitative', title: xTitle } } },
    { data: { values: [{ h: horizon! / scale.divisor, label: 'horizon' }] }, mark: { type: 'text', color: '#c00', align: 'right', dx: -4, baseline: 'top', fontSize: 11 },
      encoding: { x: { field: 'h', type: 'quantitative' }, y: { value: 2 }, text: { field: 'label' } } },
  ] : [];
  return {
    name: `${slug(studyName)}-${slug(metric)}-spread`,
    study: studyName,
    title,
    caption: `Grey line: min to max over ${n} replications; marks: median, p95, p99; black bar: 95 % CI of the mean.`
      + (censored ? ' Dashed red line: the end of the simulated horizon; values there mean "not reached within it".' : ''),
    spec: top(title, `distribution over ${n} replications`, [
      ...horizonLayer,
      { data: { values: ranges }, mark: { type: 'rule', color: '#bbb', strokeWidth: 2 }, encoding: { y, x: { field: 'min', type: 'quantitative', title: xTitle }, x2: { field: 'max' } } },
      { data: { values: ranges }, mark: { type: 'rule', color: 'black', strokeWidth: 3 }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' } } },
      ...[[marks.filter((m) => m.statistic !== MEAN), 120], [marks.filter((m) => m.statistic === MEAN), 50]].map(([values, size]) => ({
        data: { values }, mark: { type: 'point', filled: true, size, opacity: 0.9 }, encoding: {
          y, x: { field: 'value', type: 'quantitative', title: xTitle },
          color: { field: 'statistic', type: 'nominal', title: 'Statistic', scale: { domain: STATS, range: ['#4c78a8', '#f58518', '#e45756', 'black'] } },
          shape: { field: 'statistic', type: 'nominal', title: 'Statistic', scale: { domain: STATS, range: ['circle', 'triangle-right', 'diamond', 'square'] } },
          tooltip: [{ field: 'design', title: 'Design' }, { field: 'statistic', title: 'Statistic' }, { field: 'value', title: xTitle, format: '.4~g' }] } })),
    ], [], Math.max(120, 46 * rows.length)),
  };
}

/** A series whose x are probabilities in [0, 1] is a quantile function: draw it as a CDF. */
export function isQuantileSeries(s: SeriesStats): boolean {
  const u = (s.xUnit ?? '').toLowerCase();
  const byUnit = ['probability', 'fraction', 'quantile', '1', ''].includes(u);
  return byUnit && s.x.length > 1 && s.x.every((p) => p >= 0 && p <= 1);
}

function seriesAcrossDesigns(study: StudySummary, series: string): { design: string; s: SeriesStats }[] {
  const out: { design: string; s: SeriesStats }[] = [];
  for (const [design, d] of Object.entries(study.designs)) {
    const s = d.series?.[series];
    if (s && s.x.length > 0) out.push({ design, s });
  }
  return out;
}

/** Everything a series line and its band are drawn from: equal arrays mean identical lines. */
function seriesValues(s: SeriesStats): number[][] {
  return [s.x, s.p50, s.p05, s.p95, s.mean];
}

function middle(v: number[]): number {
  return v[Math.floor(v.length / 2)];
}

/** The last finite value (where a time series or a sweep line ends up). */
function last(v: (number | null)[]): number {
  for (let i = v.length - 1; i >= 0; i--) { const x = v[i]; if (x !== null && Number.isFinite(x)) return x; }
  return NaN;
}

/** Colour, dash and width channels of a line layer. */
function lineEncoding(style: LineStyle): object {
  return { color: style.color, ...(style.strokeDash ? { strokeDash: style.strokeDash } : {}), ...(style.strokeWidth ? { strokeWidth: style.strokeWidth } : {}) };
}

function notes(style: LineStyle): string {
  return style.notes.map((n) => ` ${n}`).join('');
}

/** CDF per design: the median replication's curve, with the p05–p95 band across replications. */
export function cdfChart(studyName: string, study: StudySummary, series: string, colours: Colours = studyColours(study)): Chart | undefined {
  const rows = seriesAcrossDesigns(study, series);
  if (rows.length === 0) return undefined;
  const unit = rows[0].s.unit;
  const scale = pickScale(unit, rows.flatMap((r) => [...r.s.p95, ...r.s.p50]));
  const label = seriesLabelOf(study, series);
  // Legend from the leftmost curve (smallest median) to the rightmost.
  const style = lineStyle('design', 'Design', rows.map(({ design, s }) => ({ name: design, values: seriesValues(s), end: middle(s.p50) })), 'asc', colours, 'median');
  const data = rows.flatMap(({ design, s }) => s.x.map((p, i) => ({
    design: style.label.get(design)!, p, median: scaled(s.p50[i], scale), lo: scaled(s.p05[i], scale), hi: scaled(s.p95[i], scale),
  }))).filter((r) => r.median !== null);
  const xTitle = axisTitle(label, scale);
  const color = style.color;
  const title = `${label}: cumulative distribution per design`;
  // A heavy tail in a few replications (p95 band to 20 h while medians end at 2 h) would squash
  // every curve against the axis: cut the axis past the medians and say so.
  const medMax = Math.max(0, ...data.map((d) => d.median ?? 0));
  const hiMax = Math.max(0, ...data.map((d) => d.hi ?? 0));
  const cut = medMax > 0 && hiMax > 2 * medMax ? medMax * 1.5 : undefined;
  // Designs whose typical values differ by orders of magnitude (an RBD snapshot freezes for
  // milliseconds, a local one for minutes) each get room on a symmetric-log axis.
  const medians = rows.map(({ s }) => middle(s.p50) / scale.divisor).filter((v) => Number.isFinite(v) && v > 0);
  const spread = medians.length > 1 ? Math.max(...medians) / Math.min(...medians) : 1;
  const symlog = !cut && spread > 30;
  const xScale = cut
    ? { domain: [Math.min(0, ...data.map((d) => d.lo ?? 0)), cut], nice: false }
    : symlog ? { type: 'symlog', constant: Math.min(...medians) } : {};
  const xAxis = symlog ? { values: logTicks(Math.min(...medians) / 3, Math.max(0, ...data.map((d) => d.hi ?? 0))), format: '~g' } : {};
  // Clamp rather than clip: Vega sizes the chart to its marks' unclipped bounds.
  if (cut) for (const d of data) { if (d.hi !== null && d.hi > cut) d.hi = cut; if (d.lo !== null && d.lo > cut) d.lo = cut; }
  const panels = rows.length >= PANELS_FROM;
  const opacity = panels ? 0.25 : rows.length > 3 ? 0.12 : 0.18;
  const firstLabel = style.label.get(rows[0].design)!;
  const layered = top(title, `P(value ≤ x); band = p05–p95 across replications${cut ? '; axis cut past the medians' : ''}${symlog ? '; log axis' : ''}${panels ? '; one panel per design' : ''}`, [
      { mark: { type: 'area', orient: 'horizontal', opacity }, encoding: {
        y: { field: 'p', type: 'quantitative', title: 'Cumulative probability', axis: { format: '%' }, scale: { domain: [0, 1] } },
        x: { field: 'lo', type: 'quantitative', title: xTitle, scale: xScale, axis: xAxis }, x2: { field: 'hi' }, color } },
      { mark: { type: 'line', strokeWidth: 2.5, interpolate: 'monotone' }, encoding: {
        y: { field: 'p', type: 'quantitative', title: 'Cumulative probability' },
        x: { field: 'median', type: 'quantitative', title: xTitle, scale: xScale, axis: xAxis }, order: { field: 'p' }, ...lineEncoding(style),
        tooltip: [{ field: 'design', title: 'Design' }, { field: 'p', title: 'Cumulative probability', format: '.0%' }, { field: 'median', title: `Median: ${xTitle}`, format: '.4~g' }] } },
    ], data);
  return {
    name: `${slug(studyName)}-${slug(series.replace(/_?cdf$/i, ''))}-cdf`,
    study: studyName,
    title,
    caption: 'Line: median over replications of each quantile; band: 5th–95th percentile across replications.'
      + (cut ? ` The axis stops at ${formatNumber(cut)} ${scale.label}; the band of a few replications runs on to ${formatNumber(hiMax)} ${scale.label}.` : '')
      + (symlog ? ' The value axis is logarithmic (linear near zero): the designs differ by orders of magnitude.' : '')
      + (panels
        ? ` One panel per design, in order of median, lowest first; grey dashed line in the other panels: the median of ${rows[0].design}, the first design.`
          + [...style.sameAs].map(([name, twin]) => ` ${name} gives exactly the same values as ${twin}.`).join('')
        : notes(style)),
    spec: panels ? inPanels(layered, 'design', style.order, firstLabel, 1) : layered,
  };
}

/** 0 and 1-2-5 steps per decade from lo to hi, for a log axis people can read. */
export function logTicks(lo: number, hi: number): number[] {
  const out = [0];
  if (!(lo > 0) || !(hi > lo)) return out;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

export interface Threshold {
  label: string;
  /** In the series' internal unit. */
  value: number;
}

/** A time series per design: median line, p05–p95 band, optional horizontal threshold lines. */
/** A closed-form curve to draw over a series (validation): points in the series' internal units. */
export interface ExactCurve {
  design: string;
  points: { x: number; y: number }[];
}

export function bandChart(studyName: string, study: StudySummary, series: string, thresholds: Threshold[] = [], exact: ExactCurve[] = [], colours: Colours = studyColours(study)): Chart | undefined {
  const rows = seriesAcrossDesigns(study, series);
  if (rows.length === 0) return undefined;
  const first = rows[0].s;
  const yScale = pickScale(first.unit, [...rows.flatMap((r) => r.s.p95), ...thresholds.map((t) => t.value)]);
  const xScale = pickScale(first.xUnit, rows.flatMap((r) => r.s.x));
  const label = seriesLabelOf(study, series);
  // Legend from the line ending highest to the lowest, as the lines stand at the right edge.
  const style = lineStyle('design', 'Design', rows.map(({ design, s }) => ({ name: design, values: seriesValues(s), end: last(s.p50) })), 'desc', colours);
  const data = rows.flatMap(({ design, s }) => s.x.map((x, i) => ({
    design: style.label.get(design)!, x: scaled(x, xScale), median: scaled(s.p50[i], yScale), lo: scaled(s.p05[i], yScale), hi: scaled(s.p95[i], yScale),
  })));
  const xName = first.xLabel || 'Time';
  const xTitle = axisTitle(xName.charAt(0).toUpperCase() + xName.slice(1), xScale);
  const yTitle = axisTitle(label, yScale);
  const color = style.color;
  const layer: unknown[] = [
    { mark: { type: 'area', opacity: 0.18 }, encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, scale: { nice: false } }, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' },
      color } },
    { mark: { type: 'line', strokeWidth: 2.5 }, encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, scale: { nice: false } }, y: { field: 'median', type: 'quantitative', title: yTitle }, ...lineEncoding(style),
      tooltip: [{ field: 'design', title: 'Design' }, { field: 'x', title: xTitle, format: '.4~g' }, { field: 'median', title: `Median: ${yTitle}`, format: '.4~g' }] } },
  ];
  if (exact.length) {
    const ex = exact.flatMap((e) => e.points.map((p) => ({ design: e.design, curve: 'closed form', x: p.x / xScale.divisor, y: p.y / yScale.divisor })));
    layer.push({ data: { values: ex }, mark: { type: 'line', color: 'black', strokeWidth: 1.5 }, encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle }, y: { field: 'y', type: 'quantitative', title: yTitle }, detail: { field: 'design' },
      strokeDash: { field: 'curve', type: 'nominal', title: 'Theory', scale: { range: [[4, 3]] } },
      // Drawn over the simulated line it matches: it answers the hover there.
      tooltip: [{ field: 'design', title: 'Design' }, { field: 'x', title: xTitle, format: '.4~g' }, { field: 'y', title: `Closed form: ${yTitle}`, format: '.4~g' }] } });
  }
  if (thresholds.length) {
    const t = thresholds.map((th) => ({ threshold: `${th.label} (${formatNumber(th.value / yScale.divisor)} ${yScale.label})`.replace(/ \)$/, ')'), y: th.value / yScale.divisor }));
    // One layer per threshold with a fixed dash: the strokeDash channel belongs to the designs.
    // Each line carries its own text label, so it needs no legend entry.
    const dashes = [[6, 4], [2, 2], [10, 3]];
    layer.push(
      ...t.map((row, i) => ({ data: { values: [row] }, mark: { type: 'rule', strokeDash: dashes[i % dashes.length], strokeWidth: 2, color: '#c00' }, encoding: {
        y: { field: 'y', type: 'quantitative', title: yTitle } } })),
      { data: { values: t }, mark: { type: 'text', align: 'left', dx: 4, dy: -7, color: '#c00', fontSize: 12 }, encoding: {
        y: { field: 'y', type: 'quantitative' }, x: { datum: 0, type: 'quantitative' }, text: { field: 'threshold' } } },
    );
  }
  const overTime = /^(time|elapsed|days?|date)\b/i.test(first.xLabel ?? '') || !first.xLabel;
  const title = overTime ? `${label} over time` : `${label} against ${first.xLabel}`;
  return {
    name: `${slug(studyName)}-${slug(series)}-${overTime ? 'over-time' : `vs-${slug(first.xLabel)}`}`,
    study: studyName,
    title,
    caption: `Line: median across replications; band: 5th–95th percentile${thresholds.length ? '; dashed red lines: thresholds' : ''}${exact.length ? '; dashed black line: the closed-form value' : ''}.${notes(style)}`,
    // The closed-form curve's dash has a legend of its own ("Theory"), apart from the designs'.
    spec: exact.length && style.strokeDash
      ? { ...top(title, `median and p05–p95 band across replications`, layer, data), resolve: { scale: { strokeDash: 'independent' } } } as TopLevelSpec
      : top(title, `median and p05–p95 band across replications`, layer, data),
  };
}

/**
 * A metric against a swept parameter, one line per design, with the 95 % CI as a band. When
 * every sweep point also reports `xMetric` (e.g. the fraction of capacity held back), the x axis
 * is that metric's mean, which lets different strategies (reservation size, spare hosts) share
 * one axis; several sweeps are then drawn together.
 */
export function sweepChart(studyName: string, sweeps: Sweep[], metric: string, xMetric?: string, study?: StudySummary, colours?: Colours): Chart | undefined {
  type Pt = { line: string; x: number | string; stats: MetricStats };
  const designOf = new Map<string, string>();
  const points: Pt[] = [];
  const multi = sweeps.length > 1;
  let xUnit: string | undefined;
  const useX = xMetric !== undefined && sweeps.every((sw) => Object.values(sw.designs).every((ps) => ps.every((p) => p.metrics[xMetric] && Number.isFinite(p.metrics[xMetric].mean))));
  if (!useX && multi) return undefined;
  for (const sw of sweeps) {
    for (const [design, ps] of Object.entries(sw.designs)) {
      for (const p of ps) {
        const stats = p.metrics[metric];
        if (!stats || !Number.isFinite(stats.mean)) continue;
        const x = useX ? p.metrics[xMetric!].mean : p.value;
        if (useX) xUnit = p.metrics[xMetric!].unit;
        const line = multi ? `${design} (${paramTitle(sw.parameter).replace(/ \(.*\)$/, '')})` : design;
        designOf.set(line, design);
        points.push({ line, x, stats });
      }
    }
  }
  if (points.length < 2) return undefined;
  const numeric = points.every((p) => typeof p.x === 'number');
  const unit = points[0].stats.unit;
  // The metric's display unit in the rest of the report when the study is known.
  const yScale = study ? displayScale(study, metric) : pickScale(unit, points.flatMap((p) => [p.stats.mean, ...p.stats.ci95]));
  const xScale = !useX ? { divisor: 1, label: '' } : study && displayScale(study, xMetric!).label ? displayScale(study, xMetric!) : pickScale(xUnit, points.map((p) => p.x as number));
  const label = labelOf(study, metric);
  const data = points.map((p) => ({
    line: p.line,
    x: numeric ? (p.x as number) / xScale.divisor : String(p.x),
    mean: scaled(p.stats.mean, yScale), lo: scaled(p.stats.ci95[0], yScale), hi: scaled(p.stats.ci95[1], yScale),
  }));
  const lines = [...new Set(data.map((d) => d.line))];
  const of = (line: string) => data.filter((d) => d.line === line);
  const xs = [...new Set(data.map((d) => String(d.x)))];
  const style = lineStyle('line', multi ? 'Design (swept parameter)' : 'Design', lines.map((line) => ({
    name: line,
    values: [of(line).map((d) => (typeof d.x === 'number' ? d.x : xs.indexOf(d.x))), ...(['mean', 'lo', 'hi'] as const).map((k) => of(line).map((d) => d[k] ?? NaN))],
    end: last(of(line).map((d) => d.mean)),
  })), 'desc', (line) => (colours ?? (study ? studyColours(study) : designColours([[...new Set(designOf.values())]])))(designOf.get(line)!), 'last point');
  for (const d of data) d.line = style.label.get(d.line)!;
  const swept = paramTitle(sweeps[0].parameter);
  const xTitle = useX ? axisTitle(labelOf(study, xMetric!), xScale) : swept.charAt(0).toUpperCase() + swept.slice(1);
  const yTitle = axisTitle(label, yScale);
  const x = { field: 'x', type: numeric ? 'quantitative' : 'ordinal', title: xTitle };
  const color = style.color;
  const title = `${label} against ${useX ? labelOf(study, xMetric!).toLowerCase() : paramTitle(sweeps[0].parameter)}`;
  const n = points[0].stats.n;
  return {
    name: `${slug(studyName)}-${slug(metric)}-sweep${useX ? `-vs-${slug(xMetric!)}` : `-${slug(paramTitle(sweeps[0].parameter).replace(/ \(.*\)$/, ''))}`}`,
    study: studyName,
    title,
    caption: `Line and points: mean over ${n} replications at each swept value; band: 95 % confidence interval.${notes(style)}`,
    spec: top(title, `mean and 95 % CI per swept value`, [
      { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' }, color } },
      { mark: { type: 'line', strokeWidth: 2.5, point: { filled: true, size: 60 } }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle }, ...lineEncoding(style),
        tooltip: [{ field: 'line', title: 'Design' }, { field: 'x', title: xTitle, ...(numeric ? { format: '.4~g' } : {}) }, ...meanCiTips(yTitle)] } },
    ], data),
  };
}

function shortParam(p: string): string {
  return p.split('.').pop() ?? p;
}

/** 'cloud.nova.reserved_host_memory_mb' -> 'reserved host memory (MB)'. */
export function paramTitle(p: string): string {
  const last = shortParam(p);
  const m = /^(.*)_(mb|gb|gib|mib|s|h|pct)$/i.exec(last);
  if (m) return `${m[1].replace(/_/g, ' ')} (${m[2].toUpperCase().replace('GIB', 'GiB').replace('MIB', 'MiB').replace('PCT', '%').replace(/^S$/, 's').replace(/^H$/, 'h')})`;
  // A bare 'size' or 'count' says little without its parent: 'studies.boot.storm.size' -> 'storm size'.
  const parts = p.split('.');
  if (!last.includes('_') && parts.length >= 2 && !['cloud', 'studies', 'nova'].includes(parts[parts.length - 2])) return `${parts[parts.length - 2]} ${last}`.replace(/_/g, ' ');
  return last.replace(/_/g, ' ');
}

export interface ExactValue {
  design: string;
  metric: string;
  exact: number;
}

/** Simulated ÷ exact per metric and design, with the CI scaled the same way; 1 is perfect agreement. */
export function validationChart(studyName: string, study: StudySummary, exact: ExactValue[], colours: Colours = studyColours(study)): Chart | undefined {
  const data: object[] = [];
  for (const { design, metric, exact: e } of exact) {
    const stats = study.designs[design]?.metrics[metric];
    if (!stats || !Number.isFinite(stats.mean) || !(Math.abs(e) > 0) || stats.heavyTailed) continue;
    data.push({ design, metric: labelOf(study, metric), ratio: stats.mean / e, lo: stats.ci95[0] / e, hi: stats.ci95[1] / e });
  }
  if (data.length === 0) return undefined;
  const y = { field: 'metric', type: 'nominal', title: 'Metric' };
  const x = { type: 'quantitative', title: 'Simulated ÷ exact (1 = agreement)', scale: { zero: false } };
  const color = colour('design', 'Model', domainOf(study), colours);
  const title = 'Simulated against exact values';
  return {
    name: `${slug(studyName)}-validation`,
    study: studyName,
    title,
    caption: 'Point: simulated mean divided by the closed-form value; bar: its 95 % CI (divided likewise); the red line marks agreement.',
    spec: top(title, `simulated mean ÷ closed form, with 95 % CI`, [
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', color: '#c00', strokeDash: [5, 3] }, encoding: { x: { field: 'one', type: 'quantitative', title: x.title } } },
      { mark: { type: 'rule', strokeWidth: 2.5 }, encoding: { y, yOffset: { field: 'design' }, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color } },
      { mark: { type: 'point', filled: true, size: 90 }, encoding: { y, yOffset: { field: 'design' }, x: { ...x, field: 'ratio' }, color,
        tooltip: [{ field: 'design', title: 'Model' }, { field: 'metric', title: 'Metric' }, { field: 'ratio', title: 'Simulated ÷ exact', format: '.4f' }, { field: 'lo', title: '95 % CI low', format: '.4f' }, { field: 'hi', title: '95 % CI high', format: '.4f' }] } },
    ], data, Math.max(160, 30 * data.length)),
  };
}

/** Words into lines of at most `width` characters (a longer word keeps its own line). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * The same chart for a slide: fonts sized to be read from the back of a room once the PNG is
 * scaled to two thirds of a 13.3-inch-wide slide, and no title (the slide prints it).
 */
export function forSlide(spec: TopLevelSpec, fontPx = 18, plotHeight?: number): TopLevelSpec {
  const s = structuredClone(spec) as any;
  // The slide prints the chart's title itself; a long title here would widen the whole PNG.
  delete s.title;
  if (s.facet) {
    // Small multiples: the panels share the narrower width; headers grow with the other text.
    // Two rows of panels: a slide's picture box is wide and short, and a tall image would shrink.
    const panels = s.facet.sort.length;
    s.columns = panels <= 4 ? panels : Math.min(5, Math.ceil(panels / 2));
    s.spec.width = 200;
    s.spec.height = 190;
    s.spacing = { row: 56, column: 32 };
    s.config = { ...s.config, header: { ...s.config?.header, labelFontSize: fontPx } };
    // One y title per row at 19 px must fit beside a panel: the CDF's short form.
    for (const layer of s.spec.layer) if (layer.encoding?.y?.title === 'Cumulative probability') layer.encoding.y.title = 'P(value ≤ x)';
    if (plotHeight) s.spec.height = plotHeight;
  } else {
    s.width = 440;
    // A long y-axis title in 19 px needs more than 300 px of plot height, or it pushes the plot down.
    if (s.height === HEIGHT) s.height = 310;
    if (plotHeight) s.height = plotHeight;
  }
  s.config = {
    ...s.config,
    axis: { ...s.config?.axis, labelFontSize: fontPx, titleFontSize: fontPx + 1 },
    legend: { ...s.config?.legend, labelFontSize: fontPx, titleFontSize: fontPx, symbolSize: 180 },
    text: { ...s.config?.text, fontSize: fontPx },
  };
  // Text marks (threshold and horizon labels) carry their own size for the page: the slide's instead.
  for (const layer of s.layer ?? s.spec?.layer ?? []) if (layer.mark?.type === 'text') layer.mark = { ...layer.mark, fontSize: fontPx };
  // A y title longer than the plot stretches the chart's height past it (and the slide then shrinks
  // the whole chart): break it into lines that fit beside the plot.
  const plot = s.spec?.height ?? s.height;
  const perLine = Math.max(8, Math.floor((0.95 * plot) / (0.62 * (fontPx + 1))));
  for (const layer of s.layer ?? s.spec?.layer ?? []) {
    const y = layer.encoding?.y;
    if (y && typeof y.title === 'string' && y.title.length > perLine) y.title = wrapWords(y.title, perLine);
  }
  // Legend columns were computed for 12 px labels: recompute for 18 px and the narrower plot.
  const fix = (enc: any) => {
    for (const ch of ['color', 'shape', 'strokeDash']) {
      const legend = enc?.[ch]?.legend;
      const domain: string[] | undefined = enc?.[ch]?.scale?.domain;
      // A legend beside the plot keeps its single column.
      if (legend && typeof legend === 'object' && domain && legend.orient !== 'right') {
        const widest = Math.max(...domain.map((l) => String(l).length)) * fontPx * 0.61 + 40;
        legend.columns = Math.max(1, Math.min(domain.length, Math.floor(s.width / widest)));
      }
    }
  };
  for (const layer of s.layer ?? s.spec?.layer ?? []) fix(layer.encoding);
  return s as TopLevelSpec;
}
