import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/**
 * Faults and interruptions of `headroom run`, through the CLI (spawned processes: full tier).
 * Each fault leaves nothing behind: no output folder, no `<out>.tmp-PID`, no lock.
 */
const CLI = join(process.cwd(), 'dist/sim/cli/headroom.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'headroom-fault-'));
// The bundled watchdog scenario without its expect: bounds (its answer, which a run of a few
// replications need not meet): these tests are about what a fault leaves behind, not the answer.
const SCENARIO = join(tmp(), 'watchdog.yaml');
writeFileSync(SCENARIO, readFileSync(join(process.cwd(), 'scenarios/watchdog.yaml'), 'utf8').replace(/^expect:\n(?:[ #].*\n?)*/m, ''));

function start(args: string[], cwd?: string): { child: ChildProcess; stderr: () => string; done: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, stderr: () => stderr, done };
}

async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const [name, signals, code] of [
  ['one SIGINT', ['SIGINT'], 130],
  ['two SIGINTs in quick succession', ['SIGINT', 'SIGINT'], 130],
  ['SIGTERM twice (as timeout sends it)', ['SIGTERM', 'SIGTERM'], 143],
  ['SIGINT then SIGTERM', ['SIGINT', 'SIGTERM'], 130],
] as const) {
  test(`${name} during a run: exit ${code}, no output folder, no temporary folder, no lock; workers stopped`, async () => {
    const d = tmp();
    const out = join(d, 'o');
    const run = start(['run', SCENARIO, '--replications', '100000', '--workers', '2', '--no-report', '--out', out]);
    await until(() => readdirSync(d).some((f) => f.startsWith('o.tmp-')));
    await new Promise((r) => setTimeout(r, 300));
    // Two signals sent back to back may reach the process in either order (worker threads take
    // signals too): a different second signal waits until the first was heard, as a person or
    // a supervisor's escalation does.
    for (const [i, s] of signals.entries()) {
      if (i > 0 && s !== signals[0]) await until(() => /stopping the workers/.test(run.stderr()));
      run.child.kill(s);
      await new Promise((r) => setTimeout(r, 5));
    }
    const r = await run.done;
    assert.equal(r.code, code, `signal ${r.signal}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^headroom: ${signals[0]}: stopping the workers…$`, 'm'), 'the first signal is acknowledged at once');
    assert.match(r.stderr, /interrupted; workers stopped, no output folder written/);
    assert.deepEqual(readdirSync(d), [], 'nothing left behind');
  });
}

test('SIGKILL leaves a temporary folder and a lock; the next run removes both and says so', async () => {
  const d = tmp();
  const out = join(d, 'o');
  const run = start(['run', SCENARIO, '--replications', '100000', '--workers', '1', '--no-report', '--out', out]);
  await until(() => readdirSync(d).some((f) => f.startsWith('o.tmp-')));
  run.child.kill('SIGKILL');
  await run.done;
  assert.deepEqual(readdirSync(d).sort(), ['o.lock', `o.tmp-${run.child.pid}`]);
  const next = spawnSync(process.execPath, [CLI, 'run', SCENARIO, '--replications', '4', '--no-report', '--out', out], { encoding: 'utf8' });
  assert.equal(next.status, 0, next.stderr);
  assert.match(next.stderr, new RegExp(`removed the stale lock .*o\\.lock left by process ${run.child.pid}, which no longer runs`));
  assert.match(next.stderr, new RegExp(`removed .*o\\.tmp-${run.child.pid}, left by an interrupted run`));
  assert.deepEqual(readdirSync(d), ['o']);
});

test('two runs into one --out at once: the second refuses (exit 2) and the first completes', async () => {
  const d = tmp();
  const out = join(d, 'o');
  const first = start(['run', SCENARIO, '--replications', '400', '--workers', '1', '--no-report', '--out', out]);
  await until(() => existsSync(`${out}.lock`));
  const second = spawnSync(process.execPath, [CLI, 'run', SCENARIO, '--replications', '4', '--no-report', '--out', out], { encoding: 'utf8' });
  assert.equal(second.status, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`another headroom run \\(pid ${first.child.pid}\\) is writing it`));
  const r = await first.done;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(out, 'summary.json')));
});

test('--out . in a project folder is refused and deletes nothing', () => {
  const d = tmp();
  writeFileSync(join(d, 'mine.yaml'), readFileSync(SCENARIO));
  writeFileSync(join(d, 'notes.txt'), 'keep me');
  const r = spawnSync(process.execPath, [CLI, 'run', 'mine.yaml', '--replications', '2', '--no-report', '--out', '.'], { cwd: d, encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--out \.: is the current folder/);
  assert.deepEqual(readdirSync(d).sort(), ['mine.yaml', 'notes.txt']);
  const file = spawnSync(process.execPath, [CLI, 'run', 'mine.yaml', '--replications', '2', '--no-report', '--out', 'notes.txt'], { cwd: d, encoding: 'utf8' });
  assert.equal(file.status, 2);
  assert.equal(readFileSync(join(d, 'notes.txt'), 'utf8'), 'keep me');
});

test('a 300-character scenario name runs: its default output folder name is cut to fit', () => {
  const d = tmp();
  const name = `n${'x'.repeat(299)}`;
  writeFileSync(join(d, 's.yaml'), readFileSync(SCENARIO, 'utf8').replace(/^name: .*$/m, `name: ${name}`));
  const r = spawnSync(process.execPath, [CLI, 'run', 's.yaml', '--replications', '2', '--no-report'], { cwd: d, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [folder] = readdirSync(join(d, 'out'));
  assert.equal(folder.length, 100);
  assert.ok(existsSync(join(d, 'out', folder, 'summary.json')));
});

test('--replications 1e9, a scenario over --max-memory and results beyond the heap are clean refusals (exit 2), not crashes', () => {
  const a = spawnSync(process.execPath, [CLI, 'run', SCENARIO, '--replications', '1000000000'], { encoding: 'utf8' });
  assert.equal(a.status, 2);
  assert.match(a.stderr, /--replications must be a whole number from 1 to 10000000/);
  // The watchdog scenario's model is about 0.3 MiB (4 hosts, ~205 instances, 200 guests).
  const b = spawnSync(process.execPath, [CLI, 'validate', SCENARIO, '--max-memory', '64KiB'], { encoding: 'utf8' });
  assert.equal(b.status, 2, b.stderr);
  assert.match(b.stderr, /too big for this machine: .* limit 0\.1 MiB \(expected/);
  const c = spawnSync(process.execPath, [CLI, 'run', SCENARIO, '--replications', '10000000', '--no-report', '--out', join(tmp(), 'o')], { encoding: 'utf8' });
  assert.equal(c.status, 2, c.stderr);
  assert.match(c.stderr, /^\S+watchdog\.yaml:1:1: \(top level\): too (many results|big)/);
  assert.doesNotMatch(c.stderr, /\n\s+at /);
});
