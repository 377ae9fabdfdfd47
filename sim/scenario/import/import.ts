import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'yaml';
import { ImportError, readBundle, type ImportIssue } from './bundle.js';
import type { RackSource } from './racks.js';
import { reconcile, type Inventory } from './reconcile.js';
import { studies } from '../../studies/registry.js';
import { Memo } from '../../studies/memo.js';
import type { Cloud } from '../../openstack/cloud.js';
import { formatPath } from '../problems.js';
import { rootSchema } from '../schema.js';
import { anonymize, Anonymizer, scenarioData, scenarioYaml, type ScenarioData } from './write.js';

/**
 * `headroom import`: an inventory bundle (`openstack … -f json` outputs) → a scenario
 * (docs/import.md). Warnings are returned; refusals throw ImportError before anything is written.
 */
export interface ImportOptions {
  racks?: string;
  anonymize?: boolean;
  strict?: boolean;
  name?: string;
}

export interface ImportResult {
  yaml: string;
  inventory: Inventory;
  warnings: ImportIssue[];
  /** With anonymize: hash → real name per kind, to keep beside the scenario (never in it). */
  mapping?: Record<string, Record<string, string>>;
}

export function importBundle(inputs: string[], opts: ImportOptions = {}): ImportResult {
  const racks = opts.racks !== undefined ? rackSource(opts.racks) : undefined;
  const files = readBundle(inputs);
  const inv = reconcile(files, { racks, strict: opts.strict });
  const refusals = inv.issues.filter((i) => i.refuse);
  if (inv.flavors.length === 0) refusals.push({ rule: 'flavor', message: 'no flavor in the bundle and none embedded in the servers (expected flavor list --all --long)', refuse: true });
  if (refusals.length > 0) throw new ImportError(inv.issues);
  let mapping: ImportResult['mapping'];
  if (opts.anonymize) {
    const a = new Anonymizer();
    anonymize(inv, a);
    mapping = a.mapping;
  }
  const source = opts.anonymize ? 'an OpenStack inventory' : inputs.join(' ');
  const skipped = inv.serversRead - inv.serversKept;
  const name = opts.name ?? (opts.anonymize ? 'imported' : `imported-${basename(resolve(inputs[0])).replace(/\.json$/, '')}`);
  const data = scenarioData(inv, name);
  const invalid = validate(data);
  if (invalid.length > 0) {
    throw new ImportError([...inv.issues, ...invalid.map((m) => ({ rule: 'scenario', message: `the imported scenario does not validate: ${m} (expected a valid scenario: a fault of the import, please report it with the bundle)`, refuse: true }))]);
  }
  const yaml = scenarioYaml(data,
    `headroom import of ${source}: ${inv.hosts.length} hosts, ${inv.serversKept} instances`
    + `${skipped > 0 ? ` (${skipped} of ${inv.serversRead} servers skipped: see the import's warnings)` : ''}.\n`
    + 'Capacity, reservations and allocation ratios are placement\'s; every instance is pinned to its host.');
  return { yaml, inventory: inv, warnings: inv.issues, mapping };
}

/**
 * The scenario checked as \`headroom validate\` checks it (schema, then each study's own checks,
 * the pinned fit-check among them), on the data rather than on its YAML: re-parsing 10⁵ lines
 * would double the import's time (docs/import.md).
 */
function validate(data: ScenarioData): string[] {
  const parsed = rootSchema().safeParse(data);
  const path = (p: PropertyKey[]) => formatPath(p.map((x) => (typeof x === 'symbol' ? String(x) : x)));
  if (!parsed.success) return parsed.error.issues.map((i) => `${path(i.path)}: ${i.message}`);
  const root = parsed.data as { name: string; seed: number; horizon: number; cloud: Cloud; studies: Record<string, unknown> };
  const out: string[] = [];
  for (const study of studies) {
    if (root.studies[study.name] === undefined) continue;
    const input = { scenarioName: root.name, seed: root.seed, horizon: root.horizon, design: 'baseline', cloud: root.cloud, config: root.studies[study.name], memo: new Memo() };
    for (const p of study.check?.(input) ?? []) out.push(`${path(p.path)}: ${p.message}`);
  }
  return out;
}

/**
 * `--racks`: an existing file is a map (CSV `host,rack` lines, or a YAML/JSON mapping host:
 * rack); anything else is a regular expression whose first group is the rack, e.g. `^(r\d+)-`.
 */
export function rackSource(value: string): RackSource {
  if (existsSync(value)) {
    const text = readFileSync(value, 'utf8');
    const map = new Map<string, string>();
    if (/\.csv$/i.test(value)) {
      text.split(/\r?\n/).forEach((line, k) => {
        const t = line.trim();
        if (t === '' || t.startsWith('#')) return;
        const [host, rack, ...rest] = t.split(',').map((x) => x.trim());
        if (rack === undefined || rack === '' || rest.length > 0) throw new ImportError([{ rule: 'racks', file: value, message: `${value}:${k + 1}:1: line ${JSON.stringify(t)} is not host,rack (expected two comma-separated fields)`, refuse: true }]);
        if (k === 0 && /^host$/i.test(host)) return;
        map.set(host, rack);
      });
    } else {
      let obj: unknown;
      try { obj = parse(text); } catch (e) {
        throw new ImportError([{ rule: 'racks', file: value, message: `${value}:1:1: not YAML: ${(e as Error).message.split('\n')[0]} (expected a mapping host: rack, or a .csv file)`, refuse: true }]);
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new ImportError([{ rule: 'racks', file: value, message: `${value}:1:1: not a mapping (expected host: rack lines, or a .csv file)`, refuse: true }]);
      for (const [h, r] of Object.entries(obj as Record<string, unknown>)) map.set(h, String(r));
    }
    return { kind: 'map', file: value, map };
  }
  let pattern: RegExp;
  try { pattern = new RegExp(value); } catch (e) {
    throw new ImportError([{ rule: 'racks', message: `--racks ${JSON.stringify(value)}: neither a file nor a regular expression: ${(e as Error).message} (expected a CSV/YAML map or a pattern like "^(r[0-9]+)-")`, refuse: true }]);
  }
  if (new RegExp(`${pattern.source}|`).exec('')!.length < 2) {
    throw new ImportError([{ rule: 'racks', message: `--racks ${JSON.stringify(value)}: no such file, and as a pattern it has no group (expected a CSV/YAML map, or a pattern whose first (group) is the rack, like "^(r[0-9]+)-")`, refuse: true }]);
  }
  return { kind: 'pattern', pattern };
}
