/**
 * Numbers for people, in the report and in the terminal alike (sim/cli/run.ts prints with these),
 * so a duration, a size or a probability reads the same in both. summary.json holds internal units
 * (seconds, bytes, fractions); a reader wants "4.2 h", "1.3 TiB", "12 %". One display scale is
 * picked per quantity (from its largest value) so that a mean and its confidence interval are
 * shown in the same unit.
 */
export type UnitKind = 'time' | 'bytes' | 'fraction' | 'percent' | 'other';

const TIME = new Set(['s', 'sec', 'secs', 'second', 'seconds']);
const BYTES = new Set(['b', 'byte', 'bytes']);
const FRACTION = new Set(['fraction', 'probability', '0/1', 'share']);

export function unitKind(unit: string | undefined): UnitKind {
  const u = (unit ?? '').trim().toLowerCase();
  if (TIME.has(u)) return 'time';
  if (BYTES.has(u)) return 'bytes';
  if (FRACTION.has(u)) return 'fraction';
  if (u === '%' || u === 'percent') return 'percent';
  return 'other';
}

export interface Scale {
  /** Divide an internal value by this to get the display value. */
  divisor: number;
  /** Display unit ('' for plain numbers). */
  label: string;
}

const TIME_STEPS: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's'], [1e-3, 'ms']];
const BYTE_STEPS: [number, string][] = [[2 ** 50, 'PiB'], [2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB'], [1, 'B']];

/** The display scale for a quantity whose values (internal units) are `values`. */
export function pickScale(unit: string | undefined, values: number[]): Scale {
  const finite = values.filter(Number.isFinite).map(Math.abs);
  const max = finite.length ? Math.max(...finite) : 0;
  switch (unitKind(unit)) {
    case 'time': {
      // Switch to the bigger unit only when the number would otherwise be awkward (≥ 2 of it).
      // Seconds from 1 s ("1.72 s", not "1,716 ms"); a bigger unit only from 2 of it ("90 s", not "1.5 min").
      for (const [d, l] of TIME_STEPS) if (max >= (d === 1 ? 1 : 2) * d) return { divisor: d, label: l };
      return { divisor: 1, label: 's' };
    }
    case 'bytes': {
      for (const [d, l] of BYTE_STEPS) if (max >= d) return { divisor: d, label: l };
      return { divisor: 1, label: 'B' };
    }
    case 'fraction':
      return { divisor: 0.01, label: '%' };
    case 'percent':
      return { divisor: 1, label: '%' };
    default:
      // A plain count and the dimensionless '1' read best as bare numbers.
      return { divisor: 1, label: unit === 'count' || unit === '1' ? '' : unit ?? '' };
  }
}

/** Below this (in the display unit) a value is float noise or beyond what any view resolves: it prints 0. */
export const RESOLUTION = 1e-4;

/**
 * 3 significant digits, no exponent, thousands separated, the typographic minus (U+2212) only;
 * a value below display resolution prints 0 (never "−0", never "5.97e−12").
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a < RESOLUTION) return '0';
  const text = a >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3)));
  return text.replace(/-/g, '−');
}

function withUnit(n: string, label: string): string {
  if (!label) return n;
  return label === '%' ? `${n} %` : `${n} ${label}`;
}

/** One value in its natural display unit. */
export function formatValue(x: number, unit: string | undefined, scale = pickScale(unit, [x])): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  return withUnit(formatScaled(x / scale.divisor, scale), scale.label);
}

/** Like formatNumber, but a percentage just under 100 keeps the digits that tell 99.94 % from 99.99 %. */
export function formatScaled(v: number, scale: Scale): string {
  if (scale.label === '%' && v > 99 && v < 100) {
    const decimals = Math.min(6, Math.ceil(-Math.log10(100 - v)) + 1);
    return v.toFixed(decimals);
  }
  return formatNumber(v);
}

/**
 * "12.3 min (95 % CI 11.9–12.8)": the interval shares the mean's unit. `nonNegative`: the quantity
 * cannot go below zero (a count, a duration…), so neither can its interval. An interval that
 * prints as one number is left out.
 */
export function formatMeanCi(mean: number, ci: [number, number] | undefined, unit: string | undefined, nonNegative = false, given?: Scale): string {
  const bounds: [number, number] | undefined = ci && nonNegative ? [Math.max(0, ci[0]), Math.max(0, ci[1])] : ci;
  const scale = given ?? pickScale(unit, [mean, ...(bounds ?? [])]);
  const m = formatValue(mean, unit, scale);
  if (!bounds || !bounds.every(Number.isFinite)) return m;
  const lo = formatScaled(bounds[0] / scale.divisor, scale), hi = formatScaled(bounds[1] / scale.divisor, scale);
  if (lo === hi) return m;
  return `${m} (95 % CI ${lo}–${hi})`;
}

/** The statistics of a metric as every view prints them (CLI, report, deck): see metricText. */
export interface ShownStats {
  unit: string;
  mean: number;
  ci95: [number, number];
  wilson95?: [number, number];
  p50: number;
  p95?: number;
  min: number;
  kind?: string;
  heavyTailed?: boolean;
  reached?: { count: number; of: number; fraction: number; wilson95: [number, number]; mean: number; ci95: [number, number] };
}

/**
 * One metric in words, the same in every view:
 * - a time-to-event: the share of replications where it happened (Wilson CI) and the mean time
 *   over those only, labelled so — never the horizon as if it were a time;
 * - a heavy-tailed metric: its median, and that its mean is not estimable;
 * - otherwise the mean with its CI (Wilson for probabilities), never below 0 for a quantity that
 *   cannot be negative.
 */
export function metricText(s: ShownStats, horizon?: number, scale?: Scale): string {
  const r = s.reached;
  if (r && s.kind === 'time-to-event' && r.of > 0) {
    const within = horizon !== undefined ? ` within ${formatValue(horizon, 's')}` : ' within the horizon';
    if (r.count === 0) return `not reached${within} (0 of ${r.of} replications; P ≤ ${formatValue(r.wilson95[1], 'fraction')})`;
    const when = formatMeanCi(r.mean, r.ci95, s.unit, true, scale);
    if (r.count === r.of) return when;
    return `reached${within} in ${formatMeanCi(r.fraction, r.wilson95, 'fraction')} of replications; mean when reached ${when}`;
  }
  if (s.heavyTailed) return `median ${formatValue(s.p50, s.unit, scale)} (mean not estimable: heavy tail)`;
  return formatMeanCi(s.mean, s.wilson95 ?? s.ci95, s.unit, s.kind !== undefined || s.min >= 0, scale);
}

/**
 * The one display scale of a metric in every view (CLI, report tables, charts, deck): picked
 * once from every design's statistics of it, so that "downtime p95" never reads in minutes for
 * one design and in hours for the next, or in one table and the next.
 */
export function metricScale(unit: string | undefined, stats: ShownStats[]): Scale {
  return pickScale(unit, stats.flatMap((s) => {
    const r = s.reached && s.kind === 'time-to-event' && s.reached.count > 0 ? [s.reached.mean, ...s.reached.ci95] : [];
    return [s.mean, ...(s.wilson95 ?? s.ci95), s.p50, ...(s.p95 !== undefined ? [s.p95] : []), ...r];
  }));
}

/**
 * A readable label from a metric or series name, for summary files that carry no label (older or
 * hand-written ones): "freeze_seconds_p95" reads "Freeze time p95" (the unit shows on the axis).
 */
export function fallbackLabel(name: string): string {
  const text = name.replace(/_seconds(?=_|$)/, '_time').split('_').join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Boot time (s)" for axis titles; a plain count gets no brackets. */
export function axisTitle(label: string, scale: Scale): string {
  // "Stranded instance-hours (instance-hours)" says it twice.
  if (!scale.label || mentionsUnit(label, scale.label)) return label;
  return `${label} (${scale.label})`;
}

/** Whether a label already names a unit as a word ("Most hosts down" names "hosts"; "instance-hours" does not name "h"). */
export function mentionsUnit(label: string, unit: string): boolean {
  const u = unit.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z])${u}($|[^a-z])`).test(label.toLowerCase());
}
