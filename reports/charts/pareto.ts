/**
 * Risk against capacity across strategies: every design and every sweep point of a study that
 * reports both a risk (a 0/1 metric's probability, e.g. P(any instance stranded)) and the share
 * of RAM it holds back, with the Pareto frontier — the settings no other setting beats on both.
 * Read only from summary.json.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MetricStats, StudySummary } from '../summary.js';
import { designNames, labelOf } from '../summary.js';
import { FONT } from './render.js';
import type { Colours } from './lines.js';
import { colourRange, HEIGHT, runColours, studyColours, WIDTH, type Chart } from './builders.js';

export interface ParetoPoint {
  design: string;
  /** What was set: "as designed" or "reserved_host_memory_mb = 16384". */
  setting: string;
  risk: number;
  lo: number;
  hi: number;
  cost: number;
}

const interval = (m: MetricStats): [number, number] => m.wilson95 ?? m.ci95;

export function paretoPoints(study: StudySummary, risk: string, cost: string): ParetoPoint[] {
  const out: ParetoPoint[] = [];
  const add = (design: string, setting: string, metrics: Record<string, MetricStats>) => {
    const r = metrics[risk], c = metrics[cost];
    if (!r || !c || !Number.isFinite(r.mean) || !Number.isFinite(c.mean)) return;
    const [lo, hi] = interval(r);
    out.push({ design, setting, risk: r.mean, lo, hi, cost: c.mean });
  };
  for (const d of designNames(study)) add(d, 'as designed', study.designs[d].metrics);
  for (const sw of study.sweeps ?? []) {
    const knob = sw.parameter.split('.').pop() ?? sw.parameter;
    for (const [d, ps] of Object.entries(sw.designs)) for (const p of ps) add(d, `${knob} = ${p.value}`, p.metrics);
  }
  return out;
}

/** Points no other point beats on both risk and cost (lower is better for each), by cost. */
export function frontier(points: ParetoPoint[]): ParetoPoint[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || a.risk - b.risk);
  const out: ParetoPoint[] = [];
  let best = Infinity;
  for (const p of sorted) if (p.risk < best) { out.push(p); best = p.risk; }
  return out;
}

export function paretoChart(name: string, study: StudySummary, risk = 'any_stranded', cost = 'held_back_fraction', colours: Colours = studyColours(study)): Chart | undefined {
  const points = paretoPoints(study, risk, cost);
  if (points.length < 2 || new Set(points.map((p) => p.design)).size < 2) return undefined;
  const front = new Set(frontier(points));
  const pct = (x: number) => Math.round(x * 1e6) / 1e4;
  const data = points.map((p) => ({ design: p.design, setting: p.setting, cost: pct(p.cost), risk: pct(p.risk), lo: pct(p.lo), hi: pct(p.hi), frontier: front.has(p) ? 1 : 0 }));
  const domain = designNames(study).filter((d) => points.some((p) => p.design === d));
  // The run's colour of each design: the same in every chart.
  const color = { field: 'design', type: 'nominal', title: 'Design', scale: { domain, range: colourRange(domain, colours) }, legend: { orient: 'right', labelLimit: 0 } };
  const x = { field: 'cost', type: 'quantitative', title: `${labelOf(study, cost)} (% of RAM)` };
  const yTitle = `${labelOf(study, risk)} (%)`;
  const title = `${labelOf(study, risk)} against capacity held back`;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'Every failure the study simulates; each strategy as designed and at each swept setting; line: Pareto frontier' },
    width: WIDTH, height: HEIGHT,
    config: { font: FONT, background: 'white', title: { fontSize: 17, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555', offset: 12 }, axis: { labelFontSize: 12, titleFontSize: 13, gridColor: '#e6e6e6' }, legend: { labelFontSize: 12, titleFontSize: 12 }, view: { stroke: '#ddd' } },
    data: { values: data },
    layer: [
      { transform: [{ filter: 'datum.frontier == 1' }], mark: { type: 'line', color: '#222', strokeDash: [6, 4], strokeWidth: 1.5, interpolate: 'step-after' }, encoding: { x, y: { field: 'risk', type: 'quantitative', title: yTitle } } },
      { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' }, color } },
      { mark: { type: 'point', filled: true, size: 80, opacity: 0.9 }, encoding: { x, y: { field: 'risk', type: 'quantitative', title: yTitle }, color,
        shape: { field: 'frontier', type: 'nominal', legend: null, scale: { domain: [0, 1], range: ['circle', 'diamond'] } },
        tooltip: [{ field: 'design' }, { field: 'setting' }, { field: 'cost', title: 'held back (%)' }, { field: 'risk', title: 'risk (%)' }, { field: 'lo', title: 'CI low (%)' }, { field: 'hi', title: 'CI high (%)' }] } },
    ],
  } as unknown as TopLevelSpec;
  return {
    name: `${name}-pareto-risk-vs-capacity`,
    study: name,
    title,
    caption: `Point: mean over the replications of each design as designed and of each sweep point; vertical line: its 95 % interval (Wilson for a probability); dashed step line and diamonds: the Pareto frontier (no other setting has both less held back and a lower ${labelOf(study, risk)}).`,
    spec,
  };
}

/** The Pareto chart of every study that reports both metrics, first in the study's charts. */
export function paretoCharts(studies: Record<string, StudySummary>): Chart[] {
  const colours = runColours(studies);
  return Object.entries(studies).map(([name, s]) => paretoChart(name, s, undefined, undefined, colours)).filter((c): c is Chart => c !== undefined);
}
