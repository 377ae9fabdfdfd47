import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { runScenario } from '../../sim/montecarlo/run.js';
import { shardBlock } from '../../sim/montecarlo/shard.js';

const CLI = 'dist/sim/cli/headroom.js';
const FILE = 'test/fixtures/distributed/tiny.yaml';

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs `jobs` two at a time (the machine has two cores). */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => { while (next < jobs.length) { const i = next++; out[i] = await jobs[i](); } };
  await Promise.all([lane(), lane()]);
  return out;
}

test('headroom run --shard K/N then headroom merge: summary.json and replications.csv byte-identical to headroom run, N = 1, 2, 3, 7', async () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-shard-cli-'));
  const one = await cli(['run', FILE, '--workers', '2', '--out', join(d, 'single'), '--no-report']);
  assert.equal(one.status, 0, one.stderr);
  const summary = readFileSync(join(d, 'single', 'summary.json'));
  const csv = readFileSync(join(d, 'single', 'replications.csv'));
  for (const count of [1, 2, 3, 7]) {
    const dirs = Array.from({ length: count }, (_, i) => join(d, `n${count}`, `shard-${i + 1}`));
    const runs = await twoAtATime(dirs.map((dir, i) => () => cli(['run', FILE, '--shard', `${i + 1}/${count}`, '--workers', '1', '--out', dir, '--no-report'])));
    runs.forEach((r, i) => {
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`shard ${i + 1}/${count} \\(replications evacuation \\d+\\.\\.\\d+, queue \\d+\\.\\.\\d+\\)`));
      assert.ok(!existsSync(join(dirs[i], 'summary.json')), 'a shard writes a partial result, not a summary');
    });
    const out = join(d, `merged-${count}`);
    const m = await cli(['merge', ...dirs, '--out', out, '--no-report']);
    assert.equal(m.status, 0, m.stderr);
    assert.ok(readFileSync(join(out, 'summary.json')).equals(summary), `summary.json, N = ${count}`);
    assert.ok(readFileSync(join(out, 'replications.csv')).equals(csv), `replications.csv, N = ${count}`);
    assert.equal(readFileSync(join(out, 'scenario.yaml'), 'utf8'), readFileSync(FILE, 'utf8'));
    const runInfo = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    assert.equal(runInfo.command, `headroom run ${FILE}`, 'the merged run.json names the single run it equals');
    assert.equal(runInfo.workers, count);
  }
});

test('the merged folder renders reports, at merge time and with headroom report', async () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-shard-report-'));
  const dirs = [1, 2].map((k) => join(d, `s${k}`));
  for (const [k, dir] of dirs.entries()) {
    const r = await cli(['run', FILE, '--replications', '6', '--shard', `${k + 1}/2`, '--workers', '1', '--out', dir]);
    assert.equal(r.status, 0, r.stderr);
  }
  const out = join(d, 'merged');
  const m = await cli(['merge', ...dirs, '--out', out]);
  assert.equal(m.status, 0, m.stderr);
  for (const f of ['report.html', 'deck.pptx', 'summary.json', 'run.json']) assert.ok(existsSync(join(out, f)), f);
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /distributed-tiny/);
  const again = await cli(['report', out]);
  assert.equal(again.status, 0, again.stderr);
});

test('bad shards and bad --shard exit 2 with one located line each, and write nothing', async () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-shard-bad-'));
  const dirs = [1, 2, 3].map((k) => join(d, `s${k}`));
  for (const k of [1, 3]) {
    const r = await cli(['run', FILE, '--replications', '4', '--shard', `${k}/3`, '--workers', '1', '--out', dirs[k - 1]]);
    assert.equal(r.status, 0, r.stderr);
  }
  const out = join(d, 'merged');
  const m = await cli(['merge', dirs[0], dirs[2], dirs[2], '--out', out]);
  assert.equal(m.status, 2);
  assert.doesNotMatch(m.stderr, /\n\s+at /, 'no stack trace');
  const lines = m.stderr.trim().split('\n');
  assert.equal(lines.length, 2, m.stderr);
  assert.match(lines[0], /s3\/shard\.json:1:1: shard\.index: shard 3\/3 given twice/);
  assert.match(lines[1], /:1:1: shard: shard 2 of 3 missing/);
  assert.ok(!existsSync(out), 'nothing written');
  for (const bad of ['0/3', '4/3', 'x']) {
    const r = await cli(['run', FILE, '--shard', bad, '--out', join(d, 'never')]);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /^headroom: --shard /);
  }
  assert.ok(!existsSync(join(d, 'never')));
});

test('a shard run on the worker pool computes only its block', async () => {
  const loaded = loadScenarioFile(FILE);
  const full = await runScenario(loaded, { workers: 2 });
  const spec = { index: 2, count: 3 };
  const part = await runScenario(loaded, { workers: 2, block: (r) => shardBlock(spec, r) });
  assert.ok(part.events > 0 && part.events < full.events);
  part.studies.forEach((s, i) => {
    const [from, to] = shardBlock(spec, s.replications);
    const stride = s.layout.stride;
    assert.deepEqual(s.values.subarray(from * stride, to * stride), full.studies[i].values.subarray(from * stride, to * stride));
    assert.ok(s.values.subarray(0, from * stride).every((x) => x === 0), 'rows before the block are never computed');
    assert.ok(s.values.subarray(to * stride).every((x) => x === 0), 'rows after the block are never computed');
  });
});
