import {
  closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync, writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createHash } from 'node:crypto';
import type { RunResult } from '../montecarlo/run.js';

/**
 * The output folder. headroom only ever deletes or replaces what it wrote itself:
 *
 * - every folder it writes carries a marker file (MARKER) listing the files it wrote;
 * - an existing `--out` is replaced only when it carries that marker and holds nothing else
 *   (`force` also replaces a marked folder the user added files to; never an unmarked one);
 *   an empty folder is used; anything else — a regular file, a symlink, the current folder or
 *   one holding it, a folder with other files — is refused before any work starts;
 * - a lock file `<out>.lock` (created exclusively, holding the pid) makes a second run into the
 *   same folder refuse instead of racing the final rename;
 * - results go to a temporary sibling `<out>.tmp-PID` (marked at once) renamed into place at the
 *   end, so a failed or interrupted run never leaves a half-written folder where the last good
 *   one was; temporary folders and locks whose process is gone (SIGKILL, a V8 abort) are removed
 *   by the next run into the same folder, which says so.
 *
 * See docs/failure-behaviour.md.
 */
export const MARKER = '.headroom-output';

/** The output folder cannot be used; the CLI prints the message and exits 2. */
export class OutputRefused extends Error {}

interface Marker { tool: 'headroom'; pid: number; files: string[] }

/** Longest folder name headroom builds itself (from a scenario name): leaves room for `.tmp-PID` under NAME_MAX. */
const MAX_NAME = 100;

/**
 * A file or folder name from a user-chosen name: control characters and path separators become
 * `_`, and a name longer than MAX_NAME is cut and suffixed with a hash of the whole, so two long
 * names stay distinct and every name fits the filesystem's 255-byte limit.
 */
export function safeFileName(name: string): string {
  let s = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  if (s === '') s = '_';
  if (s.length <= MAX_NAME) return s;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${s.slice(0, MAX_NAME - 11)}-${hash}`;
}

export interface OpenOptions {
  /** Replace a headroom output folder even when the user added files to it. */
  force?: boolean;
  /** Files that must not lie inside the output folder (the scenario being run). */
  protect?: string[];
  /** Progress notes (stale folders removed) for the user. */
  note?: (message: string) => void;
}

export class OutputFolder {
  readonly final: string;
  readonly tmp: string;
  readonly lock: string;
  private locked = false;

  private constructor(readonly dir: string) {
    this.final = resolve(dir);
    this.tmp = `${this.final}.tmp-${process.pid}`;
    this.lock = `${this.final}.lock`;
  }

  /** Checks that `dir` may be written, takes its lock, removes stale leftovers and creates the temporary folder. */
  static open(dir: string, opts: OpenOptions = {}): OutputFolder {
    const out = new OutputFolder(dir);
    out.checkTarget(opts);
    mkdirSync(dirname(out.final), { recursive: true });
    out.takeLock(opts.note);
    try {
      out.removeStale(opts.note);
      rmSync(out.tmp, { recursive: true, force: true });
      mkdirSync(out.tmp);
      // Marked at once: a run killed from here on leaves a folder the next run knows is headroom's.
      writeMarker(out.tmp, []);
    } catch (e) {
      out.releaseLock();
      throw e;
    }
    return out;
  }

  private checkTarget(opts: OpenOptions): void {
    const final = this.final;
    const shown = this.dir;
    const cwd = process.cwd();
    if (final === dirname(final) || final === cwd || cwd.startsWith(final + sep)) {
      throw new OutputRefused(`--out ${shown}: is the current folder or one holding it (expected a folder of its own, e.g. out/NAME; headroom replaces the whole --out folder)`);
    }
    for (const p of opts.protect ?? []) {
      const r = relative(final, resolve(p));
      if (r !== '' && !r.startsWith('..') && !isAbsolute(r)) {
        throw new OutputRefused(`--out ${shown}: holds ${p} (expected a folder that does not contain the scenario; headroom replaces the whole --out folder)`);
      }
    }
    if (basename(final).length > 240) {
      throw new OutputRefused(`--out ${shown}: the folder name is ${basename(final).length} characters long (expected at most 240, leaving room for headroom's temporary name)`);
    }
    let st;
    try { st = lstatSync(final); } catch { return; }
    if (st.isSymbolicLink()) throw new OutputRefused(`--out ${shown}: is a symbolic link (expected a folder; headroom does not replace links)`);
    if (!st.isDirectory()) throw new OutputRefused(`--out ${shown}: is a file, not a folder (expected a new folder or one headroom wrote; the file is left alone)`);
    const entries = readdirSync(final);
    if (entries.length === 0) return;
    const marker = readMarker(final);
    if (!marker) {
      throw new OutputRefused(`--out ${shown}: holds ${entries.length} file(s) (${listSome(entries)}) and is not a headroom output folder (expected a new or empty folder, or one headroom wrote, which has a ${MARKER} file; --force never replaces other folders)`);
    }
    const written = new Set(marker.files);
    const extra = listFiles(final).filter((f) => f !== MARKER && !written.has(f));
    if (extra.length > 0 && !opts.force) {
      throw new OutputRefused(`--out ${shown}: holds ${extra.length} file(s) headroom did not write (${listSome(extra)}) (expected only headroom's own output; move them out, or add --force to replace the folder with them)`);
    }
  }

  private takeLock(note?: (m: string) => void): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.lock, 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        this.locked = true;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const pid = Number.parseInt(safeRead(this.lock) ?? '', 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new OutputRefused(`--out ${this.dir}: another headroom run (pid ${pid}) is writing it (expected one run per output folder; wait for it, or choose another --out)`);
      }
      // The lock's writer is gone (killed before it could remove it).
      rmSync(this.lock, { force: true });
      note?.(`removed the stale lock ${this.lock}${Number.isInteger(pid) ? ` left by process ${pid}, which no longer runs` : ''}`);
    }
    throw new OutputRefused(`--out ${this.dir}: cannot take the lock ${this.lock} (expected to create it; another run keeps taking it)`);
  }

  private releaseLock(): void {
    if (!this.locked) return;
    this.locked = false;
    if (Number.parseInt(safeRead(this.lock) ?? '', 10) === process.pid) rmSync(this.lock, { force: true });
  }

  /** Removes `<out>.tmp-PID` and `<out>.old-PID` folders of processes that no longer run (they were killed). */
  private removeStale(note?: (m: string) => void): void {
    const parent = dirname(this.final);
    const name = basename(this.final);
    const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)$`);
    for (const entry of readdirSync(parent)) {
      const m = re.exec(entry);
      if (!m) continue;
      const pid = Number(m[2]);
      if (pid !== process.pid && alive(pid)) continue;
      const path = join(parent, entry);
      // Only folders headroom marked (or left empty) are removed.
      if (!lstatSync(path).isDirectory() || (readdirSync(path).length > 0 && !readMarker(path))) continue;
      rmSync(path, { recursive: true, force: true });
      if (pid !== process.pid) note?.(`removed ${path}, left by an interrupted run (process ${pid}, which no longer runs)`);
    }
  }

  write(name: string, data: string | Uint8Array): void {
    const p = join(this.tmp, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }

  /** Records what was written in the marker, then renames the temporary folder into place. */
  commit(): void {
    writeMarker(this.tmp, listFiles(this.tmp).filter((f) => f !== MARKER));
    const old = `${this.final}.old-${process.pid}`;
    if (existsSync(this.final)) {
      if (readdirSync(this.final).length === 0) rmdirSync(this.final);
      else renameSync(this.final, old);
    }
    renameSync(this.tmp, this.final);
    rmSync(old, { recursive: true, force: true });
    this.releaseLock();
  }

  abandon(): void {
    rmSync(this.tmp, { recursive: true, force: true });
    this.releaseLock();
  }
}

/**
 * Writes one file (`sizing.json`) into an output folder without replacing the rest: a new or empty
 * folder becomes a headroom output holding just that file; a headroom output gets it added to its
 * marker (so a later `headroom run` into the folder still replaces it); any other folder, a file or a
 * link is refused (OutputRefused), as for `--out`.
 */
export function addToOutputFolder(dir: string, name: string, content: string): string {
  const final = resolve(dir);
  let st;
  try { st = lstatSync(final); } catch { st = undefined; }
  if (st && st.isSymbolicLink()) throw new OutputRefused(`--out ${dir}: is a symbolic link (expected a folder; headroom does not write through links)`);
  if (st && !st.isDirectory()) throw new OutputRefused(`--out ${dir}: is a file, not a folder (expected a new folder or one headroom wrote; the file is left alone)`);
  let files: string[] = [];
  if (st) {
    const entries = readdirSync(final);
    const marker = readMarker(final);
    if (!marker && entries.length > 0) {
      throw new OutputRefused(`--out ${dir}: holds ${entries.length} file(s) (${listSome(entries)}) and is not a headroom output folder (expected a new or empty folder, or one headroom wrote, which has a ${MARKER} file)`);
    }
    files = marker?.files ?? [];
  } else {
    mkdirSync(final, { recursive: true });
  }
  const tmp = join(final, `.${name}.tmp-${process.pid}`);
  writeFileSync(tmp, content);
  renameSync(tmp, join(final, name));
  if (!files.includes(name)) files = [...files, name];
  writeMarker(final, files);
  return join(final, name);
}

function writeMarker(dir: string, files: string[]): void {
  const m: Marker = { tool: 'headroom', pid: process.pid, files };
  writeFileSync(join(dir, MARKER), JSON.stringify(m, null, 1) + '\n');
}

function readMarker(dir: string): Marker | undefined {
  const text = safeRead(join(dir, MARKER));
  if (text === undefined) return undefined;
  try {
    const m = JSON.parse(text) as Partial<Marker>;
    if (m?.tool !== 'headroom' || !Array.isArray(m.files)) return undefined;
    return { tool: 'headroom', pid: Number(m.pid), files: m.files.filter((f): f is string => typeof f === 'string') };
  } catch {
    return undefined;
  }
}

function safeRead(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

/** Every file under `dir`, as paths relative to it with `/` separators (folders themselves not listed). */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      const inner = listFiles(dir, rel);
      out.push(...(inner.length ? inner : [`${rel}/`]));
    } else out.push(rel);
  }
  return out;
}

function listSome(names: string[]): string {
  const shown = names.slice(0, 3).map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 37)}...` : n));
  return names.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Wide CSV: one row per (study, design, sweep point, replication); a column per metric of any study. */
export function replicationsCsv(run: RunResult): string {
  const metricCols: string[] = [];
  for (const s of run.studies) for (const m of Object.keys(s.plan.definition.metrics)) if (!metricCols.includes(m)) metricCols.push(m);
  const lines = [['study', 'design', 'sweep_parameter', 'sweep_value', 'replication', ...metricCols].join(',')];
  for (const s of run.studies) {
    const names = Object.keys(s.plan.definition.metrics);
    s.plan.variants.forEach((v, vi) => {
      for (let r = 0; r < Math.min(s.replications, v.replications); r++) {
        const cells = new Array<string>(metricCols.length).fill('');
        names.forEach((m, k) => { cells[metricCols.indexOf(m)] = num(s.values[r * s.layout.stride + s.layout.offsets[vi] + k]); });
        lines.push([s.plan.name, csv(v.design), csv(v.sweep?.parameter ?? ''), csv(String(v.sweep?.value ?? '')), String(r), ...cells].join(','));
      }
    });
  }
  return lines.join('\n') + '\n';
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '' : v > 0 ? 'Infinity' : '-Infinity';
}

function csv(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
