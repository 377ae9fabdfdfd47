import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { JsonLocator } from './json-locate.js';

/**
 * The files of an inventory bundle: what `scripts/export-openstack.sh` writes, or any set of
 * `openstack … -f json` outputs. Each file is recognised by its columns (the keys
 * python-openstackclient and osc-placement print, docs/import.md), so names do not matter,
 * except that a per-provider output carries its provider's UUID in its file name (the output
 * itself does not).
 */
export type Kind =
  | 'providers' | 'inventory' | 'usage' | 'hypervisors' | 'hypervisor' | 'services' | 'servers'
  | 'flavors' | 'server_groups' | 'aggregates' | 'aggregate' | 'availability_zones';

export type Row = Record<string, unknown>;

export interface BundleFile {
  file: string;
  kind: Kind;
  /** The provider (per-provider outputs) or hypervisor (hypervisor show) UUID from the file name. */
  uuid?: string;
  rows: Row[];
  /** A `show` output: one object, not a list (paths then start at the object). */
  single: boolean;
  locator: JsonLocator;
}

/** One problem of an import: where (file and JSON path), what, and whether it refuses the import. */
export interface ImportIssue {
  rule: string;
  file?: string;
  path?: (string | number)[];
  message: string;
  refuse: boolean;
}

export class ImportError extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
  }
}

/** Bundle file names the export script writes, for files whose content cannot tell (an empty list). */
const NAMES: Record<string, Kind> = {
  'resource_providers.json': 'providers', 'hypervisors.json': 'hypervisors', 'compute_services.json': 'services',
  'servers.json': 'servers', 'flavors.json': 'flavors', 'server_groups.json': 'server_groups',
  'aggregates.json': 'aggregates', 'availability_zones.json': 'availability_zones',
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** What a list's first row (or a show's object) looks like. */
function kindOf(value: unknown): Kind | undefined {
  const one = (o: Row, ...keys: string[]) => keys.every((k) => k in o);
  if (Array.isArray(value)) {
    const r = value[0];
    if (r === null || typeof r !== 'object') return undefined;
    const o = r as Row;
    if (one(o, 'uuid', 'name', 'generation')) return 'providers';
    if (one(o, 'resource_class', 'total')) return 'inventory';
    if (one(o, 'resource_class', 'usage')) return 'usage';
    if (one(o, 'Hypervisor Hostname')) return 'hypervisors';
    if (one(o, 'Binary', 'Host', 'Status', 'State')) return 'services';
    if (one(o, 'ID', 'Name', 'Status') && ('Flavor' in o || 'Flavor Name' in o || 'Flavor ID' in o)) return 'servers';
    if (one(o, 'Name', 'RAM', 'VCPUs')) return 'flavors';
    if (one(o, 'Name', 'Members') && ('Policy' in o || 'Policies' in o)) return 'server_groups';
    if (one(o, 'Name', 'Availability Zone', 'Hosts')) return 'aggregates';
    if (one(o, 'Zone Name')) return 'availability_zones';
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Row;
    if (one(o, 'hypervisor_hostname', 'service_host')) return 'hypervisor';
    if (one(o, 'name', 'hosts', 'availability_zone')) return 'aggregate';
  }
  return undefined;
}

/** The JSON files of the arguments: files as given, directories walked (sorted, so the order is stable). */
export function bundlePaths(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    for (const name of readdirSync(p).sort()) {
      const q = join(p, name);
      if (statSync(q).isDirectory()) walk(q);
      else if (name.endsWith('.json')) out.push(q);
    }
  };
  for (const p of inputs) {
    let st;
    try { st = statSync(p); } catch {
      throw new ImportError([{ rule: 'input', file: p, message: `${p}: cannot read (expected a bundle directory or the JSON files of one)`, refuse: true }]);
    }
    if (st.isDirectory()) walk(p); else out.push(p);
  }
  return out;
}

export function readBundle(inputs: string[]): BundleFile[] {
  const issues: ImportIssue[] = [];
  const files: BundleFile[] = [];
  const paths = bundlePaths(inputs);
  const root = inputs.length === 1 ? inputs[0] : undefined;
  for (const file of paths) {
    const shown = root !== undefined && file !== root ? join(root, relative(root, file)) : file;
    const text = readFileSync(file, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      issues.push({ rule: 'json', file: shown, message: `${shown}:1:1: $: not JSON: ${(e as Error).message} (expected the output of an openstack command with -f json)`, refuse: true });
      continue;
    }
    const locator = new JsonLocator(text);
    let kind = kindOf(value);
    const uuid = UUID.exec(basename(file))?.[0]?.toLowerCase();
    if (kind === undefined && Array.isArray(value) && value.length === 0) {
      kind = NAMES[basename(file)];
      // An empty per-provider list: a provider with no inventory or no usage yet.
      if (kind === undefined && uuid !== undefined) kind = /usage/i.test(file) ? 'usage' : 'inventory';
      if (kind === undefined) continue;
    }
    if (kind === undefined) {
      issues.push({ rule: 'json', file: shown, message: `${shown}:1:1: $: cannot tell which openstack command printed this (expected one of: resource provider list, resource provider inventory list, resource provider usage show, hypervisor list --long, hypervisor show, compute service list, server list --long, flavor list --long, server group list --long, aggregate list --long, aggregate show, availability zone list --long, each with -f json)`, refuse: true });
      continue;
    }
    if ((kind === 'inventory' || kind === 'usage') && uuid === undefined) {
      issues.push({ rule: 'json', file: shown, message: `${shown}:1:1: $: a per-provider ${kind} output without its provider's UUID in the file name (expected e.g. ${kind}/<uuid>.json, as scripts/export-openstack.sh names it)`, refuse: true });
      continue;
    }
    const rows = Array.isArray(value) ? (value as Row[]) : [value as Row];
    files.push({ file: shown, kind, uuid, rows, single: !Array.isArray(value), locator });
  }
  if (issues.length > 0) throw new ImportError(issues);
  return files;
}

/** `FILE:LINE:COL: $[k].Key` of a row's field, for messages. */
export function where(f: BundleFile, path: (string | number)[]): string {
  const p = f.single ? path.slice(1) : path;
  const { line, col } = f.locator.locate(p);
  return `${f.file}:${line}:${col}: $${p.map((x) => (typeof x === 'number' ? `[${x}]` : /^[A-Za-z_][\w]*$/.test(x) ? `.${x}` : `[${JSON.stringify(x)}]`)).join('')}`;
}
