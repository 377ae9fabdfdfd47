import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, main, parseThreshold, readFigures } from '../../bench/compare.js';

// Compiled to dist/test/bench/; the fixtures stay in the source tree.
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const FIX = join(ROOT, 'test', 'bench', 'fixtures');
const CLI = join(ROOT, 'dist', 'bench', 'compare.js');

function run(args: string[]) {
  let stdout = '', stderr = '';
  const code = main(args, (s) => { stdout += s; }, (s) => { stderr += s; });
  return { code, stdout, stderr };
}

test('same ratios on a faster machine pass: raw values are not compared', () => {
  const r = run([join(FIX, 'base.json'), join(FIX, 'new-ok.json')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], '| figure | base ratio | new ratio | change | status |');
  // Hold ratio 0.70 → 0.65 is −7.1 %: inside 15 %.
  assert.ok(lines.includes('| engine hold model (events/s) | 0.7000 | 0.6500 | -7.1% | ok |'), r.stdout);
  assert.ok(lines.includes('| engine M/M/c (events/s) | 0.5000 | 0.6500 | +30.0% | improved |'), r.stdout);
  // Smaller is better: ms ratio up 10 % is a slow-down but within the threshold.
  assert.ok(lines.includes('| evacuation 1000 hosts (ms/replication) | 5.000e-6 | 5.500e-6 | +10.0% | ok |'), r.stdout);
  assert.ok(lines.includes('| SimPy peer (skipped) | — | — | — | skipped |'), r.stdout);
  assert.ok(lines.includes('| bytes per pending event (B) | — | — | — | new |'), r.stdout);
  assert.ok(lines.includes('| SimPy hold model (events/s) | 0.05000 | — | — | missing |'), r.stdout);
  assert.match(r.stdout, /No regression beyond 15%/);
});

test('a ratio falling beyond the threshold (or a smaller-is-better ratio rising) exits 1 and names it', () => {
  const r = run([join(FIX, 'base.json'), join(FIX, 'new-regressed.json')]);
  assert.equal(r.code, 1);
  assert.ok(r.stdout.includes('| engine hold model (events/s) | 0.7000 | 0.5500 | -21.4% | REGRESSION |'), r.stdout);
  assert.ok(r.stdout.includes('| evacuation 1000 hosts (ms/replication) | 5.000e-6 | 6.250e-6 | +25.0% | REGRESSION |'), r.stdout);
  assert.match(r.stdout, /2 regressions beyond 15% \(ratio to the same-run ceiling loop\): engine hold model \(events\/s\), evacuation 1000 hosts \(ms\/replication\)/);
  // A looser threshold lets both through.
  assert.equal(run([join(FIX, 'base.json'), join(FIX, 'new-regressed.json'), '--threshold', '30%']).code, 0);
  assert.equal(run([join(FIX, 'base.json'), join(FIX, 'new-regressed.json'), '--threshold=22']).code, 1);
});

test('the threshold is relative to the base ratio and strict at the boundary', () => {
  const fig = (name: string, ratio: number, biggerIsBetter = true) => ({ name, value: 1, biggerIsBetter, ratioToCeiling: ratio });
  const rows = compare([fig('a', 0.8), fig('b', 0.8), fig('c', 2, false)], [fig('a', 0.8 * 0.85), fig('b', 0.8 * 0.849), fig('c', 2 * 1.151, false)], 0.15);
  assert.deepEqual(rows.map((r) => r.status), ['ok', 'REGRESSION', 'REGRESSION']);
});

test('bad input exits 2 with a reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compare-'));
  const write = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const base = join(FIX, 'base.json');
  const cases: [string[], RegExp][] = [
    [[base], /expected two files, got 1/],
    [[base, join(dir, 'nope.json')], /nope\.json: cannot read \(ENOENT\)/],
    [[base, write('bad.json', '{"figures": [')], /bad\.json: not JSON/],
    [[base, write('empty.json', '{"figures": []}')], /empty\.json: no bench figures found/],
    [[base, write('entry.json', '[{"name": "x"}]')], /entry\.json: entry 0 is not \{name, value/],
    [[base, write('dir.json', '[{"name": "x", "value": 1}]')], /dir\.json: x: biggerIsBetter is undefined \(expected true or false\)/],
    [[base, write('dup.json', '[{"name": "x", "value": 1, "biggerIsBetter": true}, {"name": "x", "value": 2, "biggerIsBetter": true}]')], /figure "x" appears twice/],
    [[base, base, '--threshold', 'ten'], /--threshold "ten" \(expected a positive percentage like 15%\)/],
    [[base, base, '--threshold'], /--threshold needs a value/],
    [[base, base, '--fast'], /unknown option --fast/],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('github-action-benchmark shapes are read: customBiggerIsBetter / customSmallerIsBetter set the direction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compare-'));
  const p = join(dir, 'gab.json');
  writeFileSync(p, JSON.stringify({
    customBiggerIsBetter: [{ name: 'x (events/s)', unit: 'events/s', value: 5, ratioToCeiling: 0.5 }],
    customSmallerIsBetter: [{ name: 'y (ms)', unit: 'ms', value: 5, ratioToCeiling: 0.5 }],
  }));
  assert.deepEqual(readFigures(p).map((f) => [f.name, f.biggerIsBetter]), [['x (events/s)', true], ['y (ms)', false]]);
  assert.equal(parseThreshold('15%'), 0.15);
  assert.equal(parseThreshold('7.5'), 0.075);
});

test('the compiled CLI exits with the gate status and appends the table to $GITHUB_STEP_SUMMARY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compare-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const r = spawnSync(process.execPath, [CLI, join(FIX, 'base.json'), join(FIX, 'new-regressed.json')], {
    encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: summary },
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /REGRESSION/);
  assert.match(readFileSync(summary, 'utf8'), /### Bench: .*new-regressed\.json vs .*base\.json\n\n\| figure \|/);
  const bad = spawnSync(process.execPath, [CLI, 'a.json'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
});
