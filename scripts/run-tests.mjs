// Runs the compiled test files with node's test runner. node --test given no files (or a
// folder) runs zero tests and exits 0, so the file list is expanded here and a run that
// executed no test is a failure.
//
// Two tiers: `npm test` runs every *.test.js except *.full.test.js (unit, property, hand-worked
// logs, small validation runs: about a minute on a 2-core machine); `npm run test:full` (--full)
// runs the *.full.test.js files (CLI and report end-to-end, scenario checks, the 10,000-case fuzz)
// and the validation-against-theory files again at full size (HEADROOM_VALIDATION_SIZE=full: the
// fast tier runs them at a quarter of the jobs with tolerances twice as wide).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

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
const tap = join(mkdtempSync(join(tmpdir(), 'headroom-tests-')), 'results.tap');
const child = spawn(process.execPath, [
  '--enable-source-maps', '--test', '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
], {
  stdio: 'inherit',
  // The fast tier: each test file is a process that spends much of its life loading and building
  // the schemas; a larger young generation saves it scavenges (paired runs here: 0.2–10 s of a
  // ~55 s npm test, which is within the machine's noise but never against).
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
