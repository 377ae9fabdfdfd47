/**
 * Unit strings as people write them in scenarios, converted to headroom's internal units:
 * seconds, bytes, bytes per second, fractions, events per second.
 *
 * Sizes follow the IEC/SI split exactly: `GiB` = 2^30 bytes, `GB` = 10^9 bytes. Bandwidth
 * accepts bits (`10Gbit/s`, SI: 10·10^9 bits/s) and bytes (`500MB/s`, `1GiB/s`).
 */
export type UnitKind = 'duration' | 'bytes' | 'bandwidth' | 'fraction' | 'rate' | 'number';

const DURATION: Record<string, number> = {
  ms: 1e-3, s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400, w: 7 * 86400, y: 365 * 86400,
};
const BYTES: Record<string, number> = {
  B: 1,
  kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15,
  KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50,
};
const BITS: Record<string, number> = {
  bit: 1, kbit: 1e3, Kbit: 1e3, Mbit: 1e6, Gbit: 1e9, Tbit: 1e12,
};

export const EXPECTED: Record<UnitKind, string> = {
  duration: 'a duration like 90s, 5m, 4h, 365d (units ms s m h d w y)',
  bytes: 'a size like 4MiB, 512GiB, 3TB (units B KiB MiB GiB TiB PiB, or kB MB GB TB PB)',
  bandwidth: 'a bandwidth like 10Gbit/s or 500MB/s',
  fraction: 'a fraction like 0.85 or a percentage like 85%',
  rate: 'a rate like 5/y, 2/d, 0.5/h (events per unit time)',
  number: 'a plain number >= 0, e.g. 32 (cores)',
};

const NUM = '([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
const RE = new RegExp(`^\\s*${NUM}\\s*([A-Za-z%]*)(?:\\s*/\\s*([A-Za-z]+))?\\s*$`);

/** Parses `text` as a quantity of `kind`; returns undefined when it is not one. */
export function parseUnit(text: string | number, kind: UnitKind): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const m = RE.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = m[2];
  const per = m[3];
  switch (kind) {
    case 'duration':
      return per === undefined && own(DURATION, unit) ? finite(value * DURATION[unit]) : undefined;
    case 'bytes':
      return per === undefined && own(BYTES, unit) ? finite(value * BYTES[unit]) : undefined;
    case 'bandwidth':
      if (per !== 's') return undefined;
      if (own(BITS, unit)) return finite((value * BITS[unit]) / 8);
      if (own(BYTES, unit)) return finite(value * BYTES[unit]);
      return undefined;
    case 'fraction':
      if (per !== undefined) return undefined;
      if (unit === '%') return finite(value / 100);
      return unit === '' ? finite(value) : undefined;
    case 'number':
      return per === undefined && unit === '' ? finite(value) : undefined;
    case 'rate':
      if (per === undefined || !own(DURATION, per)) return undefined;
      if (unit === '' ) return finite(value / DURATION[per]);
      if (unit === '%') return finite(value / 100 / DURATION[per]);
      return undefined;
  }
}

/** Units are looked up in their own tables only: `5toString` is not a duration, whatever Object.prototype holds. */
function own(table: Record<string, number>, unit: string): boolean {
  return Object.hasOwn(table, unit);
}

/** `1e400s` reads as Infinity: not a quantity. */
function finite(v: number): number | undefined {
  return Number.isFinite(v) ? v : undefined;
}

/**
 * A value as quoted in a message: JSON, cut to about 60 characters so a line never echoes a
 * pasted blob.
 */
export function quote(v: unknown, max = 60): string {
  let s: string | undefined;
  try { s = JSON.stringify(v); } catch { s = undefined; }
  if (s === undefined) s = String(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

