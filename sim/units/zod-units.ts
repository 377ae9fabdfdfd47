import { z } from 'zod';
import { EXPECTED, parseUnit, quote, type UnitKind } from './units.js';

/**
 * zod types for unit strings. Each accepts a string with a unit (or a bare number already in
 * internal units) and yields the internal value; the error names what was expected, so the CLI
 * can print `FILE:LINE:COL: path: problem (expected …)`.
 */
function unit(kind: UnitKind, opts: { min?: number; minText?: string; positive?: boolean; max?: number } = {}) {
  return z.union([z.string(), z.number()]).transform((text, ctx) => {
    const v = parseUnit(text, kind);
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: `not ${article(kind)} ${kind}: ${quote(text)} (expected ${EXPECTED[kind]})` });
      return z.NEVER;
    }
    if (opts.positive && !(v > 0)) {
      ctx.addIssue({ code: 'custom', message: `must be greater than zero, got ${quote(text)} (expected ${EXPECTED[kind]} above 0)` });
      return z.NEVER;
    }
    if (opts.min !== undefined && v < opts.min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${opts.minText ?? opts.min}, got ${quote(text)} (expected ${EXPECTED[kind]}${opts.minText ? ` of at least ${opts.minText}` : ''})` });
      return z.NEVER;
    }
    if (opts.max !== undefined && v > opts.max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${opts.max}, got ${quote(text)} (expected ${EXPECTED[kind]})` });
      return z.NEVER;
    }
    return v;
  }).meta({ description: EXPECTED[kind] });
}

function article(kind: UnitKind): string {
  return kind === 'duration' ? 'a' : 'a';
}

/** Seconds, >= 0. */
export const duration = (opts: { positive?: boolean } = {}) => unit('duration', { min: 0, ...opts });
/** Bytes, >= 0. */
export const bytes = (opts: { positive?: boolean } = {}) => unit('bytes', { min: 0, ...opts });
/**
 * Memory of a host or flavor, at least 1 MiB: nova and placement count it in whole MiB
 * (MEMORY_MB), and a size that rounds to 0 MiB would make a host of no memory (a memory commit
 * divided by 0) or a flavor of none (a fill that never reaches its target).
 */
export const memory = () => unit('bytes', { min: 2 ** 20, minText: '1MiB' });
/** Bytes per second, > 0. */
export const bandwidth = () => unit('bandwidth', { positive: true });
/** A fraction in [0, 1]. */
export const fraction = () => unit('fraction', { min: 0, max: 1 });
/** Events per second, >= 0. */
export const rate = () => unit('rate', { min: 0 });
/** A whole count >= 0 (or >= min). */
export const count = (min = 0) => z.number().int().min(min);
