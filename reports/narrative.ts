/**
 * The words around the numbers: one sentence per study answering its question, and the key
 * numbers a slide shows. Generic over studies: it reads the key metrics, labels and chart requests
 * the study declared in summary.json and its paired differences, so nothing here depends on a
 * particular study's model.
 */
import type { MetricStats, StudySummary } from './summary.js';
import { displayScale, labelOf, metricAcrossDesigns } from './summary.js';
import { formatValue, metricText, formatScaled, unitKind } from './format.js';
import { exactValues, isValidationStudy, keyMetrics } from './charts/plan.js';

export interface KeyNumber {
  metric: string;
  label: string;
  /** Per design: "12 % (95 % CI 10–14)". */
  values: { design: string; text: string; mean: number }[];
}

/**
 * A "time to …" the study reports as the horizon when it never happened (censored): when every
 * replication sits there, the honest number is "not reached".
 */
export function notReached(stats: MetricStats, horizon: number | undefined): string | undefined {
  if (horizon === undefined || unitKind(stats.unit) !== 'time' || !(stats.min >= horizon * 0.999)) return undefined;
  return `not reached within ${formatValue(horizon, 's')}`;
}

export function keyNumbers(study: StudySummary, horizon?: number): KeyNumber[] {
  return keyMetrics(study).map((metric) => ({
    metric,
    label: labelOf(study, metric),
    values: metricAcrossDesigns(study, metric).map(({ design, stats }) => ({
      design, mean: stats.reached && stats.kind === 'time-to-event' ? stats.reached.fraction : stats.mean, text: notReached(stats, horizon) ?? metricText(stats, horizon, displayScale(study, metric)),
    })),
  }));
}

/** The paired difference with the largest effect whose CI excludes zero, as a clause. */
function strongestDifference(study: StudySummary, metric: string, horizon?: number): string | undefined {
  const base = Object.keys(study.designs)[0];
  const unit = study.designs[base]?.metrics[metric]?.unit;
  const censored = (design: string) => {
    const m = study.designs[design]?.metrics[metric];
    return m !== undefined && notReached(m, horizon) !== undefined;
  };
  let best: { design: string; mean: number; ci: [number, number] } | undefined;
  for (const [design, diffs] of Object.entries(study.differences ?? {})) {
    const d = diffs[metric];
    if (!d || !d.ci95 || !(d.ci95[0] > 0 || d.ci95[1] < 0)) continue;
    // A difference to "never within the horizon" is a lower bound, not an effect size.
    if (censored(design) || censored(base)) continue;
    if (!best || Math.abs(d.mean) > Math.abs(best.mean)) best = { design, mean: d.mean, ci: d.ci95 };
  }
  if (!best) return undefined;
  const scale = displayScale(study, metric);
  const sign = (x: number) => (x > 0 ? '+' : '');
  const range = `${sign(best.ci[0])}${formatScaled(best.ci[0] / scale.divisor, scale)} to ${sign(best.ci[1])}${formatScaled(best.ci[1] / scale.divisor, scale)}`;
  // A difference of percentages is in percentage points ("+17.5 percentage points", not "17.5 % points").
  const shown = scale.label === '%' ? { ...scale, label: 'percentage points' } : scale;
  return `${best.design} vs ${base}: ${sign(best.mean)}${formatValue(best.mean, unit, shown)} (paired 95 % CI ${range})`;
}

/**
 * For a validation study, the answer is agreement with theory: the largest relative deviation of
 * a simulated mean from its closed form, and how many 95 % CIs contain the exact value.
 */
export function validationSentence(study: StudySummary): string | undefined {
  const exact = exactValues(study).filter((e) => Math.abs(e.exact) > 0);
  if (exact.length === 0) return undefined;
  let worst = { dev: -1, text: '' };
  let covered = 0;
  for (const e of exact) {
    const m = study.designs[e.design].metrics[e.metric];
    const dev = Math.abs(m.mean / e.exact - 1);
    if (m.ci95[0] <= e.exact && e.exact <= m.ci95[1]) covered++;
    if (dev > worst.dev) worst = { dev, text: `${labelOf(study, e.metric).toLowerCase()}${Object.keys(study.designs).length > 1 ? ` in ${e.design}` : ''}: ${formatValue(m.mean, m.unit)} against ${formatValue(e.exact, m.unit)}` };
  }
  return `All ${exact.length} simulated means with a closed form are within ${formatValue(worst.dev, 'fraction')} of it (largest gap ${worst.text}); `
    + `${covered} of ${exact.length} 95 % confidence intervals contain the exact value.`;
}

/** One sentence (or two) answering the study's question with numbers and CIs. */
export function executiveSentence(study: StudySummary, horizon?: number): string {
  if (isValidationStudy(study)) {
    const v = validationSentence(study);
    if (v) return v;
  }
  const keys = keyNumbers(study, horizon);
  if (keys.length === 0) return `${study.title}: no metrics were reported.`;
  const main = keys[0];
  let text: string;
  if (main.values.length > 4) {
    // Many designs: the reference, the lowest and the highest say it; the table has the rest.
    const [ref, ...rest] = main.values;
    const lo = rest.reduce((a, b) => (b.mean < a.mean ? b : a));
    const hi = rest.reduce((a, b) => (b.mean > a.mean ? b : a));
    // Equal means are a tie, not a winner: name every design that reaches the extreme.
    const tied = (x: { mean: number }) => rest.filter((v) => v.mean === x.mean).map((v) => v.design);
    const who = (x: { mean: number; design: string }) => (tied(x).length > 1 ? `${tied(x).join(', ')} (a tie)` : x.design);
    text = `${main.label}: ${ref.text} with ${ref.design} (reference); lowest ${lo.text} with ${who(lo)}; highest ${hi.text} with ${who(hi)} (${main.values.length} designs in the table below).`;
  } else {
    const perDesign = main.values.map((v) => (main.values.length > 1 ? `${v.text} with ${v.design}` : v.text)).join(', ');
    text = `${main.label}: ${perDesign}.`;
  }
  const second = keys[1];
  if (second && second.values.length) {
    const lo = second.values.reduce((a, b) => (b.mean < a.mean ? b : a));
    const hi = second.values.reduce((a, b) => (b.mean > a.mean ? b : a));
    text += second.values.length > 1 && lo.design !== hi.design
      ? ` ${second.label} ranges from ${lo.text} (${lo.design}) to ${hi.text} (${hi.design}).`
      : ` ${second.label}: ${second.values[0].text}.`;
  }
  const diff = strongestDifference(study, main.metric, horizon);
  if (diff) text += ` Largest paired difference: ${diff}.`;
  return text;
}
