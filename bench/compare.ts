import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Regression gate: `node dist/bench/compare.js BASE.json NEW.json [--threshold 15%]`
 * (npm run bench:compare -- BASE.json NEW.json).
 *
 * Compares the same-run ratios, not raw values: each figure's `ratioToCeiling` (the figure
 * divided by the plain heap loop measured in the same run, see figure.ts), so a baseline
 * recorded on one CI machine still gates a run on another. Figures are matched by name.
 * A figure regresses when its ratio moves the wrong way (down when biggerIsBetter, up
 * otherwise) by more than the threshold, relative to the base ratio.
 *
 * Prints a Markdown table (also appended to $GITHUB_STEP_SUMMARY when set). Exit codes: 0 no
 * regression, 1 at least one regression, 2 bad input (unreadable file, no figures, bad flag).
 * Figures present in only one file, figures without a ratio and figures whose `extra` starts
 * with "skipped" (the SimPy peer when Python has no SimPy) are listed but never fail the gate:
 * the gate is about speed, and a suite that could not run is reported by the bench itself.
 *
 * Accepted file shapes: the array github-action-benchmark reads ([{name, unit, value, …}], each
 * entry also carrying biggerIsBetter and ratioToCeiling as bench/results.json does),
 * or an object holding it under `figures`, `benchmarks` or `results`, or under
 * `customBiggerIsBetter` / `customSmallerIsBetter` (which then set the direction).
 */
export interface ComparedFigure {
  name: string;
  unit?: string;
  value: number;
  biggerIsBetter: boolean;
  ratioToCeiling?: number;
  extra?: string;
}

export type Status = 'ok' | 'improved' | 'REGRESSION' | 'new' | 'missing' | 'skipped' | 'no ratio';

export interface Row {
  name: string;
  base?: number;
  next?: number;
  /** Relative change of the ratio, percent (positive = ratio went up). */
  changePct?: number;
  status: Status;
}

export class BadInput extends Error {}

function entriesOf(doc: unknown, file: string): ComparedFigure[] {
  const out: ComparedFigure[] = [];
  const take = (list: unknown, direction?: boolean): void => {
    if (!Array.isArray(list)) return;
    list.forEach((e, i) => {
      const f = e as Record<string, unknown>;
      if (f === null || typeof f !== 'object' || typeof f.name !== 'string' || typeof f.value !== 'number') {
        throw new BadInput(`${file}: entry ${i} is not {name, value, …} (expected a bench figure)`);
      }
      if (direction === undefined && typeof f.biggerIsBetter !== 'boolean') {
        throw new BadInput(`${file}: ${f.name}: biggerIsBetter is ${JSON.stringify(f.biggerIsBetter)} (expected true or false)`);
      }
      const ratio = f.ratioToCeiling;
      if (ratio !== undefined && ratio !== null && typeof ratio !== 'number') {
        throw new BadInput(`${file}: ${f.name}: ratioToCeiling is ${JSON.stringify(ratio)} (expected a number)`);
      }
      out.push({
        name: f.name,
        unit: typeof f.unit === 'string' ? f.unit : undefined,
        value: f.value,
        biggerIsBetter: direction ?? (f.biggerIsBetter as boolean),
        ratioToCeiling: typeof ratio === 'number' ? ratio : undefined,
        extra: typeof f.extra === 'string' ? f.extra : undefined,
      });
    });
  };
  if (Array.isArray(doc)) take(doc);
  else if (doc !== null && typeof doc === 'object') {
    const d = doc as Record<string, unknown>;
    const key = ['figures', 'benchmarks', 'results'].find((k) => Array.isArray(d[k]));
    if (key) take(d[key]);
    take(d.customBiggerIsBetter, true);
    take(d.customSmallerIsBetter, false);
  }
  if (out.length === 0) throw new BadInput(`${file}: no bench figures found (expected an array of {name, value, ratioToCeiling} or {figures: [...]})`);
  const seen = new Set<string>();
  for (const f of out) {
    if (seen.has(f.name)) throw new BadInput(`${file}: figure "${f.name}" appears twice (expected unique names)`);
    seen.add(f.name);
  }
  return out;
}

export function readFigures(file: string): ComparedFigure[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInput(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BadInput(`${file}: not JSON (${(e as Error).message})`);
  }
  return entriesOf(doc, file);
}

/** "15%", "15" (percent) or "0.15%" → fraction. */
export function parseThreshold(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!m || !(Number(m[1]) > 0)) throw new BadInput(`--threshold ${JSON.stringify(text)} (expected a positive percentage like 15%)`);
  return Number(m[1]) / 100;
}

const usable = (r: number | undefined): r is number => r !== undefined && Number.isFinite(r) && r > 0;
const skipped = (f: ComparedFigure): boolean => /^skipped/i.test(f.extra ?? '');

export function compare(base: ComparedFigure[], next: ComparedFigure[], threshold: number): Row[] {
  const byName = new Map(base.map((f) => [f.name, f]));
  const rows: Row[] = [];
  for (const n of next) {
    const b = byName.get(n.name);
    if (b === undefined) { rows.push({ name: n.name, next: n.ratioToCeiling, status: skipped(n) ? 'skipped' : 'new' }); continue; }
    const row: Row = { name: n.name, base: b.ratioToCeiling, next: n.ratioToCeiling, status: 'ok' };
    if (skipped(n) || skipped(b)) row.status = 'skipped';
    else if (!usable(b.ratioToCeiling) || !usable(n.ratioToCeiling)) row.status = 'no ratio';
    else {
      const change = n.ratioToCeiling / b.ratioToCeiling - 1;
      row.changePct = change * 100;
      // Direction from NEW (a figure that flipped direction is a renamed figure in effect).
      const worse = n.biggerIsBetter ? -change : change;
      // 1e-12: a change of exactly the threshold (up to rounding of the ratios) is not a regression.
      if (worse > threshold + 1e-12) row.status = 'REGRESSION';
      else if (-worse > threshold + 1e-12) row.status = 'improved';
    }
    rows.push(row);
  }
  const inNext = new Set(next.map((f) => f.name));
  for (const b of base) if (!inNext.has(b.name)) rows.push({ name: b.name, base: b.ratioToCeiling, status: skipped(b) ? 'skipped' : 'missing' });
  return rows;
}

const fmt = (r: number | undefined): string =>
  r === undefined ? '—' : r !== 0 && Math.abs(r) < 1e-3 ? r.toExponential(3) : r.toPrecision(4);

export function markdownTable(rows: Row[], threshold: number): string {
  const lines = [
    `| figure | base ratio | new ratio | change | status |`,
    `| --- | ---: | ---: | ---: | --- |`,
    ...rows.map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${fmt(r.base)} | ${fmt(r.next)} | ${r.changePct === undefined ? '—' : `${r.changePct >= 0 ? '+' : ''}${r.changePct.toFixed(1)}%`} | ${r.status} |`),
  ];
  const bad = rows.filter((r) => r.status === 'REGRESSION');
  lines.push('', bad.length
    ? `${bad.length} regression${bad.length > 1 ? 's' : ''} beyond ${+(threshold * 100).toFixed(2)}% (ratio to the same-run ceiling loop): ${bad.map((r) => r.name).join(', ')}`
    : `No regression beyond ${+(threshold * 100).toFixed(2)}% (ratio to the same-run ceiling loop).`);
  return lines.join('\n');
}

const USAGE = 'usage: node dist/bench/compare.js BASE.json NEW.json [--threshold 15%]';

/** The CLI; returns the exit code. */
export function main(argv: string[], out: (s: string) => unknown = (s) => process.stdout.write(s), err: (s: string) => unknown = (s) => process.stderr.write(s)): number {
  try {
    const files: string[] = [];
    let threshold = 0.15;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--threshold') {
        if (i + 1 >= argv.length) throw new BadInput('--threshold needs a value (expected a percentage like 15%)');
        threshold = parseThreshold(argv[++i]);
      } else if (a.startsWith('--threshold=')) threshold = parseThreshold(a.slice('--threshold='.length));
      else if (a === '-h' || a === '--help') { out(`${USAGE}\n`); return 0; }
      else if (a.startsWith('-')) throw new BadInput(`unknown option ${a} (${USAGE})`);
      else files.push(a);
    }
    if (files.length !== 2) throw new BadInput(`expected two files, got ${files.length} (${USAGE})`);
    const rows = compare(readFigures(files[0]), readFigures(files[1]), threshold);
    const table = markdownTable(rows, threshold);
    out(`${table}\n`);
    const summary = process.env.GITHUB_STEP_SUMMARY;
    if (summary) appendFileSync(summary, `### Bench: ${files[1]} vs ${files[0]}\n\n${table}\n`);
    return rows.some((r) => r.status === 'REGRESSION') ? 1 : 0;
  } catch (e) {
    // Anything unexpected is also exit 2: a crash must not read as a speed regression (exit 1).
    err(`bench:compare: ${e instanceof BadInput ? e.message : (e as Error).stack}\n`);
    return 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
