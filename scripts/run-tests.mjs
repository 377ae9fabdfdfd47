// Runs the compiled test files with node's test runner. node --test given no files (or a
// folder) runs zero tests and exits 0, so the file list is expanded here and a run that
// executed no test is a failure.
//
// Two tiers: `npm test` runs every *.test.js except *.full.test.js (unit, property, hand-worked
// logs, small validation runs: about half a minute on a 2-core machine); `npm run test:full` (--full)
// runs the *.full.test.js files (CLI and report end-to-end, scenario checks, the 10,000-case fuzz)
// and the validation-against-theory files again at full size (HEADROOM_VALIDATION_SIZE=full: the
// fast tier runs them at a quarter of the jobs with tolerances twice as wide).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const full = args.includes('--full');
const only = args.filter((a) => a !== '--full');
// A compiled test whose source was renamed or deleted stays in dist/ (tsc removes nothing): skip it.
const hasSource = (f) => existsSync(f.replace(/^dist[\\/]/, '').replace(/\.js$/, '.ts'));
const all = listTests('dist/test').filter(hasSource);
const isValidation = (f) => /[\\/]test[\\/]validation[\\/]/.test(f);
let files = all.filter((f) => f.endsWith('.full.test.js') === full || (full && isValidation(f)));
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'headroom-tests-'));
const tap = join(work, 'results.tap');

// The fast tier runs one process per test folder (test/evacuation, test/validation, …), which
// imports that folder's files in turn: a process per file spent ~0.35 s of CPU starting and
// loading the same modules, 81 times (about half the tier's CPU). sim/ keeps no module-level
// state (test/studies/memo.test.ts), and a test that changes the cwd restores it; but a file that
// registers a study of its own (registerStudy, registerProbe) changes what every later scenario
// and the JSON schema see, so it runs in a process of its own. The full tier keeps a process per
// file: its files are few and heavy.
const registersStudy = (f) => /\bregister(Study|Probe)\(/.test(readFileSync(f, 'utf8'));
function byFolder(list) {
  const groups = new Map();
  for (const f of list) {
    const area = registersStudy(f) ? f.replace(/\.test\.js$/, '') : f.split(/[\\/]/).slice(0, -1).join('/');
    if (!groups.has(area)) groups.set(area, []);
    groups.get(area).push(f);
  }
  return [...groups].map(([area, members]) => {
    const file = join(work, `${area.replace(/[\\/]/g, '-')}.test.mjs`);
    writeFileSync(file, members.map((m) => `await import(${JSON.stringify(pathToFileURL(resolve(m)).href)});`).join('\n') + '\n');
    return file;
  });
}
const runFiles = full ? files : byFolder(files);
const child = spawn(process.execPath, [
  '--enable-source-maps', '--test', '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...runFiles,
], {
  stdio: 'inherit',
  // The fast tier: each process spends much of its life loading and building
  // the schemas; a larger young generation saves it scavenges (paired runs here: 0.2–10 s of a
  // ~55 s npm test of a process per file, within the machine's noise but never against).
  env: full ? { ...process.env, HEADROOM_VALIDATION_SIZE: 'full' } : { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=32`.trim() },
});
child.on('exit', (code) => {
  const text = readFileSync(tap, 'utf8');
  const count = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)`, 'm')) ?? [])[1] ?? 0);
  const tests = count('tests'), pass = count('pass'), skipped = count('skipped');
  // A cancelled test (a timeout, or a file that crashed) is a failure too.
  const fail = count('fail') + count('cancelled');
  console.log(`\n${pass} passed, ${fail} failed, ${skipped} skipped`);
  if (tests === 0) { console.error('run-tests: zero tests ran'); process.exit(1); }
  process.exit(code === 0 && fail === 0 ? 0 : 1);
});
