import { formatBytes, formatDuration } from '../scenario/units.js';

/**
 * Numbers for a terminal: durations in s/min/h/d, sizes in binary units, otherwise 4 significant
 * digits and the metric's unit.
 */
export function formatValue(v: number, unit: string): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (unit === 's') return formatDuration(v);
  if (unit === 'B' || unit === 'bytes') return formatBytes(v);
  const a = Math.abs(v);
  const s = a === 0 ? '0' : a >= 1000 ? v.toFixed(0) : String(Number(v.toPrecision(4)));
  return unit && unit !== '1' ? `${s} ${unit}` : s;
}
