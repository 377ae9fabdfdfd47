import { z } from 'zod';
import { parseUnit, EXPECTED, quote, type UnitKind } from '../units/units.js';
import {
  Clamped, Deterministic, EmpiricalCdf, EmpiricalSamples, Erlang, Exponential, Lognormal, Normal, Uniform, Weibull,
  type Distribution,
} from './distributions.js';

/**
 * How a scenario writes a distribution, in the units people use. `kind` says what the values
 * are (durations for repair times, bytes for dirty data, …):
 *
 *   4h                                   deterministic (a bare value)
 *   {deterministic: 4h}
 *   {uniform: {min: 1m, max: 5m}}
 *   {exponential: {mean: 4h}}  |  {exponential: {rate: 2/h}}   (rate only for durations)
 *   {normal: {mean: 30s, sd: 5s}}
 *   {lognormal: {median: 4h, sigma: 1.4}}  |  {lognormal: {mean: 4h, cv: 2}}
 *   {weibull: {shape: 1.5, scale: 30d}}    |  {weibull: {shape: 1.5, mean: 30d}}
 *   {erlang: {k: 2, mean: 1s}}
 *   {empirical: {samples: [12s, 15s, 40s]}}  |  {empirical: {cdf: [[10s, 0], [20s, 0.5], [60s, 1]]}}
 */
export function distribution(kind: UnitKind) {
  const value = z.union([z.string(), z.number()]).meta({ description: EXPECTED[kind] });
  // Shape parameters beyond these bounds give overflowing draws (e^(10·z)) or means no disk or
  // clock can hold; nothing physical needs them.
  const num = z.number().max(100);
  const spec = z.union([
    value,
    z.object({ deterministic: value }).strict(),
    z.object({ uniform: z.object({ min: value, max: value }).strict() }).strict(),
    z.object({ exponential: z.union([z.object({ mean: value }).strict(), z.object({ rate: value }).strict()]) }).strict(),
    z.object({ normal: z.object({ mean: value, sd: value }).strict() }).strict(),
    z.object({ lognormal: z.union([
      z.object({ median: value, sigma: num }).strict(),
      z.object({ mean: value, cv: num }).strict(),
    ]) }).strict(),
    z.object({ weibull: z.union([
      z.object({ shape: num, scale: value }).strict(),
      z.object({ shape: num, mean: value }).strict(),
    ]) }).strict(),
    z.object({ erlang: z.object({ k: z.number().int().min(1).max(10000), mean: value }).strict() }).strict(),
    z.object({ empirical: z.union([
      z.object({ samples: z.array(value).min(1) }).strict(),
      z.object({ cdf: z.array(z.tuple([value, num])).min(2) }).strict(),
    ]) }).strict(),
  ], { error: (issue) => (issue.code === 'invalid_union' ? whyNotADistribution(issue.input, kind) : undefined) });
  return spec.transform((s, ctx): Distribution => {
    const problems: string[] = [];
    const v = (x: string | number, what: string): number => {
      const r = parseUnit(x, kind);
      if (r === undefined) { problems.push(`${what}: not a ${kind}: ${quote(x)} (expected ${EXPECTED[kind]})`); return NaN; }
      if (r < 0) { problems.push(`${what}: must not be negative, got ${quote(x)} (expected ${EXPECTED[kind]} >= 0)`); return NaN; }
      if (kind === 'fraction' && r > 1) { problems.push(`${what}: must be at most 1, got ${quote(x)} (expected ${EXPECTED[kind]} from 0 to 100%)`); return NaN; }
      return r;
    };
    let d: Distribution | undefined;
    try {
      d = build(s, v, kind, problems);
    } catch (e) {
      // A parameter already reported as unreadable (NaN) makes the constructor throw too: say it once.
      if (problems.length === 0) problems.push(`${(e as Error).message} (expected valid distribution parameters)`);
    }
    if (problems.length === 0 && d !== undefined && !(Number.isFinite(d.mean) && Number.isFinite(d.variance))) {
      problems.push(`the parameters give a ${Number.isFinite(d.mean) ? 'variance' : 'mean'} that is not finite (expected parameters with a finite mean and variance)`);
    }
    if (problems.length || d === undefined) {
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    // Every kind is a quantity >= 0, a fraction at most 1: draws outside are clamped (see the description).
    const out = kind === 'fraction' && d.kind !== 'uniform' && d.kind !== 'empirical' && d.kind !== 'deterministic' && d.kind !== 'normal' ? new Clamped(d, 0, 1) : d;
    kinds.set(out, kind);
    return out;
  }).meta({ description: 'a distribution: a value, or {exponential|lognormal|weibull|uniform|normal|erlang|empirical|deterministic: {...}}. Every parameter is >= 0 (a fraction at most 1); a normal\'s draws below 0 are taken as 0, and a fraction\'s draws are clamped to [0, 1]; shape parameters (sigma, cv, shape) at most 100' });
}

type Spec = z.input<ReturnType<typeof distribution>>;

const kinds = new WeakMap<Distribution, UnitKind>();

/** What a parsed scenario distribution's values are (durations, bytes, …), for the loader's event estimate. */
export function unitKindOf(d: Distribution): UnitKind | undefined {
  return kinds.get(d);
}

/** The parameter sets each distribution accepts, for messages. */
const FORMS: Record<string, string> = {
  deterministic: 'a value, e.g. {deterministic: 4h}',
  uniform: '{min, max}',
  exponential: '{mean} or {rate} (rate only for durations, e.g. 2/h)',
  normal: '{mean, sd}',
  lognormal: '{median, sigma} or {mean, cv}',
  weibull: '{shape, scale} or {shape, mean}',
  erlang: '{k, mean} with k a whole number >= 1',
  empirical: '{samples: [...]} or {cdf: [[x, p], ...]} with p from 0 to 1',
};

/**
 * A readable reason for a spec that matches no form (zod alone would say "Invalid input"):
 * unknown distribution, several in one value, or parameters that fit none of its forms.
 */
function whyNotADistribution(input: unknown, kind: UnitKind): string {
  const names = Object.keys(FORMS);
  if (input === null || (typeof input !== 'object' && typeof input !== 'string' && typeof input !== 'number')) {
    return `not a distribution: ${quote(input)} (expected ${EXPECTED[kind]}, or {${names.join('|')}: {...}})`;
  }
  if (Array.isArray(input)) return `not a distribution: a list (expected ${EXPECTED[kind]}, or {exponential: {mean: ...}} and the like)`;
  const keys = Object.keys(input as object);
  if (keys.length !== 1) {
    return `a distribution is one key, got ${keys.length ? keys.join(', ') : 'none'} (expected one of ${names.join(', ')})`;
  }
  const name = keys[0];
  if (!(name in FORMS)) return `unknown distribution "${name}" (expected one of ${names.join(', ')})`;
  const params = (input as Record<string, unknown>)[name];
  const given = params !== null && typeof params === 'object' && !Array.isArray(params)
    ? `{${Object.keys(params).join(', ')}}` : quote(params);
  return `${name}: parameters ${given} do not fit (expected ${FORMS[name]})`;
}

function build(s: Spec, v: (x: string | number, what: string) => number, kind: UnitKind, problems: string[]): Distribution | undefined {
  if (typeof s === 'string' || typeof s === 'number') return new Deterministic(v(s, 'value'));
  if ('deterministic' in s) return new Deterministic(v(s.deterministic, 'deterministic'));
  if ('uniform' in s) {
    const min = v(s.uniform.min, 'min'), max = v(s.uniform.max, 'max');
    if (max < min) { problems.push(`uniform: max ${quote(s.uniform.max)} is below min ${quote(s.uniform.min)} (expected min <= max)`); return undefined; }
    return new Uniform(min, max);
  }
  if ('exponential' in s) {
    const e = s.exponential;
    if ('mean' in e) return positive(v(e.mean, 'mean'), 'exponential mean', problems) && new Exponential(v(e.mean, 'mean'));
    if (kind !== 'duration') { problems.push(`exponential rate is only for durations (expected {mean: ...})`); return undefined; }
    const r = parseUnit(e.rate, 'rate');
    if (r === undefined || !(r > 0)) { problems.push(`rate: not a positive rate: ${quote(e.rate)} (expected ${EXPECTED.rate})`); return undefined; }
    return new Exponential(1 / r);
  }
  if ('normal' in s) {
    const mean = v(s.normal.mean, 'mean'), sd = v(s.normal.sd, 'sd');
    if (Number.isNaN(mean) || Number.isNaN(sd)) return undefined;
    // A normal has draws below zero whatever its mean: they are taken as 0 (and above 1 as 1 for a fraction).
    return new Normal(mean, sd, 0, kind === 'fraction' ? 1 : Infinity);
  }
  if ('lognormal' in s) {
    const l = s.lognormal;
    if ('median' in l) {
      if (!(l.sigma >= 0)) { problems.push(`sigma: must be >= 0, got ${l.sigma} (expected the sd of ln X)`); return undefined; }
      return positive(v(l.median, 'median'), 'median', problems) && Lognormal.fromMedian(v(l.median, 'median'), l.sigma);
    }
    if (!(l.cv >= 0)) { problems.push(`cv: must be >= 0, got ${l.cv} (expected sd/mean)`); return undefined; }
    return positive(v(l.mean, 'mean'), 'mean', problems) && Lognormal.fromMeanCv(v(l.mean, 'mean'), l.cv);
  }
  if ('weibull' in s) {
    const w = s.weibull;
    if (!(w.shape > 0)) { problems.push(`shape: must be > 0, got ${w.shape} (expected a Weibull shape, e.g. 1.5)`); return undefined; }
    if ('scale' in w) return positive(v(w.scale, 'scale'), 'scale', problems) && new Weibull(w.shape, v(w.scale, 'scale'));
    return positive(v(w.mean, 'mean'), 'mean', problems) && Weibull.fromMean(w.shape, v(w.mean, 'mean'));
  }
  if ('erlang' in s) return positive(v(s.erlang.mean, 'mean'), 'mean', problems) && new Erlang(s.erlang.k, v(s.erlang.mean, 'mean'));
  if ('empirical' in s) {
    const e = s.empirical;
    if ('samples' in e) return new EmpiricalSamples(Float64Array.from(e.samples.map((x, i) => v(x, `samples[${i}]`))));
    const xs = Float64Array.from(e.cdf.map(([x], i) => v(x, `cdf[${i}]`)));
    const ps = Float64Array.from(e.cdf.map(([, p]) => p));
    return new EmpiricalCdf(xs, ps);
  }
  return undefined;
}

function positive(x: number, what: string, problems: string[]): true | undefined {
  if (Number.isNaN(x)) return undefined;
  if (x > 0) return true;
  problems.push(`${what}: must be greater than zero, got ${x} (expected a positive value)`);
  return undefined;
}
