import { z } from 'zod';
import { cloudSchema } from '../openstack/cloud.js';
import { duration } from '../units/zod-units.js';
import { studies } from '../studies/registry.js';
import { sizingSchema, targetsSchema } from './targets.js';

/**
 * The scenario's root schema, assembled from the registered studies. Each study section also
 * accepts `designs:` (study-level design patches) and `sweeps:`; the loader strips those two before
 * the study's own schema sees the section.
 */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Hard upper bounds where a larger number makes no sense on one machine (docs/failure-behaviour.md):
 * each sweep point is a whole scenario to validate and run, each replication a row kept in memory.
 */
export const MAX_SWEEP_VALUES = 1000;
export const MAX_REPLICATIONS = 10_000_000;
export const designName = z.string().regex(NAME, { message: 'design names use letters, digits, . _ - (expected e.g. han-hook)' });

export const sweepSchema = z.object({
  parameter: z.string().min(1).meta({ description: 'dotted path from the scenario root, e.g. cloud.nova.reserved_host_memory_mb or studies.boot.storm.size' }),
  values: z.array(z.union([z.number(), z.string()])).min(1).max(MAX_SWEEP_VALUES).meta({ description: `values to sweep, at most ${MAX_SWEEP_VALUES}` }),
  designs: z.array(z.string()).optional().meta({ description: 'designs to sweep (default: all)' }),
  replications: z.number().int().min(1).max(MAX_REPLICATIONS).optional().meta({ description: 'replications per sweep point (default: the scenario\'s)' }),
  label: z.string().optional(),
}).strict();

const boundValue = z.union([z.number(), z.string()]).meta({ description: "a number in the metric's unit, or a unit string: 1%, 5m, 4GiB" });
export const boundSchema = z.object({ min: boundValue.optional(), max: boundValue.optional() }).strict()
  .meta({ description: 'bound on a summary statistic; the key is study.metric.stat or study.design.metric.stat (stat: mean, p50, p95, p99, min, max, ci95_lo, ci95_hi)' });

const topDesignSchema = z.object({
  description: z.string().optional(),
  cloud: z.record(z.string(), z.unknown()).optional(),
  studies: z.record(z.string(), z.unknown()).optional(),
}).strict();

function studySection(schema: z.ZodType): z.ZodType {
  const extra = {
    designs: z.record(z.string(), z.record(z.string(), z.unknown())).optional()
      .meta({ description: 'study-level designs: patches of this section (plus an optional cloud: key); replaces the top-level designs for this study' }),
    sweeps: z.array(sweepSchema).optional(),
    replications: z.number().int().min(1).max(MAX_REPLICATIONS).optional()
      .meta({ description: "this study's replications, overriding the scenario's (the command line's --replications overrides both)" }),
    horizon: duration({ positive: true }).optional()
      .meta({ description: "this study's simulated horizon, overriding the scenario's (a boot storm needs a day, snapshots a week, RBD growth a year)" }),
  };
  const s = schema as unknown as { extend?: (shape: object) => z.ZodType };
  return typeof s.extend === 'function' ? s.extend(extra) : schema;
}

export function studySectionSchema(name: string): z.ZodType | undefined {
  const study = studies.find((s) => s.name === name);
  return study ? studySection(study.schema) : undefined;
}

/** Built once per set of registered studies (building it costs tens of milliseconds; validating is cheap). */
let cachedRoot: { studies: string; schema: ReturnType<typeof buildRootSchema> } | undefined;

export function rootSchema() {
  const key = studies.map((s) => s.name).join(',');
  if (cachedRoot?.studies !== key) cachedRoot = { studies: key, schema: buildRootSchema() };
  return cachedRoot.schema;
}

function buildRootSchema() {
  const shape: Record<string, z.ZodType> = {};
  for (const s of studies) shape[s.name] = studySection(s.schema).optional();
  return z.object({
    name: z.string().regex(NAME, { message: 'scenario names use letters, digits, . _ - (expected e.g. reference-cloud)' }),
    title: z.string().trim().min(1).max(80).optional()
      .meta({ description: 'the heading of the report and the title slide of the deck (default: name)' }),
    description: z.string().optional(),
    seed: z.number().int().min(0).default(1),
    horizon: duration({ positive: true }).prefault('365d'),
    replications: z.number().int().min(1).max(MAX_REPLICATIONS).default(1000),
    cloud: cloudSchema.optional(),
    designs: z.record(z.string(), topDesignSchema).optional()
      .meta({ description: 'variants of the cloud compared with common random numbers; each is a patch {cloud: …, studies: …} deep-merged onto the base' }),
    studies: z.object(shape).strict(),
    expect: z.record(z.string(), boundSchema).optional(),
    targets: targetsSchema.optional(),
    sizing: sizingSchema.optional(),
  }).strict();
}

/**
 * JSON Schema for editors (`headroom schema`, scenarios/schema.json). Every field built by the same
 * factory (a duration distribution, a size, a rate…) is its own zod instance, so zod writes each
 * one out again; identical definitions are merged here into one `$defs` entry each.
 */
export function jsonSchema(): unknown {
  const s = z.toJSONSchema(rootSchema(), { io: 'input', unrepresentable: 'any', reused: 'ref' }) as Record<string, unknown>;
  return { $id: 'https://headroom.dev/scenario.schema.json', title: 'headroom scenario', ...mergeIdenticalDefs(s) };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Merges `$defs` entries whose content is identical (to a fixpoint: merging two can make their users identical) and numbers the survivors in order of first use. */
export function mergeIdenticalDefs(schema: Record<string, unknown>): Record<string, unknown> {
  let root = schema as { [k: string]: Json };
  for (;;) {
    const defs = (root.$defs ?? {}) as { [k: string]: Json };
    const canonical = new Map<string, string>(), rename = new Map<string, string>();
    for (const [name, def] of Object.entries(defs)) {
      const key = JSON.stringify(def);
      const first = canonical.get(key);
      if (first === undefined) canonical.set(key, name); else rename.set(name, first);
    }
    if (rename.size === 0) break;
    const kept: { [k: string]: Json } = {};
    for (const [name, def] of Object.entries(defs)) if (!rename.has(name)) kept[name] = def;
    root = rewriteRefs({ ...root, $defs: kept }, (name) => rename.get(name) ?? name) as { [k: string]: Json };
  }
  // Stable, readable names: def1, def2… in the order a reader meets them.
  const order: string[] = [];
  const visit = (v: Json) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')) {
          const name = x.slice(8);
          if (!order.includes(name)) { order.push(name); visit(((root.$defs ?? {}) as { [k: string]: Json })[name]); }
        } else if (k !== '$defs') visit(x);
      }
    }
  };
  visit(root);
  const newName = new Map(order.map((n, i) => [n, `def${i + 1}`]));
  const defs = (root.$defs ?? {}) as { [k: string]: Json };
  const renamed = rewriteRefs(root, (n) => newName.get(n) ?? n) as { [k: string]: Json };
  const outDefs: { [k: string]: Json } = {};
  for (const n of order) outDefs[newName.get(n)!] = rewriteRefs(defs[n], (m) => newName.get(m) ?? m);
  if (order.length) renamed.$defs = outDefs; else delete renamed.$defs;
  return renamed;
}

function rewriteRefs(v: Json, to: (name: string) => string): Json {
  if (Array.isArray(v)) return v.map((x) => rewriteRefs(x, to));
  if (v && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/') ? `#/$defs/${to(x.slice(8))}` : rewriteRefs(x, to);
    }
    return out;
  }
  return v;
}
