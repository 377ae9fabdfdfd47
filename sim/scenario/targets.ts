import { z } from 'zod';
import { EXPECTED, parseUnit, type UnitKind } from '../units/units.js';
import { fraction } from '../units/zod-units.js';
import type { StudyDefinition } from '../studies/study.js';
import { expectedOneOf } from './problems.js';

/**
 * `targets:` (what the architect must guarantee) and `sizing:` (which knob each design turns,
 * over which range) — docs/sizing.md. Validated here against the studies of the scenario; the
 * search itself lives in sim/montecarlo/sizing.ts.
 *
 * ```yaml
 * targets:
 *   evacuation:
 *     host-failures: {metric: any_stranded, max: 1%, confidence: 95%, failures: host}
 *     n+1: {check: N+1}
 * sizing:
 *   evacuation:
 *     replications: {initial: 50, max: 800}
 *     knobs:
 *       static-reserve: {parameter: cloud.nova.reserved_host_memory_mb, range: [0, 98304], step: 4096, unit: MiB}
 * ```
 */
const quantity = z.union([z.number(), z.string()])
  .meta({ description: "a number in the metric's unit, or a unit string: 1%, 5m, 4GiB" });

export const stochasticTargetSchema = z.object({
  metric: z.string().min(1).meta({ description: "a metric of the study; its mean is bounded (a 0/1 metric's mean is a probability, e.g. any_stranded)" }),
  max: quantity.optional(),
  min: quantity.optional(),
  confidence: fraction().default(0.95).meta({ description: 'one-sided confidence at which the bound must be shown to hold, e.g. 95%' }),
  failures: z.string().default('all').meta({ description: "failure class the target guards against (evacuation: host, rack, all)" }),
  description: z.string().optional(),
}).strict();

export const checkTargetSchema = z.object({
  check: z.string().min(1).meta({ description: "a deterministic check that must pass (evacuation: N+1, N+2, rack — as `headroom check` runs them)" }),
  description: z.string().optional(),
}).strict();

export const targetsSchema = z.record(z.string(), z.record(z.string(), z.union([stochasticTargetSchema, checkTargetSchema])))
  .meta({ description: 'per study, named targets: {metric, max|min, confidence, failures} (stochastic) or {check} (deterministic)' });

export const knobSchema = z.object({
  parameter: z.string().min(1).meta({ description: 'dotted path the design turns, e.g. cloud.nova.reserved_host_memory_mb, cloud.spare_hosts, cloud.nova.ram_allocation_ratio, cloud.on_failure.release_reservation_to' }),
  range: z.tuple([quantity, quantity]).meta({ description: '[from, to], in the parameter\'s own unit (unit strings allowed for sizes and durations)' }),
  step: quantity.meta({ description: 'resolution of the answer: the search moves on from, from + step, …, to' }),
  unit: z.string().optional().meta({ description: 'how to print a value: MiB, GiB, B, hosts, … (default: the bare number)' }),
  safer: z.enum(['higher', 'lower']).default('higher').meta({ description: 'which way of the knob buys headroom (a reservation: higher; an allocation ratio: lower)' }),
}).strict();

export const sizingSchema = z.record(z.string(), z.object({
  replications: z.object({
    initial: z.number().int().min(2).default(50).meta({ description: 'replications first run at a candidate' }),
    max: z.number().int().min(2).default(1000).meta({ description: 'budget per candidate: replications are doubled until the CI decides or this is reached' }),
  }).strict().prefault({}),
  knobs: z.record(z.string(), knobSchema).meta({ description: 'per design: the knob it turns and its range' }),
}).strict()).meta({ description: 'per study: the knob each design turns, searched by `headroom size` against the study\'s targets' });

export interface Target {
  study: string;
  name: string;
  kind: 'stochastic' | 'check';
  /** stochastic: the metric whose mean is bounded, its unit, the bound and the class. */
  metric?: string;
  /** The metric's label, as the study declares it. */
  label?: string;
  unit?: string;
  max?: number;
  min?: number;
  confidence: number;
  /** Failure class (stochastic) or check name (deterministic). */
  class: string;
  description: string;
}

export interface Knob {
  study: string;
  design: string;
  parameter: string;
  from: number;
  to: number;
  step: number;
  unit: string;
  safer: 'higher' | 'lower';
}

export interface SizingPlan {
  targets: Target[];
  knobs: Knob[];
  /** Per study: replications first run at a candidate and the budget per candidate. */
  replications: Record<string, { initial: number; max: number }>;
}

type At = (path: (string | number)[], message: string, keyOnly?: boolean) => void;
interface PlanLike { name: string; definition: StudyDefinition; designs: string[] }

const DURATION_S: Record<string, number> = { s: 1, min: 60, h: 3600, d: 86400 };
const BYTE_UNITS = new Set(['B', 'bytes']);
const FRACTION_UNITS = new Set(['0/1', 'fraction', 'probability', 'share']);

/**
 * A bound written for a metric of unit `unit`: a bare number is in that unit already; a string
 * carries its own (`1%` for a probability, `5m` for seconds or hours, `4GiB` for bytes).
 * Returns the value in the metric's unit, or a message saying what was expected.
 */
export function quantityFor(text: number | string, unit: string): number | string {
  if (typeof text === 'number') return text;
  let kind: UnitKind | undefined;
  let divisor = 1;
  if (unit in DURATION_S) { kind = 'duration'; divisor = DURATION_S[unit]; }
  else if (BYTE_UNITS.has(unit)) kind = 'bytes';
  else if (FRACTION_UNITS.has(unit)) kind = 'fraction';
  if (kind === undefined) {
    const bare = Number(text);
    return Number.isFinite(bare) && text.trim() !== '' ? bare : `${JSON.stringify(text)} is not a number (expected a plain number: the metric's unit is ${unit || 'none'})`;
  }
  const v = parseUnit(text, kind);
  return v === undefined ? `${JSON.stringify(text)} does not fit the metric's unit ${unit} (expected ${EXPECTED[kind]})` : v / divisor;
}

/** A knob value: a bare number, or a size / duration / fraction string in internal units. */
function knobValue(text: number | string): number | undefined {
  if (typeof text === 'number') return text;
  for (const kind of ['bytes', 'duration', 'fraction'] as const) {
    const v = parseUnit(text, kind);
    if (v !== undefined) return v;
  }
  return undefined;
}

function describe(t: Target, def: StudyDefinition): string {
  if (t.kind === 'check') return def.sizing?.checks[t.class]?.description ?? t.class;
  const bound = t.max !== undefined ? `≤ ${t.max}` : `≥ ${t.min}`;
  return `mean ${t.metric} ${bound} at ${t.confidence * 100} % confidence, ${t.class} failures`;
}

/** Checks `targets:` and `sizing:` of a schema-valid scenario against its study plans. */
export function checkSizing(raw: Record<string, unknown>, plans: PlanLike[], at: At): SizingPlan {
  const out: SizingPlan = { targets: [], knobs: [], replications: {} };
  const targets = (raw.targets ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const [study, named] of Object.entries(targets)) {
    const plan = plans.find((p) => p.name === study);
    if (!plan) { at(['targets', study], `unknown study "${study}" (expected a study of this scenario: ${plans.map((p) => p.name).join(', ')})`, true); continue; }
    const sz = plan.definition.sizing;
    if (!sz) { at(['targets', study], `the ${study} study has no sizing targets (${expectedOneOf(study, plans.filter((p) => p.definition.sizing).map((p) => p.name))})`, true); continue; }
    for (const [name, t] of Object.entries(named)) {
      const path = ['targets', study, name];
      const parsed = (t.check !== undefined ? checkTargetSchema : stochasticTargetSchema).parse(t) as Record<string, unknown>;
      if (typeof parsed.check === 'string') {
        if (!(parsed.check in sz.checks)) { at([...path, 'check'], `unknown check "${parsed.check}" (${expectedOneOf(String(parsed.check), Object.keys(sz.checks))})`); continue; }
        const target: Target = { study, name, kind: 'check', confidence: 1, class: parsed.check, description: '' };
        target.description = (parsed.description as string | undefined) ?? describe(target, plan.definition);
        out.targets.push(target);
        continue;
      }
      const metric = parsed.metric as string;
      const def = plan.definition.metrics[metric];
      if (!def) { at([...path, 'metric'], `unknown metric "${metric}" (${expectedOneOf(metric, Object.keys(plan.definition.metrics))})`); continue; }
      const cls = parsed.failures as string;
      if (!(cls in sz.classes)) { at([...path, 'failures'], `unknown failure class "${cls}" (${expectedOneOf(cls, Object.keys(sz.classes))})`); continue; }
      const bounds: { max?: number; min?: number } = {};
      let ok = true;
      for (const k of ['max', 'min'] as const) {
        if (parsed[k] === undefined) continue;
        const v = quantityFor(parsed[k] as number | string, def.unit);
        if (typeof v === 'string') { at([...path, k], v); ok = false; } else bounds[k] = v;
      }
      if (!ok) continue;
      if ((bounds.max === undefined) === (bounds.min === undefined)) { at(path, 'needs exactly one of max or min (expected e.g. {metric: any_stranded, max: 1%})', true); continue; }
      const confidence = parsed.confidence as number;
      if (!(confidence > 0.5 && confidence < 1)) { at([...path, 'confidence'], `${confidence} is outside (50 %, 100 %) (expected e.g. 95%)`); continue; }
      const target: Target = { study, name, kind: 'stochastic', metric, label: def.label, unit: def.unit, ...bounds, confidence, class: cls, description: '' };
      target.description = (parsed.description as string | undefined) ?? describe(target, plan.definition);
      out.targets.push(target);
    }
  }
  const sizing = (raw.sizing ?? {}) as Record<string, { replications?: { initial?: number; max?: number }; knobs: Record<string, Record<string, unknown>> }>;
  for (const [study, s] of Object.entries(sizing)) {
    const plan = plans.find((p) => p.name === study);
    if (!plan) { at(['sizing', study], `unknown study "${study}" (expected a study of this scenario: ${plans.map((p) => p.name).join(', ')})`, true); continue; }
    if (!out.targets.some((t) => t.study === study)) at(['sizing', study], `no targets for ${study} (expected targets.${study}: what the knobs must achieve)`, true);
    const reps = { initial: s.replications?.initial ?? 50, max: s.replications?.max ?? 1000 };
    if (reps.initial > reps.max) at(['sizing', study, 'replications'], `initial ${reps.initial} > max ${reps.max} (expected initial <= max)`);
    out.replications[study] = reps;
    for (const [design, k] of Object.entries(s.knobs)) {
      const path = ['sizing', study, 'knobs', design];
      if (!plan.designs.includes(design)) { at(path, `unknown design "${design}" (${expectedOneOf(design, plan.designs)})`, true); continue; }
      const parameter = String(k.parameter);
      if (!/^(cloud|studies)\./.test(parameter)) { at([...path, 'parameter'], `"${parameter}" is not a scenario field (expected a dotted path starting with cloud. or studies.)`); continue; }
      const [a, b] = (k.range as (number | string)[]).map(knobValue);
      const step = knobValue(k.step as number | string);
      if (a === undefined || b === undefined) { at([...path, 'range'], 'not numbers (expected [from, to] as numbers or sizes, e.g. [0, 96GiB])'); continue; }
      if (!(a < b)) { at([...path, 'range'], `from ${a} is not below to ${b} (expected from < to)`); continue; }
      if (step === undefined || !(step > 0)) { at([...path, 'step'], 'not a positive number (expected e.g. 4096 or 4GiB)'); continue; }
      if ((b - a) / step > 10_000) { at([...path, 'step'], `${Math.ceil((b - a) / step)} steps (expected at most 10,000: a coarser step)`); continue; }
      out.knobs.push({ study, design, parameter, from: a, to: b, step, unit: (k.unit as string | undefined) ?? '', safer: (k.safer as 'higher' | 'lower' | undefined) ?? 'higher' });
    }
  }
  return out;
}
