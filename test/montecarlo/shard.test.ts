import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { loadScenarioFile, type LoadedScenario, type Overrides } from '../../sim/scenario/load.js';
import { ScenarioError, formatProblem } from '../../sim/scenario/problems.js';
import { maxReplications, type RunResult } from '../../sim/montecarlo/run.js';
import { layoutOf } from '../../sim/montecarlo/layout.js';
import { replicateRange } from '../../sim/montecarlo/replicate.js';
import { buildSummary } from '../../sim/montecarlo/summary.js';
import { mergeShardFolders } from '../../sim/montecarlo/merge.js';
import { float64Bytes, float64FromBytes, parseShard, scenarioHash, shardBlock, shardFiles, type ShardSpec } from '../../sim/montecarlo/shard.js';

const FILE = 'test/fixtures/distributed/tiny.yaml';
const VERSION = '9.9.9-test';
const overrides: Overrides = {};
const loaded = loadScenarioFile(FILE, overrides);

/** The rows a run (or a shard's block of it) computes, in-process: the worker threads' own code. */
function inProcess(l: LoadedScenario, block?: (replications: number) => [number, number]): RunResult {
  let events = 0;
  const studies = l.studies.map((plan) => {
    const layout = layoutOf(plan);
    const replications = maxReplications(plan);
    const values = new Float64Array(replications * layout.stride);
    const [from, to] = block?.(replications) ?? [0, replications];
    const rows = new Float64Array((to - from) * layout.stride);
    events += replicateRange(plan, layout, l.seed, from, to, rows);
    values.set(rows, from * layout.stride);
    return { plan, layout, values, replications };
  });
  return { studies, events, wallMs: 1, workers: 1 };
}
let single: RunResult | undefined;
const singleRun = async () => (single ??= inProcess(loaded));

function writeShard(root: string, run: RunResult, spec: ShardSpec, o: Overrides = overrides, version = VERSION): string {
  const dir = join(root, `shard-${spec.index}-of-${spec.count}`);
  mkdirSync(dir, { recursive: true });
  const l = o === overrides ? loaded : loadScenarioFile(FILE, o);
  for (const [name, data] of shardFiles(l, o, run, spec, { version, file: FILE })) writeFileSync(join(dir, name), data);
  return dir;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map(formatProblem);
    throw e;
  }
  assert.fail('expected the merge to be refused');
}

test('shard blocks partition the replications: contiguous, in order, sizes within one', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 64 }), (replications, count) => {
    let next = 0;
    const sizes: number[] = [];
    for (let index = 1; index <= count; index++) {
      const [from, to] = shardBlock({ index, count }, replications);
      assert.equal(from, next);
      assert.ok(to >= from);
      sizes.push(to - from);
      next = to;
    }
    assert.equal(next, replications);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  }));
});

test('--shard K/N is parsed 1-based; anything else is a sentence saying what is expected', () => {
  assert.deepEqual(parseShard('2/7'), { index: 2, count: 7 });
  assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0', '-1/3', '1.5/3', '']) assert.equal(typeof parseShard(bad), 'string', bad);
});

test('float64 rows survive the shard file exactly, NaN and infinities included', () => {
  const v = new Float64Array([0, -0, 1 / 3, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE]);
  const back = float64FromBytes(float64Bytes(v));
  assert.equal(back.length, v.length);
  for (let i = 0; i < v.length; i++) assert.ok(Object.is(back[i], v[i]), `index ${i}`);
});

test('merging N = 1, 2, 3, 7 shards gives the summary of the single run, byte for byte', async () => {
  const full = await singleRun();
  const expected = JSON.stringify(buildSummary(loaded, full, VERSION), null, 2);
  // The sweep point runs 9 replications of the study's 23 and the queue study 17: shards of 7 cut
  // through the NaN padding of the sweep rows and leave no block empty only by luck of sizes.
  for (const count of [1, 2, 3, 7]) {
    const root = mkdtempSync(join(tmpdir(), `headroom-shards-${count}-`));
    const dirs: string[] = [];
    for (let index = 1; index <= count; index++) dirs.push(writeShard(root, full, { index, count }));
    // Given in any order.
    const merged = mergeShardFolders(dirs.reverse(), VERSION);
    assert.equal(merged.shards, count);
    assert.equal(merged.file, FILE);
    assert.equal(JSON.stringify(buildSummary(merged.loaded, merged.run, VERSION), null, 2), expected, `N = ${count}`);
    merged.run.studies.forEach((s, i) => assert.deepEqual(s.values, full.studies[i].values));
  }
});

test('more shards than replications: empty blocks merge too', async () => {
  const o = { replications: 3 };
  const l = loadScenarioFile(FILE, o);
  const full = inProcess(l);
  const root = mkdtempSync(join(tmpdir(), 'headroom-shards-empty-'));
  const dirs = [1, 2, 3, 4, 5].map((index) => writeShard(root, full, { index, count: 5 }, o));
  const merged = mergeShardFolders(dirs, VERSION);
  assert.deepEqual(merged.overrides, o);
  assert.equal(JSON.stringify(buildSummary(merged.loaded, merged.run, VERSION)), JSON.stringify(buildSummary(l, full, VERSION)));
});

test('merge refuses a missing, a duplicated, a foreign or an altered shard, naming each (nothing merged)', async () => {
  const full = await singleRun();
  const root = mkdtempSync(join(tmpdir(), 'headroom-shards-bad-'));
  const dirs = [1, 2, 3].map((index) => writeShard(root, full, { index, count: 3 }));

  const missing = problemsOf(() => mergeShardFolders([dirs[0], dirs[2]], VERSION));
  assert.equal(missing.length, 1);
  assert.match(missing[0], /shard: shard 2 of 3 missing \(expected one folder for each of shards 1\.\.3\)$/);

  const twice = problemsOf(() => mergeShardFolders([dirs[0], dirs[1], dirs[1], dirs[2]], VERSION));
  assert.match(twice.join('\n'), /shard-2-of-3\/shard\.json:1:1: shard\.index: shard 2\/3 given twice, also in .*shard-2-of-3 \(expected each shard once\)/);

  const copy = join(root, 'copy');
  cpSync(dirs[1], copy, { recursive: true });
  const copied = problemsOf(() => mergeShardFolders([dirs[0], dirs[1], copy, dirs[2]], VERSION));
  assert.match(copied.join('\n'), /given twice/);

  const otherN = writeShard(join(root, 'n4'), full, { index: 3, count: 4 });
  assert.match(problemsOf(() => mergeShardFolders([dirs[0], dirs[1], otherN], VERSION)).join('\n'), /shard\.count: 4 differs from .* 3 \(expected every shard cut with the same N\)/);

  const seedRun = { seed: 99 };
  const seeded = inProcess(loadScenarioFile(FILE, seedRun), (r) => shardBlock({ index: 3, count: 3 }, r));
  const otherSeed = writeShard(join(root, 'seed'), seeded, { index: 3, count: 3 }, seedRun);
  const seedProblems = problemsOf(() => mergeShardFolders([dirs[0], dirs[1], otherSeed], VERSION)).join('\n');
  assert.match(seedProblems, /scenarioHash: .* differs from/);
  assert.match(seedProblems, /seed: 99 differs from .*'s 1515/);

  const otherVersion = writeShard(join(root, 'v'), full, { index: 3, count: 3 }, overrides, '0.0.1');
  assert.match(problemsOf(() => mergeShardFolders([dirs[0], dirs[1], otherVersion], VERSION)).join('\n'), /version: 0\.0\.1 \(expected 9\.9\.9-test/);

  const edited = join(root, 'edited');
  cpSync(dirs[2], edited, { recursive: true });
  writeFileSync(join(edited, 'scenario.yaml'), readFileSync(join(edited, 'scenario.yaml'), 'utf8').replace('seed: 1515', 'seed: 1516'));
  assert.match(problemsOf(() => mergeShardFolders([dirs[0], dirs[1], edited], VERSION)).join('\n'), /edited\/scenario\.yaml:1:1: \(top level\): does not hash to shard\.json's scenarioHash/);

  const flipped = join(root, 'flipped');
  cpSync(dirs[2], flipped, { recursive: true });
  const f64 = join(flipped, 'queue.f64');
  const bytes = readFileSync(f64);
  bytes[3] ^= 1;
  writeFileSync(f64, bytes);
  assert.match(problemsOf(() => mergeShardFolders([dirs[0], dirs[1], flipped], VERSION)).join('\n'), /flipped\/queue\.f64:1:1: \(top level\): \d+ bytes that do not match shard\.json's sha256/);

  const notShard = mkdtempSync(join(tmpdir(), 'headroom-not-shard-'));
  assert.match(problemsOf(() => mergeShardFolders([notShard], VERSION))[0], /shard\.json:1:1: \(top level\): not found \(expected a folder written by headroom run FILE --shard K\/N --out DIR\)/);
  writeFileSync(join(notShard, 'shard.json'), '{"format": "headroom-shard/0"}');
  assert.match(problemsOf(() => mergeShardFolders([notShard], VERSION)).join('\n'), /shard\.json:1:1: format: /);
});

test('the scenario hash covers the text, the effective seed and the replications override', () => {
  const base = scenarioHash({ text: 'a', seed: 1 }, {});
  assert.notEqual(scenarioHash({ text: 'b', seed: 1 }, {}), base);
  assert.notEqual(scenarioHash({ text: 'a', seed: 2 }, {}), base);
  assert.notEqual(scenarioHash({ text: 'a', seed: 1 }, { replications: 5 }), base);
  assert.equal(scenarioHash({ text: 'a', seed: 1 }, { seed: 1 }), base, 'the effective seed counts, not where it came from');
});
