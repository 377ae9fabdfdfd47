import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { studies } from '../studies/registry.js';
import type { StudyDefinition, StudyInput } from '../studies/study.js';
import { Memo } from '../studies/memo.js';
import type { Cloud } from '../openstack/cloud.js';
import { clone, deepMerge, getPath, isObject, setPath, type Json } from './merge.js';
import { describeIssue, expectedOneOf, locate, ScenarioError, type Located, type SourceMap } from './problems.js';
import { jsonSchema, NAME, rootSchema } from './schema.js';
import { aliasProblem, checkValues, decodeUtf8, RESERVED, reservedMessage } from './input-rules.js';
import { quote } from '../units/units.js';
import { eventsOf, gib, MAX_EVENTS, memoryLimit, modelOf } from './limits.js';
import { checkSizing, quantityFor, type SizingPlan } from './targets.js';

/**
 * Scenario file → validated, design-patched study inputs.
 *
 * Every problem found (YAML syntax, schema, design patches, sweeps, a study's own semantic
 * checks, expect keys) is collected with its file position, and all of them are thrown together
 * as one ScenarioError, so a user fixes a file in one pass.
 */
export interface SweepPoint {
  index: number;
  parameter: string;
  label: string;
  value: number | string;
}

/** One thing to replicate: a design of a study, possibly at one sweep point. */
export interface Variant {
  study: string;
  design: string;
  sweep?: SweepPoint;
  /** Replications for this variant (sweeps may ask for fewer). */
  replications: number;
  input: StudyInput<unknown>;
}

export interface StudyPlan {
  name: string;
  definition: StudyDefinition;
  designs: string[];
  sweeps: { parameter: string; label: string; values: (number | string)[]; designs: string[] }[];
  variants: Variant[];
}

export interface Bound {
  key: string;
  study: string;
  design?: string;
  metric: string;
  stat: string;
  min?: number;
  max?: number;
}

export interface LoadedScenario {
  file: string;
  text: string;
  name: string;
  /** The report's and the deck's heading, when the scenario gives one (else its name). */
  title?: string;
  description?: string;
  seed: number;
  horizon: number;
  replications: number;
  studies: StudyPlan[];
  expect: Bound[];
  /** `targets:` and `sizing:` (docs/sizing.md); empty lists when the scenario declares none. */
  sizing: SizingPlan;
  /** What its designs share in this thread (every StudyInput carries it); load related scenarios, such as a sizing search's candidates, with it. */
  memo: Memo;
}

export interface Overrides {
  seed?: number;
  replications?: number;
  /** Memory a run may use (`--max-memory`), bytes; default 80 % of the machine's. */
  maxMemory?: number;
}

/** Alias expansions allowed while building a scenario's values (YAML "billion laughs" guard). */
export const MAX_ALIAS_COUNT = 1000;

/** Designs are named like scenarios: letters, digits, . _ -, at most this long (they become labels, CSV cells, chart legends). */
export const MAX_DESIGN_NAME = 64;

export const STATS = ['mean', 'sd', 'p50', 'p95', 'p99', 'min', 'max', 'ci95_lo', 'ci95_hi'] as const;

/** `memo`: what the loaded designs share with others loaded in this thread (see Memo); a fresh one by default. */
export function loadScenarioFile(file: string, overrides: Overrides = {}, memo = new Memo()): LoadedScenario {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ScenarioError([{ file, line: 1, col: 1, path: [], message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a readable YAML scenario)` }]);
  }
  return loadScenarioText(decodeUtf8(bytes, file), file, overrides, memo);
}

export function loadScenarioText(text: string, file: string, overrides: Overrides = {}, memo = new Memo()): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src: SourceMap = { file, doc, lines };
  if (doc.errors.length > 0) {
    throw new ScenarioError(doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      return { file, line: pos.line, col: pos.col, path: [], message: `YAML syntax: ${e.message.split('\n')[0]} (expected valid YAML)` };
    }));
  }
  let raw: Json;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Json;
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    throw new ScenarioError([aliasProblem(doc, lines, file, e, MAX_ALIAS_COUNT)]);
  }
  const problems: Located[] = [];
  const at = (path: (string | number)[], message: string, keyOnly = false): void => {
    const { line, col } = locate(src, path, keyOnly);
    problems.push({ file, line, col, path, message });
  };
  if (!isObject(raw)) {
    at([], `the file is not a mapping (expected a scenario: name, seed, horizon, replications, cloud, studies)`);
    throw new ScenarioError(problems);
  }

  // Reserved keys and non-finite numbers first: no schema, merge or lookup ever sees them.
  checkValues(raw, at);
  checkDesignNames(raw, at);
  if (problems.length > 0) throw new ScenarioError(dedupe(problems));

  const schema = rootSchema();
  const base = schema.safeParse(raw);
  if (!base.success) {
    reportIssues(base.error.issues, raw, at, () => undefined);
    throw new ScenarioError(problems);
  }
  const root = base.data as { name: string; title?: string; description?: string; seed: number; horizon: number; replications: number; studies: Record<string, unknown> };
  const seed = overrides.seed ?? root.seed;
  const replications = overrides.replications ?? root.replications;

  const present = studies.filter((s) => isObject(raw.studies) && raw.studies[s.name] !== undefined);
  if (present.length === 0) at(['studies'], `no study to run (expected at least one of: ${studies.map((s) => s.name).join(', ')})`);
  if (isObject(raw.designs) && Object.keys(raw.designs).length === 0) at(['designs'], 'is empty (expected at least one design, or leave designs out for a single baseline)');

  const plans: StudyPlan[] = [];
  for (const study of present) {
    const plan = planStudy(study, raw, schema, at, { name: root.name, seed, horizon: root.horizon, replications, replicationsOverridden: overrides.replications !== undefined, maxMemory: overrides.maxMemory, memo });
    if (plan) plans.push(plan);
  }
  const expect = checkExpect(raw, plans, at);
  const sizing = checkSizing(raw, plans, at);
  if (problems.length > 0) throw new ScenarioError(dedupe(problems));
  return { file, text, name: root.name, title: root.title, description: root.description, seed, horizon: root.horizon, replications, studies: plans, expect, sizing, memo };
}

type At = (path: (string | number)[], message: string, keyOnly?: boolean) => void;

/** Design names, top-level and study-level, are plain printable names (no control characters, no blobs). */
function checkDesignNames(raw: Record<string, Json>, at: At): void {
  const check = (designs: Json | undefined, path: (string | number)[]) => {
    if (!isObject(designs)) return;
    for (const name of Object.keys(designs)) {
      if (RESERVED.has(name)) continue; // reported by checkValues
      if (!NAME.test(name)) at([...path, name], `design name ${quote(name)} uses other characters than letters, digits, . _ - (expected e.g. han-hook)`, true);
      else if (name.length > MAX_DESIGN_NAME) at([...path, name], `design name is ${name.length} characters long (expected at most ${MAX_DESIGN_NAME})`, true);
    }
  };
  check(raw.designs, ['designs']);
  if (isObject(raw.studies)) for (const [study, section] of Object.entries(raw.studies)) if (isObject(section)) check(section.designs, ['studies', study, 'designs']);
}

/** Maps a path in the design-merged scenario to where its value was written (the patch, or the base). */
type Origin = (path: (string | number)[]) => (string | number)[] | undefined;

function planStudy(
  study: StudyDefinition, raw: Record<string, Json>, schema: ReturnType<typeof rootSchema>, at: At,
  common: { name: string; seed: number; horizon: number; replications: number; replicationsOverridden: boolean; maxMemory?: number; memo: Memo },
): StudyPlan | undefined {
  const section = (raw.studies as Record<string, Json>)[study.name] as Record<string, Json>;
  const studyLevel = isObject(section.designs);
  const designs = (studyLevel ? section.designs : raw.designs) as Record<string, Json> | undefined;
  const designsPath = studyLevel ? ['studies', study.name, 'designs'] : ['designs'];
  if (studyLevel && Object.keys(designs!).length === 0) {
    at(designsPath, 'is empty (expected at least one design, or leave designs out)');
    return undefined;
  }
  const names = designs ? Object.keys(designs) : ['baseline'];
  const plan: StudyPlan = { name: study.name, definition: study, designs: names, sweeps: [], variants: [] };
  // The command line's --replications wins over the study's own, which wins over the scenario's.
  if (common.replicationsOverridden === false && typeof section.replications === 'number') common = { ...common, replications: section.replications };

  let tooBig = false;
  const build = (design: string, patch: Json | undefined, tweak?: (merged: Record<string, Json>) => void, tweakOrigin?: Origin) => {
    const merged = mergeDesign(raw, study.name, studyLevel, patch);
    if (tweak) tweak(merged);
    const origin: Origin = (path) => {
      const t = tweakOrigin?.(path);
      if (t) return t;
      if (patch === undefined) return undefined;
      const rel = studyLevel
        ? (path[0] === 'studies' && path[1] === study.name ? path.slice(2) : path[0] === 'cloud' ? path : undefined)
        : path;
      if (rel === undefined) return undefined;
      for (let n = rel.length; n >= 1; n--) {
        if (getPath(patch, rel.slice(0, n)) !== undefined) return [...designsPath, design, ...rel];
      }
      return undefined;
    };
    const parsed = schema.safeParse(merged);
    if (!parsed.success) {
      reportIssues(parsed.error.issues, merged, at, origin);
      return undefined;
    }
    const data = parsed.data as { cloud?: Cloud; studies: Record<string, Record<string, unknown>> };
    if (study.needsCloud !== false && data.cloud === undefined) {
      at(['cloud'], `missing (expected a cloud: section with racks and flavors; the ${study.name} study needs it)`);
      return undefined;
    }
    const { designs: _d, sweeps: _s, horizon, replications: _r, ...config } = data.studies[study.name];
    const input: StudyInput<unknown> = {
      scenarioName: common.name, seed: common.seed, horizon: (horizon as number | undefined) ?? common.horizon, design,
      cloud: data.cloud as Cloud, config, memo: common.memo,
    };
    // Before the study's own checks, which may build the model: a cloud of 2^32 hosts is refused here.
    const model = modelOf(input);
    const limit = memoryLimit(common.maxMemory);
    if (model.bytes > limit) {
      if (tooBig) return undefined;
      tooBig = true;
      const path = input.cloud !== undefined ? ['cloud', 'racks'] : ['studies', study.name];
      at(origin(path) ?? path, `too big for this machine: ${model.what} need ≈ ${gib(model.bytes)}; limit ${gib(limit)} (expected a smaller model, or a larger --max-memory)`);
      return undefined;
    }
    const generic = eventsOf(input), own = study.events?.(input);
    const events = own !== undefined && own.events > generic.events ? own : generic;
    if (events.events > MAX_EVENTS) {
      if (tooBig) return undefined;
      tooBig = true;
      const driver: (string | number)[] = events.what.split(' ')[0].split('.').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      const path = driver[0] === 'cloud' ? driver : ['studies', study.name, ...driver];
      at(origin(path) ?? path, `too many events: about ${events.events.toExponential(1)} per replication, driven by ${events.what} (expected at most ${MAX_EVENTS.toExponential(0)} events per replication)`);
      return undefined;
    }
    for (const p of study.check?.(input) ?? []) {
      const path = p.path;
      const o = origin(path);
      at(o ?? path, p.message);
    }
    return input;
  };

  for (const design of names) {
    const patch = designs ? designs[design] : undefined;
    const input = build(design, patch);
    if (input) plan.variants.push({ study: study.name, design, replications: common.replications, input });
  }

  const sweeps = Array.isArray(section.sweeps) ? (section.sweeps as Record<string, Json>[]) : [];
  sweeps.forEach((sw, si) => {
    const swPath = ['studies', study.name, 'sweeps', si];
    const parameter = String(sw.parameter);
    const steps = parameter.split('.');
    const badStep = steps.find((st) => st === '' || RESERVED.has(st));
    if (badStep !== undefined) {
      at([...swPath, 'parameter'], badStep === '' ? `"${parameter}" has an empty step (expected a dotted path like cloud.nova.reserved_host_memory_mb)` : reservedMessage(badStep));
      return;
    }
    const swDesigns = Array.isArray(sw.designs) ? (sw.designs as string[]) : names;
    swDesigns.forEach((d, di) => {
      if (!names.includes(d)) at([...swPath, 'designs', di], `unknown design "${d}" (${expectedOneOf(d, names)})`);
    });
    if (steps[0] !== 'cloud' && steps[0] !== 'studies') {
      at([...swPath, 'parameter'], `"${parameter}" is not a scenario field (expected a dotted path starting with cloud. or studies.)`);
      return;
    }
    const values = sw.values as (number | string)[];
    const label = typeof sw.label === 'string' ? sw.label : parameter;
    plan.sweeps.push({ parameter, label, values, designs: swDesigns.filter((d) => names.includes(d)) });
    const reps = typeof sw.replications === 'number' ? Math.min(sw.replications, common.replications) : common.replications;
    values.forEach((value, vi) => {
      for (const design of swDesigns) {
        if (!names.includes(design)) continue;
        const patch = designs ? designs[design] : undefined;
        const tweakOrigin: Origin = (path) => (path.join('.') === parameter ? [...swPath, 'values', vi] : undefined);
        let ok = true;
        const input = build(design, patch, (merged) => {
          ok = setPath(merged, steps, value as Json);
        }, tweakOrigin);
        if (!ok) { at([...swPath, 'parameter'], `cannot set "${parameter}" (expected a path through mappings)`); continue; }
        if (input) plan.variants.push({ study: study.name, design, replications: reps, input, sweep: { index: vi, parameter, label, value } });
      }
    });
  });
  return plan;
}

/**
 * The whole scenario as `design` of `study` sees it (its patch merged exactly as `headroom run`
 * merges it), without `designs:`: the base from which the sizing search writes one candidate.
 */
export function designScenario(raw: Record<string, Json>, study: string, design: string): Record<string, Json> {
  const section = (raw.studies as Record<string, Json>)[study] as Record<string, Json>;
  const studyLevel = isObject(section.designs);
  const designs = studyLevel ? section.designs : raw.designs;
  return mergeDesign(raw, study, studyLevel, isObject(designs) ? designs[design] : undefined);
}

/**
 * The unparsed section of `study` in `design`, with the design's patch merged exactly as `headroom
 * run` merges it and without the keys the loader handles itself (designs, sweeps, horizon,
 * replications): for readers of a scenario outside a run (the report's closed-form values).
 */
export function designSection(raw: unknown, study: string, design: string): Record<string, Json> | undefined {
  if (!isObject(raw) || !isObject(raw.studies) || !isObject(raw.studies[study])) return undefined;
  const section = raw.studies[study] as Record<string, Json>;
  const studyLevel = isObject(section.designs);
  const designs = studyLevel ? section.designs : raw.designs;
  const merged = mergeDesign(raw as Record<string, Json>, study, studyLevel, isObject(designs) ? designs[design] : undefined);
  const { designs: _d, sweeps: _s, horizon: _h, replications: _r, ...rest } = (merged.studies as Record<string, Record<string, Json>>)[study];
  return rest;
}

function mergeDesign(raw: Record<string, Json>, study: string, studyLevel: boolean, patch: Json | undefined): Record<string, Json> {
  const merged = clone(raw);
  delete merged.designs;
  if (patch === undefined || !isObject(patch)) return merged;
  if (!studyLevel) {
    if (patch.cloud !== undefined) merged.cloud = deepMerge(merged.cloud, patch.cloud) as Json;
    if (isObject(patch.studies)) merged.studies = deepMerge(merged.studies, patch.studies) as Json;
    return merged;
  }
  const { cloud, ...rest } = patch;
  const studiesObj = merged.studies as Record<string, Json>;
  studiesObj[study] = deepMerge(studiesObj[study], rest) as Json;
  if (cloud !== undefined) merged.cloud = deepMerge(merged.cloud, cloud) as Json;
  return merged;
}

function reportIssues(issues: z.core.$ZodIssue[], value: Json, at: At, origin: Origin): void {
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    if (issue.code === 'unrecognized_keys') (issue as { known?: string[] }).known = knownKeys(value, path);
    for (const d of describeIssue(issue, getPath(value, path))) {
      at(origin(d.path) ?? d.path, d.message, d.keyOnly);
    }
  }
}

/** Keys a mapping at `path` may have, from the JSON Schema (for "did you mean"). */
function knownKeys(_value: Json, path: (string | number)[]): string[] {
  let node = schemaJson() as Record<string, unknown> | undefined;
  for (const k of path) {
    if (!node) return [];
    node = unwrap(node);
    if (typeof k === 'number') node = (node.items ?? node.prefixItems) as Record<string, unknown> | undefined;
    else node = ((node.properties as Record<string, unknown> | undefined)?.[k] ?? node.additionalProperties) as Record<string, unknown> | undefined;
  }
  node = node ? unwrap(node) : undefined;
  return node?.properties ? Object.keys(node.properties as object) : [];
}

function unwrap(n: Record<string, unknown>): Record<string, unknown> {
  n = resolveRef(n);
  const alts = (n.anyOf ?? n.oneOf ?? n.allOf) as Record<string, unknown>[] | undefined;
  if (alts) return alts.map(resolveRef).find((a) => a.properties || a.items) ?? n;
  return n;
}

/** A `$ref` to the schema's shared definitions, followed (schema.json merges repeated definitions). */
function resolveRef(n: Record<string, unknown>): Record<string, unknown> {
  const defs = (schemaJson() as { $defs?: Record<string, Record<string, unknown>> }).$defs ?? {};
  while (typeof n.$ref === 'string' && n.$ref.startsWith('#/$defs/')) n = defs[n.$ref.slice('#/$defs/'.length)] ?? {};
  return n;
}

let cachedSchema: unknown;
function schemaJson(): unknown {
  cachedSchema ??= jsonSchema();
  return cachedSchema;
}

function checkExpect(raw: Record<string, Json>, plans: StudyPlan[], at: At): Bound[] {
  const out: Bound[] = [];
  if (!isObject(raw.expect)) return out;
  for (const [key, b] of Object.entries(raw.expect)) {
    const parts = key.split('.');
    const path = ['expect', key];
    const reserved = parts.find((p) => RESERVED.has(p));
    if (reserved !== undefined) { at(path, reservedMessage(reserved), true); continue; }
    const plan = plans.find((p) => p.name === parts[0]);
    if (!plan) { at(path, `unknown study "${parts[0]}" (expected a study of this scenario: ${plans.map((p) => p.name).join(', ') || 'none'})`, true); continue; }
    if (parts.length < 3) { at(path, `"${key}" is not study.metric.stat (expected e.g. ${plan.name}.${Object.keys(plan.definition.metrics)[0]}.mean)`, true); continue; }
    const stat = parts[parts.length - 1];
    const metric = parts[parts.length - 2];
    const design = parts.length > 3 ? parts.slice(1, -2).join('.') : undefined;
    if (design !== undefined && !plan.designs.includes(design)) { at(path, `unknown design "${design}" (${expectedOneOf(design, plan.designs)})`, true); continue; }
    if (!Object.hasOwn(plan.definition.metrics, metric)) { at(path, `unknown metric "${metric}" (${expectedOneOf(metric, Object.keys(plan.definition.metrics))})`, true); continue; }
    if (!(STATS as readonly string[]).includes(stat)) { at(path, `unknown statistic "${stat}" (${expectedOneOf(stat, STATS)})`, true); continue; }
    const written = b as { min?: number | string; max?: number | string };
    const bound: { min?: number; max?: number } = {};
    let bad = false;
    for (const k of ['min', 'max'] as const) {
      if (written[k] === undefined) continue;
      const v = quantityFor(written[k]!, plan.definition.metrics[metric].unit);
      if (typeof v === 'string') { at([...path, k], v); bad = true; } else bound[k] = v;
    }
    if (bad) continue;
    if (bound.min === undefined && bound.max === undefined) { at(path, 'has neither min nor max (expected {min: …} and/or {max: …})', true); continue; }
    if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) { at(path, `min ${bound.min} > max ${bound.max} (expected min <= max)`, true); continue; }
    out.push({ key, study: plan.name, design, metric, stat, min: bound.min, max: bound.max });
  }
  return out;
}

function dedupe(problems: Located[]): Located[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).sort((a, b) => a.line - b.line || a.col - b.col);
}
