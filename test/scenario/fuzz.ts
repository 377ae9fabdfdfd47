import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { loadScenarioText, type LoadedScenario } from '../../sim/scenario/load.js';
import { ScenarioError, formatProblem } from '../../sim/scenario/problems.js';
import { checkLimits } from '../../sim/montecarlo/limits.js';

/**
 * A generator of bad scenarios for the fuzz tests: mutations of the bundled scenarios by type,
 * range, unit, structure, YAML features and the key classes of the reliability issue (reserved
 * JavaScript names), and the invariant every mutant must satisfy in `validate`:
 * a clean refusal (every line `FILE:LINE:COL: path: problem (expected …)`, short) or acceptance.
 */
type J = null | boolean | number | string | J[] | { [k: string]: J };

/**
 * The bundled scenarios, cut to at most two designs and two sweep values each (the mutations
 * matter, not the size). The scale scenarios (1,000 hosts and up, 2,000 disks) are left out: an
 * accepted mutant runs 2 replications within a time limit, and theirs cost their size.
 */
export const SCALE_SCENARIO = /\d{4,}-hosts|2000-disks|default/;

export function corpus(): { file: string; value: J }[] {
  const files = [
    ...readdirSync('scenarios').filter((f) => f.endsWith('.yaml') && !SCALE_SCENARIO.test(f)).map((f) => join('scenarios', f)),
    ...readdirSync('scenarios/validation').filter((f) => f.endsWith('.yaml')).map((f) => join('scenarios/validation', f)),
  ].sort();
  return files.map((file) => ({ file, value: trim(parse(readFileSync(file, 'utf8')) as J) }));
}

function trim(v: J): J {
  if (Array.isArray(v)) return v.map(trim);
  if (v === null || typeof v !== 'object') return v;
  const out: { [k: string]: J } = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'designs' && x && typeof x === 'object' && !Array.isArray(x)) out[k] = Object.fromEntries(Object.entries(x).slice(0, 2).map(([n, d]) => [n, trim(d)]));
    else if (k === 'values' && Array.isArray(x)) out[k] = x.slice(0, 2);
    else if (k === 'replications' && typeof x === 'number') out[k] = Math.min(x, 50);
    else out[k] = trim(x);
  }
  return out;
}

const RESERVED = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];
const NUMBERS: J[] = [-1, 0, 0.5, 1, 1.5, 2 ** 32, 1e15, -1e-300, 1e300, 7.25, 1000];
const UNITS: J[] = [
  '5toString', '2valueOf', '1e400s', '-1h', '5parsecs', '150%', '-5%', '5 / h', '', 'NaNs', 'Infinity s', '0x10GiB', '1e15GiB',
  '10Gbit/s', '500MB/s', '2/h', '5/y', '4h', '365d', '0s', '1e-300s', '512GiB', '3TB', '85%', '5/__proto__', '3constructor/s',
];
const STRINGS: J[] = ['', 'x', 'a\u0007b', 'line\nbreak', '\u202e', 'ünïcødé', 'x'.repeat(3000), '{', '*a', '&b', '- 1'];
const VALUES: J[] = [null, true, false, [], {}, [1, 2], { a: 1 }, ...NUMBERS, ...UNITS, ...STRINGS];
const DISTRIBUTIONS: J[] = [
  { normal: { mean: '-1h', sd: '1s' } }, { normal: { mean: '1s', sd: '10s' } }, { exponential: { mean: '0s' } }, { exponential: { rate: '0/h' } },
  { lognormal: { median: '4h', sigma: 1e6 } }, { lognormal: { mean: '4h', cv: -1 } }, { weibull: { shape: 1e-300, mean: '30d' } },
  { weibull: { shape: 0.1, scale: '1e300s' } }, { erlang: { k: 1e9, mean: '1s' } }, { uniform: { min: '5m', max: '1m' } },
  { empirical: { samples: [] } }, { empirical: { cdf: [['1s', 0], ['2s', 0.5]] } }, { empirical: { cdf: [['1s', 0], ['0s', 1]] } },
  { normal: { mean: '50%', sd: '80%' } }, { exponential: { mean: '70%' } }, { uniform: { min: '20%', max: '150%' } },
];

export type Op =
  | { kind: 'type' | 'range' | 'unit' | 'distribution' | 'delete' | 'wrap' | 'duplicate' | 'unknown-key' | 'reserved-key'; at: number; pick: number }
  | { kind: 'reserved-design' | 'reserved-sweep' | 'reserved-expect' | 'many-sweep-values' | 'huge-count'; at: number; pick: number };

export interface Mutant { base: number; ops: Op[]; yaml: number }

export const mutantArb = (bases: number): fc.Arbitrary<Mutant> => fc.record({
  base: fc.nat({ max: bases - 1 }),
  ops: fc.array(fc.record({
    kind: fc.constantFrom('type', 'range', 'unit', 'distribution', 'delete', 'wrap', 'duplicate', 'unknown-key', 'reserved-key',
      'reserved-design', 'reserved-sweep', 'reserved-expect', 'many-sweep-values', 'huge-count'),
    at: fc.nat(),
    pick: fc.nat(),
  }) as fc.Arbitrary<Op>, { minLength: 1, maxLength: 3 }),
  yaml: fc.nat({ max: 24 }),
});

/** Paths to every node of a value (objects and arrays included). */
function paths(v: J, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function get(v: J, p: (string | number)[]): J {
  let x: J = v;
  for (const k of p) x = (x as Record<string | number, J>)[k];
  return x;
}

function set(v: J, p: (string | number)[], value: J | undefined): void {
  if (p.length === 0) return;
  const parent = get(v, p.slice(0, -1)) as Record<string | number, J>;
  const k = p[p.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(k as number, 1);
    else delete parent[k];
  } else Object.defineProperty(parent, k, { value, writable: true, enumerable: true, configurable: true });
}

function renameKey(v: J, p: (string | number)[], name: string): void {
  if (p.length === 0) return;
  const parent = get(v, p.slice(0, -1));
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return;
  const entries = Object.entries(parent);
  for (const k of Object.keys(parent)) delete (parent as Record<string, J>)[k];
  for (const [k, x] of entries) Object.defineProperty(parent, k === p[p.length - 1] ? name : k, { value: x, writable: true, enumerable: true, configurable: true });
}

const pick = <T>(xs: T[], n: number): T => xs[n % xs.length];

function studiesOf(v: J): Record<string, J> {
  const s = (v as Record<string, J>).studies;
  return s && typeof s === 'object' && !Array.isArray(s) ? s as Record<string, J> : {};
}

function apply(v: J, op: Op): void {
  const all = paths(v);
  const leaves = all.filter((p) => { const x = get(v, p); return x === null || typeof x !== 'object'; });
  const p = pick(all, op.at);
  const leaf = leaves.length ? pick(leaves, op.at) : p;
  const studyNames = Object.keys(studiesOf(v));
  const study = studyNames.length ? pick(studyNames, op.pick) : 'queue';
  switch (op.kind) {
    case 'type': set(v, leaf, structuredClone(pick(VALUES, op.pick))); break;
    case 'range': set(v, leaf, pick(NUMBERS, op.pick)); break;
    case 'unit': set(v, leaf, pick(UNITS, op.pick)); break;
    case 'distribution': set(v, leaf, structuredClone(pick(DISTRIBUTIONS, op.pick))); break;
    case 'delete': set(v, p, undefined); break;
    case 'wrap': set(v, p, [structuredClone(get(v, p))]); break;
    case 'duplicate': set(v, leaf, structuredClone(get(v, pick(all, op.pick)))); break;
    case 'unknown-key': { const x = get(v, p); if (x && typeof x === 'object' && !Array.isArray(x)) set(v, [...p, 'colour'], 1); break; }
    case 'reserved-key': renameKey(v, p, pick(RESERVED, op.pick)); break;
    case 'reserved-design': set(v, ['designs'], { [pick(RESERVED, op.pick)]: {}, ok: {} }); break;
    case 'reserved-sweep': {
      const s = studiesOf(v)[study];
      if (s && typeof s === 'object' && !Array.isArray(s)) set(v, ['studies', study, 'sweeps'], [{ parameter: pick([`studies.${study}.${pick(RESERVED, op.at)}.x`, `cloud.nova.${pick(RESERVED, op.at)}.release`, `cloud..x`, `studies.${study}.constructor`], op.pick), values: [1, 2] }]);
      break;
    }
    case 'reserved-expect': set(v, ['expect'], { [`${study}.${pick(RESERVED, op.pick)}.mean`]: { max: 1 } }); break;
    case 'many-sweep-values': {
      const s = studiesOf(v)[study];
      if (s && typeof s === 'object' && !Array.isArray(s)) set(v, ['studies', study, 'sweeps'], [{ parameter: `studies.${study}.replications`, values: Array.from({ length: 1001 + (op.pick % 20000) }, (_, i) => i + 1) }]);
      break;
    }
    case 'huge-count': set(v, leaf, pick([2 ** 32, 1e9, 1e12, 2 ** 53, 1e300], op.pick)); break;
  }
}

/** YAML-level mutations of the text: aliases, anchors, duplicate keys, tags, documents, odd characters. */
function yamlFeature(text: string, n: number): string {
  const lines = text.split('\n');
  const i = Math.max(1, n % Math.max(1, lines.length - 1));
  switch (n) {
    case 1: return `x: *nowhere\n${text}`;
    case 2: return `a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n${text}`;
    case 3: return `${text}\nname: twice\n`;
    case 4: return `${text}\n---\nname: second\n`;
    case 5: return text.replace(/^(\s*)(\w+):/m, '$1$2: !!binary');
    case 6: return `\t${text}`;
    case 7: return `${lines.slice(0, i).join('\n')}\n  : broken\n${lines.slice(i).join('\n')}`;
    case 8: return text.replace(/^seed: .*$/m, 'seed: &s 3\nstudies_again: *s');
    case 9: return `%YAML 1.1\n---\n${text}`;
    case 10: return text.replace(/^name: .*$/m, `name: "${'x'.repeat(5000)}"`);
    case 11: return text.replace(/^name: .*$/m, 'name: "a\\u0000b"');
    case 12: return text.slice(0, Math.floor(text.length / 2));
    case 13: return `<<: {seed: 3}\n${text}`;
    case 14: return text.replace(/: (\d+)\b/, ': 0o777');
    case 15: return text.replace(/: (\d+)\b/, ': .nan');
    case 16: return text.replace(/: (\d+)\b/, ': -.inf');
    case 17: return text.replace(/: (\d+)\b/, ': 1e400');
    default: return text;
  }
}

export function mutate(bases: { file: string; value: J }[], m: Mutant): string {
  const v = structuredClone(bases[m.base].value);
  for (const op of m.ops) {
    try { apply(v, op); } catch { /* a path made stale by an earlier op: skip */ }
  }
  return yamlFeature(stringify(v, { aliasDuplicateObjects: false, lineWidth: 0 }), m.yaml);
}

export type Outcome =
  | { kind: 'refused'; lines: string[] }
  | { kind: 'accepted'; loaded: LoadedScenario };

const LINE = /^fuzz\.yaml:\d+:\d+: [^\n]+: [^\n]*\(expected [^\n]*\)$/;

/**
 * Validates a mutant in-process (as `headroom validate` does, memory limit included) and checks
 * the invariant; throws with the mutant and what went wrong otherwise.
 */
export function validateMutant(text: string): Outcome {
  // CPU time, not wall time: on a machine shared with other work the wall clock says nothing about a hang.
  const t0 = process.cpuUsage();
  let outcome: Outcome;
  try {
    const loaded = loadScenarioText(text, 'fuzz.yaml');
    checkLimits(loaded, 2, 8 * 2 ** 30);
    outcome = { kind: 'accepted', loaded };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw new Error(`not a located problem: ${(e as Error)?.stack ?? e}`);
    const lines = e.problems.map(formatProblem);
    if (lines.length === 0) throw new Error('a ScenarioError without problems');
    for (const l of lines) {
      if (!LINE.test(l)) throw new Error(`badly formed problem line: ${JSON.stringify(l.slice(0, 300))}`);
      if (l.length > 600) throw new Error(`problem line of ${l.length} characters: ${JSON.stringify(l.slice(0, 300))}`);
      if (!/not a finite number/.test(l) && /NaN/.test(l.replace(/"[^"]*"/g, ''))) throw new Error(`NaN in a message: ${l}`);
    }
    outcome = { kind: 'refused', lines };
  }
  const used = process.cpuUsage(t0);
  const ms = (used.user + used.system) / 1000;
  if (ms > 10_000) throw new Error(`validate took ${(ms / 1000).toFixed(1)} s of CPU (expected under 10 s)`);
  return outcome;
}

/** The problem class of a refused mutant: its message with positions, paths and quoted values taken out. */
export function problemClass(line: string): string {
  return line.replace(/^[^:]+:\d+:\d+: [^:]+: /, '').replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/-?\d[\d.e+-]*/g, 'N').replace(/\(expected.*$/, '').trim().slice(0, 60);
}
