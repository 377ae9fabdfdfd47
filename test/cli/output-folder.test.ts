import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { MARKER, OutputFolder, OutputRefused, safeFileName } from '../../sim/cli/output.js';

/** The output folder never deletes or replaces what headroom did not write (in-process: fast). */
const tmp = () => mkdtempSync(join(tmpdir(), 'headroom-out-'));

function written(dir: string, files: Record<string, string> = { 'summary.json': '{}\n' }, force = false): void {
  const out = OutputFolder.open(dir, { force });
  for (const [f, t] of Object.entries(files)) out.write(f, t);
  out.commit();
}

test('a new folder is written with a marker listing the files, and a rerun replaces it', () => {
  const d = join(tmp(), 'o');
  written(d, { 'summary.json': '1', 'charts/a.svg': '<svg/>' });
  const marker = JSON.parse(readFileSync(join(d, MARKER), 'utf8'));
  assert.deepEqual(marker.files.sort(), ['charts/a.svg', 'summary.json']);
  written(d, { 'summary.json': '2' });
  assert.equal(readFileSync(join(d, 'summary.json'), 'utf8'), '2');
  assert.equal(existsSync(join(d, 'charts')), false);
  assert.deepEqual(readdirSync(join(d, '..')).sort(), ['o'], 'no lock, tmp or old folder left');
});

test('a folder headroom did not write is refused, --force or not, and left untouched', () => {
  const d = join(tmp(), 'mine');
  mkdirSync(d);
  writeFileSync(join(d, 'thesis.tex'), 'years of work');
  for (const force of [false, true]) {
    assert.throws(() => OutputFolder.open(d, { force }), (e: unknown) => e instanceof OutputRefused && /holds 1 file\(s\) \("thesis\.tex"\) and is not a headroom output folder .*--force never replaces other folders/.test(e.message));
  }
  assert.equal(readFileSync(join(d, 'thesis.tex'), 'utf8'), 'years of work');
  assert.deepEqual(readdirSync(join(d, '..')), ['mine'], 'no lock or temporary folder left behind');
});

test('a headroom folder the user added files to is refused without --force and replaced with it', () => {
  const d = join(tmp(), 'o');
  written(d);
  writeFileSync(join(d, 'notes.txt'), 'mine');
  assert.throws(() => OutputFolder.open(d), /holds 1 file\(s\) headroom did not write \("notes\.txt"\).*--force/);
  assert.ok(existsSync(join(d, 'notes.txt')));
  written(d, { 'summary.json': 'forced' }, true);
  assert.equal(existsSync(join(d, 'notes.txt')), false);
  assert.equal(readFileSync(join(d, 'summary.json'), 'utf8'), 'forced');
});

test('--out . , a folder holding the current one, one holding the scenario, a regular file and a symlink are refused', () => {
  const base = tmp();
  const cwd = process.cwd();
  try {
    process.chdir(base);
    assert.throws(() => OutputFolder.open('.'), /is the current folder or one holding it/);
    assert.throws(() => OutputFolder.open('..'), /is the current folder or one holding it/);
  } finally {
    process.chdir(cwd);
  }
  const proj = join(base, 'proj');
  mkdirSync(proj);
  writeFileSync(join(proj, 's.yaml'), 'name: x');
  assert.throws(() => OutputFolder.open(proj, { protect: [join(proj, 's.yaml')] }), /holds .*s\.yaml \(expected a folder that does not contain the scenario/);
  writeFileSync(join(base, 'file'), 'data');
  assert.throws(() => OutputFolder.open(join(base, 'file')), /is a file, not a folder/);
  assert.equal(readFileSync(join(base, 'file'), 'utf8'), 'data');
});

test('an empty folder is used', () => {
  const d = join(tmp(), 'empty');
  mkdirSync(d);
  written(d);
  assert.ok(existsSync(join(d, 'summary.json')));
});

test('a second run into the same folder while the first holds the lock is refused', () => {
  const d = join(tmp(), 'o');
  const first = OutputFolder.open(d);
  try {
    // The lock names this live process: any other run refuses.
    const child = readFileSync(`${first.final}.lock`, 'utf8').trim();
    assert.equal(Number(child), process.pid);
    writeFileSync(`${first.final}.lock`, `${process.ppid}\n`);
    assert.throws(() => OutputFolder.open(d), new RegExp(`another headroom run \\(pid ${process.ppid}\\) is writing it`));
    writeFileSync(`${first.final}.lock`, `${process.pid}\n`);
  } finally {
    first.abandon();
  }
  assert.equal(existsSync(`${first.final}.lock`), false);
});

test('a stale temporary folder and lock of a dead process are removed by the next run, which says so', async () => {
  const base = tmp();
  const d = join(base, 'o');
  // A pid that no longer runs: a child that has exited.
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  mkdirSync(`${d}.tmp-${pid}`);
  writeFileSync(join(`${d}.tmp-${pid}`, MARKER), JSON.stringify({ tool: 'headroom', pid, files: [] }));
  writeFileSync(join(`${d}.tmp-${pid}`, 'summary.json'), 'half');
  writeFileSync(`${d}.lock`, `${pid}\n`);
  mkdirSync(join(base, `o.tmp-1`)); // pid 1 runs: never touched
  const notes: string[] = [];
  const out = OutputFolder.open(d, { note: (m) => notes.push(m) });
  out.commit();
  assert.equal(existsSync(`${d}.tmp-${pid}`), false);
  assert.ok(existsSync(join(base, 'o.tmp-1')));
  assert.deepEqual(notes.map((n) => n.replace(base, 'BASE')), [
    `removed the stale lock BASE/o.lock left by process ${pid}, which no longer runs`,
    `removed BASE/o.tmp-${pid}, left by an interrupted run (process ${pid}, which no longer runs)`,
  ]);
});

test('file names from scenario names: safe characters, at most 100 characters, long names stay distinct', () => {
  const long = 'x'.repeat(300);
  assert.equal(safeFileName('reference-cloud'), 'reference-cloud');
  assert.equal(safeFileName(long).length, 100);
  assert.notEqual(safeFileName(long), safeFileName(`${long}y`));
  assert.equal(safeFileName('a\u0007b/../c'), 'a_b_.._c');
  assert.equal(safeFileName('..'), '_');
});

test('sizing.json joins an output folder: a new folder is marked, a run output keeps its files and a later run still replaces it, a foreign folder is refused', async () => {
  const { addToOutputFolder } = await import('../../sim/cli/output.js');
  const fresh = join(tmp(), 'new');
  addToOutputFolder(fresh, 'sizing.json', '{"a":1}\n');
  assert.deepEqual(JSON.parse(readFileSync(join(fresh, MARKER), 'utf8')).files, ['sizing.json']);
  written(fresh, { 'summary.json': '1' });
  assert.deepEqual(readdirSync(fresh).sort(), [MARKER, 'summary.json'], 'a run replaces a folder holding only headroom files');

  const run = join(tmp(), 'run');
  written(run, { 'summary.json': '1' });
  addToOutputFolder(run, 'sizing.json', '{}\n');
  assert.deepEqual(readdirSync(run).sort(), [MARKER, 'sizing.json', 'summary.json']);
  assert.deepEqual(JSON.parse(readFileSync(join(run, MARKER), 'utf8')).files.sort(), ['sizing.json', 'summary.json']);
  written(run, { 'summary.json': '2' });
  assert.equal(readFileSync(join(run, 'summary.json'), 'utf8'), '2');

  const mine = join(tmp(), 'mine');
  mkdirSync(mine);
  writeFileSync(join(mine, 'notes.txt'), 'keep');
  assert.throws(() => addToOutputFolder(mine, 'sizing.json', '{}'), OutputRefused);
  assert.deepEqual(readdirSync(mine), ['notes.txt']);
});
