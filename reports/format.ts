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

/** 3 significant digits, no exponent for everyday magnitudes, thousands separated. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  let text: string;
  if (a >= 1000) text = Math.round(x).toLocaleString('en-US');
  else if (a >= 1e-4) text = String(Number(x.toPrecision(3)));
  else text = x.toExponential(2);
  return text.replace('-', '−');
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

/** "12.3 min (95 % CI 11.9–12.8)": the interval shares the mean's unit. */
export function formatMeanCi(mean: number, ci: [number, number] | undefined, unit: string | undefined): string {
  const scale = pickScale(unit, [mean, ...(ci ?? [])]);
  const m = formatValue(mean, unit, scale);
  if (!ci || !ci.every(Number.isFinite)) return m;
  if (ci[0] === ci[1]) return m;
  return `${m} (95 % CI ${formatScaled(ci[0] / scale.divisor, scale)}–${formatScaled(ci[1] / scale.divisor, scale)})`;
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
