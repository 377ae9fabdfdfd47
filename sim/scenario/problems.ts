import type { Document, LineCounter } from 'yaml';
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { z } from 'zod';

/**
 * A problem in a scenario, located in its file. The CLI prints
 * `FILE:LINE:COL: path.to.field: problem (expected …)`.
 */
export interface Located {
  file: string;
  line: number;
  col: number;
  path: (string | number)[];
  message: string;
}

export class ScenarioError extends Error {
  constructor(readonly problems: Located[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  // An empty key (YAML `: x`) is shown as "" so the path is never blank.
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p === '' ? '""' : p}`)).join('');
}

/** Control characters in a key are shown escaped (\u0007): a message never rings a bell or moves the cursor. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatProblem(p: Located): string {
  return printable(`${p.file}:${p.line}:${p.col}: ${clip(formatPath(p.path), 120)}: ${clipQuotes(p.message)}`);
}

/** Cuts every quoted value of a message to about 80 characters (a pasted blob never fills a terminal). */
export function clipQuotes(message: string): string {
  return message.replace(/"((?:[^"\\]|\\.){78,})"/g, (_m, inner: string) => `"${inner.slice(0, 74)}..."`);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** A parsed YAML document and where its nodes are, for mapping a path to line:col. */
export interface SourceMap {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/**
 * Line and column of the deepest node that exists along `path` (an unknown key points at the key
 * itself; a missing key at its parent).
 */
export function locate(src: SourceMap, path: readonly (string | number)[], keyOnly = false): { line: number; col: number } {
  let node: unknown = src.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const k = path[i];
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && ((isScalar(it.key) && String(it.key.value ?? '') === String(k)) || (it.key === null && k === '')));
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      const last = i === path.length - 1;
      if (last && (keyOnly || pair.value === null)) { offset = keyStart ?? offset; node = undefined; break; }
      node = pair.value;
      offset = rangeStart(node) ?? keyStart ?? offset;
    } else if (isSeq(node) && typeof k === 'number') {
      const item = node.items[k];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  const pos = src.lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? r[0] : undefined;
}

/** Turns a zod issue into one or more human sentences of the form "problem (expected …)". */
export function describeIssue(issue: z.core.$ZodIssue, value: unknown): { path: (string | number)[]; message: string; keyOnly?: boolean }[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return [{ path, message: `missing (expected ${article(issue.expected)})` }];
      return [{ path, message: `wrong type: ${show(value)} is ${typeName(value)} (expected ${article(issue.expected)})` }];
    }
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: [...path, k], keyOnly: true, message: `unknown key "${k}"${suggest(k, issue)} (expected one of the documented keys; see \`headroom schema\`)` }));
    case 'invalid_value':
      return [{ path, message: `${show(value)} is not allowed (expected one of: ${issue.values.map((v) => String(v)).join(', ')})` }];
    case 'too_small': {
      if (issue.origin === 'string' && typeof value === 'string') {
        return [{ path, message: value.trim() === '' ? `empty (expected at least ${issue.minimum} character(s))` : `too short: ${value.length} character(s) (expected at least ${issue.minimum})` }];
      }
      const what = issue.origin === 'array' ? `at least ${issue.minimum} item(s)` : issue.origin === 'string' ? `at least ${issue.minimum} character(s)` : `${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
      return [{ path, message: `${issue.origin === 'array' ? 'too few items' : `too small: ${show(value)}`} (expected ${what})` }];
    }
    case 'too_big': {
      const what = issue.origin === 'array' ? `at most ${issue.maximum} item(s)` : `${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
      if (Array.isArray(value)) return [{ path, message: `too many items: ${value.length} (expected ${what})` }];
      if (issue.origin === 'string' && typeof value === 'string') return [{ path, message: `too long: ${value.length} characters (expected at most ${issue.maximum})` }];
      return [{ path, message: `too big: ${show(value)} (expected ${what})` }];
    }
    case 'not_multiple_of':
      return [{ path, message: `${show(value)} is not a multiple of ${issue.divisor} (expected a whole multiple)` }];
    case 'invalid_format':
      return [{ path, message: `${show(value)} has the wrong format (expected ${issue.format})` }];
    case 'invalid_union': {
      // Report the branch that got furthest: the one whose problems lie deepest, fewest first.
      const branches = issue.errors.filter((b) => b.length > 0);
      let best: z.core.$ZodIssue[] | undefined;
      let bestScore = -Infinity;
      for (const b of branches) {
        const depth = Math.min(...b.map((i) => i.path.length));
        const score = depth * 100 - b.length - (b.some((i) => i.code === 'invalid_type' && i.path.length === 0) ? 1000 : 0);
        if (score > bestScore) { bestScore = score; best = b; }
      }
      if (best && bestScore > 0) {
        return best.flatMap((i) => describeIssue({ ...i, path: [...path, ...i.path] } as z.core.$ZodIssue, valueAt(value, i.path)));
      }
      const forms = issue.message && !issue.message.startsWith('Invalid input') ? issue.message : 'one of the forms listed by `headroom schema`';
      if (value === undefined) {
        // A union's own reason ("not a distribution: undefined (expected …)") names the value; a
        // missing key has none, only what was expected.
        const at = forms.indexOf('(expected ');
        return [{ path, message: at >= 0 ? `missing ${forms.slice(at)}` : `missing (expected ${forms})` }];
      }
      return [{ path, message: `${show(value)} does not match any accepted form (expected ${forms})` }];
    }
    case 'custom':
    default:
      return [{ path, message: issue.message.includes('(expected') ? issue.message : `${issue.message} (expected a valid value)` }];
  }
}

function valueAt(v: unknown, path: PropertyKey[]): unknown {
  let x = v;
  for (const k of path) x = x !== null && typeof x === 'object' ? (x as Record<PropertyKey, unknown>)[k] : undefined;
  return x;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

function article(t: string): string {
  if (t === 'object') return 'a mapping';
  if (t === 'array') return 'a list';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function suggest(key: string, issue: z.core.$ZodIssue): string {
  const known = (issue as { known?: string[] }).known;
  if (!known || known.length === 0) return '';
  const [best] = closest(key, known, 1);
  return best.distance <= Math.max(2, Math.floor(key.length / 3)) ? `, did you mean "${best.name}"?` : '';
}

/**
 * "expected one of: …" for `given`, which is not one of `known`. A long list (a study's two
 * dozen metrics, many designs) is cut to the six names closest to `given`, so that the problem
 * stays a readable line.
 */
export function expectedOneOf(given: string, known: readonly string[]): string {
  const all = known.join(', ');
  if (all.length <= 200) return `expected one of: ${all || 'none'}`;
  return `expected one of ${known.length} names, the closest first: ${closest(given, known, 6).map((x) => x.name).join(', ')}, …`;
}

/** The `n` names of `known` closest to `given` by edit distance (of its first 100 characters), closest first, ties in list order. */
function closest(given: string, known: readonly string[], n: number): { name: string; distance: number }[] {
  const g = given.slice(0, 100);
  return known.map((name, i) => ({ name, i, distance: levenshtein(g, name) }))
    .sort((x, y) => x.distance - y.distance || x.i - y.i).slice(0, n);
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}
