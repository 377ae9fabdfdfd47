import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { ScenarioError, formatProblem } from '../../sim/scenario/problems.js';

/**
 * Every file in test/fixtures/bad/ is a broken scenario that ends with `# expect: LINE:COL: path:
 * message` lines: exactly the problems headroom must report, in order.
 */
const dir = 'test/fixtures/bad';
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

test('there are at least 15 broken scenarios', () => {
  assert.ok(files.length >= 15, `only ${files.length}`);
});

for (const f of files) {
  test(`bad scenario ${f} reports exactly its expected problems`, () => {
    const path = join(dir, f);
    const expected = readFileSync(path, 'utf8').split('\n').filter((l) => l.startsWith('# expect: ')).map((l) => `${path}:${l.slice('# expect: '.length)}`);
    assert.ok(expected.length > 0, 'fixture has no # expect: line');
    let got: string[] = [];
    try {
      // A fixed memory limit: the estimate's message names it, whatever this machine has.
      loadScenarioFile(path, { maxMemory: 8 * 2 ** 30 });
    } catch (e) {
      assert.ok(e instanceof ScenarioError, `threw ${String(e)}`);
      got = e.problems.map(formatProblem);
    }
    assert.deepEqual(got, expected);
  });
}

test('the CLI exits 2 on bad input, one line per problem, no stack trace, no output folder', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'headroom-bad-')), 'out');
  // One fixture through the CLI (each fixture's lines are checked in process above; the CLI prints them alike).
  for (const f of ['unknown-key.yaml']) {
    const r = spawnSync(process.execPath, ['dist/sim/cli/headroom.js', 'run', join(dir, f), '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    for (const l of lines) assert.match(l, /^test\/fixtures\/bad\/[\w-]+\.yaml:\d+:\d+: \S.*\(expected .*\)$/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(out), false, 'no output folder');
  }
  const usage = spawnSync(process.execPath, ['dist/sim/cli/headroom.js', 'run', 'x.yaml', '--workers', 'two'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--workers must be a whole number/);
  const missing = spawnSync(process.execPath, ['dist/sim/cli/headroom.js', 'validate', 'no/such/file.yaml'], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^no\/such\/file\.yaml:1:1: \(top level\): cannot read the file: ENOENT/);
});
