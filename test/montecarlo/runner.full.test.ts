import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const CLI = 'dist/sim/cli/headroom.js';
const SCENARIO = 'scenarios/watchdog.yaml';
const tmp = () => mkdtempSync(join(tmpdir(), 'headroom-run-'));

function run(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

test('summary.json is byte-identical for --workers 1 and --workers 2', () => {
  const d = tmp();
  const a = run(['run', SCENARIO, '--replications', '37', '--workers', '1', '--out', join(d, 'a'), '--no-report']);
  const b = run(['run', SCENARIO, '--replications', '37', '--workers', '2', '--out', join(d, 'b'), '--no-report']);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const sa = readFileSync(join(d, 'a', 'summary.json'));
  assert.ok(sa.equals(readFileSync(join(d, 'b', 'summary.json'))));
  assert.ok(readFileSync(join(d, 'a', 'replications.csv')).equals(readFileSync(join(d, 'b', 'replications.csv'))));
  const summary = JSON.parse(sa.toString());
  assert.equal(summary.replications, 37);
  const runInfo = JSON.parse(readFileSync(join(d, 'b', 'run.json'), 'utf8'));
  assert.equal(runInfo.workers, 2);
  assert.ok(runInfo.events > 0);
});

test('a different seed gives different numbers', () => {
  const d = tmp();
  run(['run', SCENARIO, '--replications', '10', '--out', join(d, 'a'), '--no-report']);
  run(['run', SCENARIO, '--replications', '10', '--seed', '999', '--out', join(d, 'b'), '--no-report']);
  assert.ok(!readFileSync(join(d, 'a', 'replications.csv')).equals(readFileSync(join(d, 'b', 'replications.csv'))));
});

test('--replication K reruns exactly row K of the Monte Carlo run, and --trace writes the event log', () => {
  const d = tmp();
  const full = run(['run', SCENARIO, '--replications', '6', '--out', join(d, 'o'), '--no-report']);
  assert.equal(full.status, 0, full.stderr);
  const csv = readFileSync(join(d, 'o', 'replications.csv'), 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  const row = csv.slice(1).map((l) => l.split(',')).find((c) => c[4] === '4' && c[3] === '')!;
  const design = row[1];
  const trace = join(d, 'trace.jsonl');
  const one = run(['run', SCENARIO, '--replication', '4', '--trace', trace]);
  assert.equal(one.status, 0, one.stderr);
  const block = one.stdout.split(/\n(?=\S)/).find((b) => b.startsWith(`${row[0]}/${design} replication 4:`))!;
  const metric = header[5];
  const printed = new RegExp(`${metric}\\s+(\\S+)`).exec(block)![1];
  assert.equal(Number(printed).toPrecision(4), Number(row[5]).toPrecision(4));
  const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length > 10);
  let t = -Infinity;
  for (const l of lines) {
    if (l.note === 'replication') { t = -Infinity; continue; }
    if (l.handler === undefined) continue;
    assert.ok(l.t >= t, 'trace time never goes backwards within a replication');
    t = l.t;
  }
});

test('a failing expect bound exits 1 and names the bound, the value and its CI', () => {
  const d = tmp();
  const text = readFileSync(SCENARIO, 'utf8').replace(/^expect:[\s\S]*?(?=^\S|$(?![\s\S]))/m, '') + '\nexpect:\n  watchdog.availability.mean: {min: 0.999999}\n';
  const file = join(d, 'w.yaml');
  writeFileSync(file, text);
  const r = run(['run', file, '--replications', '8', '--out', join(d, 'o'), '--no-report']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /expect failed: watchdog\.availability\.mean \[design \S+\] = 99\.\d+ % \(95 % CI of the mean 99\.\d+ % to (99\.\d+|100) %\), expected ≥ 99\.9999\d* %/);
  assert.ok(existsSync(join(d, 'o', 'summary.json')), 'the output is still written');
});

test('the CI gate: a bundled scenario passes its own expect bounds, and the same run exits 1 once a bound (a unit string) is moved past its answer', () => {
  const d = tmp();
  const base = readFileSync('scenarios/evacuation-local.yaml', 'utf8');
  const ok = join(d, 'ok.yaml'), bad = join(d, 'bad.yaml');
  writeFileSync(ok, base);
  writeFileSync(bad, base.replace('evacuation.local.downtime_p95.mean: {max: 10m}', 'evacuation.local.downtime_p95.mean: {max: 1m}'));
  const a = run(['run', ok, '--replications', '20', '--out', join(d, 'a'), '--no-report']);
  assert.equal(a.status, 0, a.stderr);
  const b = run(['run', bad, '--replications', '20', '--out', join(d, 'b'), '--no-report']);
  assert.equal(b.status, 1, b.stderr);
  assert.match(b.stderr, /expect failed: evacuation\.local\.downtime_p95\.mean \[design local\] = [\d.]+ (s|min) .*expected ≤ (60 s|1 min)/);
  // No negative bound on a duration, no float noise: every number of the line in one display unit.
  assert.doesNotMatch(b.stderr, /expect failed:.*(−|-)\d|\d{7,}/);
});

test('Ctrl-C stops the workers and leaves no output folder', async () => {
  const d = tmp();
  const out = join(d, 'o');
  const child = spawn(process.execPath, [CLI, 'run', SCENARIO, '--replications', '200000', '--workers', '2', '--out', out, '--no-report'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => { stderr += b; });
  // Wait until the run has made its temporary folder (its interrupt handler is installed by then).
  for (let i = 0; i < 300 && !readdirSync(d).some((f) => f.startsWith('o.tmp-')); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(readdirSync(d).some((f) => f.startsWith('o.tmp-')), 'the run started');
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(guard);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(d), [], 'no temporary folder left behind');
});

test('headroom check reports stranding failures per design and exits 1 when one strands instances', () => {
  const r = run(['check', 'scenarios/evacuation.yaml']);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  assert.match(r.stdout, /^design no-reserve: (FAILS|passes)$/m);
  assert.equal(r.status, /FAILS/.test(r.stdout) ? 1 : 0);
  const bad = run(['check', 'scenarios/watchdog.yaml']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /studies\.evacuation: missing/);
  assert.equal(run(['check', 'scenarios/evacuation.yaml', '--level', '3']).status, 2);
});

test('headroom report re-renders an output folder; a folder without summary.json is bad input', () => {
  const d = tmp();
  const out = join(d, 'o');
  assert.equal(run(['run', SCENARIO, '--replications', '5', '--out', out]).status, 0);
  const r = run(['report', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /report: .*report\.html/);
  assert.equal(run(['report', join(d, 'nothing')]).status, 2);
});
