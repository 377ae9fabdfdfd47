/** Numbers for a terminal: 4 significant digits, thousands kept whole, then the metric's unit. */
export function formatValue(v: number, unit: string): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const a = Math.abs(v);
  const s = a === 0 ? '0' : a >= 1000 ? v.toFixed(0) : a >= 1 ? String(Number(v.toPrecision(4))) : String(Number(v.toPrecision(4)));
  return unit && unit !== '1' ? `${s} ${unit}` : s;
}
