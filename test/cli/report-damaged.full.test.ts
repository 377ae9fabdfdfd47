import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/**
 * `headroom report` on damaged output folders: every damage is exit 2 with one located line and
 * no stack trace (never exit 3); the intact folder renders (exit 0). Spawns the CLI: full tier.
 */
const CLI = 'dist/sim/cli/headroom.js';
const summary = readFileSync('test/fixtures/summary/queue.json', 'utf8');
const parsed = JSON.parse(summary) as Record<string, any>;
const study = Object.keys(parsed.studies)[0];
const design = Object.keys(parsed.studies[study].designs)[0];
const shaped = (f: (s: Record<string, any>) => void) => { const s = structuredClone(parsed); f(s); return JSON.stringify(s); };

const damages: [string, (dir: string) => void, RegExp][] = [
  ['missing folder', (d) => rmSync(d, { recursive: true }), /: not a folder/],
  ['missing summary.json', (d) => rmSync(join(d, 'summary.json')), /summary\.json:1:1: \(top level\): not found/],
  ['empty summary.json', (d) => writeFileSync(join(d, 'summary.json'), ''), /summary\.json:1:1: \(top level\): empty/],
  ['truncated summary.json', (d) => writeFileSync(join(d, 'summary.json'), summary.slice(0, summary.length / 2)), /summary\.json:\d+:\d+: \(top level\): not valid JSON, it ends too early/],
  ['truncated early', (d) => writeFileSync(join(d, 'summary.json'), summary.slice(0, 10)), /not valid JSON/],
  ['garbage', (d) => writeFileSync(join(d, 'summary.json'), '\u0000\u0001garbage{{{'), /not valid JSON/],
  ['binary', (d) => writeFileSync(join(d, 'summary.json'), Buffer.from([0xff, 0xfe, 0x00, 0x80])), /cannot be read: not UTF-8/],
  ['a list', (d) => writeFileSync(join(d, 'summary.json'), '[1, 2]'), /\(top level\): not a JSON object/],
  ['null', (d) => writeFileSync(join(d, 'summary.json'), 'null'), /\(top level\): not a JSON object/],
  ['no scenario name', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { delete s.scenario; })), /scenario: missing/],
  ['seed a string', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { s.seed = 'x'; })), /seed: missing or not a number/],
  ['no studies', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { s.studies = {}; })), /studies: missing or empty/],
  ['study a number', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { s.studies[study] = 3; })), /not an object/],
  ['designs a list', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { s.studies[study].designs = []; })), /designs: missing or empty/],
  ['metrics missing', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { delete s.studies[study].designs[design].metrics; })), /metrics: missing/],
  ['a metric a string', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { const m = s.studies[study].designs[design].metrics; m[Object.keys(m)[0]] = 'x'; })), /not an object/],
  ['a metric without unit', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { const m = s.studies[study].designs[design].metrics; delete m[Object.keys(m)[0]].unit; })), /unit: missing/],
  ['warnings not a list', (d) => writeFileSync(join(d, 'summary.json'), shaped((s) => { s.studies[study].designs[design].warnings = 5; })), /warnings: not a list/],
  ['missing scenario.yaml', (d) => rmSync(join(d, 'scenario.yaml')), /scenario\.yaml:1:1: \(top level\): not found/],
  ['garbage run.json', (d) => writeFileSync(join(d, 'run.json'), '{"version": '), /run\.json:\d+:\d+: \(top level\): not valid JSON/],
  ['run.json a number', (d) => writeFileSync(join(d, 'run.json'), '42'), /run\.json:1:1: \(top level\): not a JSON object/],
];

function folder(): string {
  const d = join(mkdtempSync(join(tmpdir(), 'headroom-damaged-')), 'out');
  mkdirSync(d);
  writeFileSync(join(d, 'summary.json'), summary);
  copyFileSync('test/fixtures/summary/queue.yaml', join(d, 'scenario.yaml'));
  writeFileSync(join(d, 'run.json'), JSON.stringify({ version: 'test', command: 'headroom run queue.yaml' }));
  return d;
}

for (const [name, damage, message] of damages) {
  test(`headroom report on a folder with ${name}: exit 2, one located line, no stack trace`, () => {
    const d = folder();
    damage(d);
    const r = spawnSync(process.execPath, [CLI, 'report', d], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr.trim(), /^\S+:\d+:\d+: \S.*\(expected .*\)$/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test('headroom report on the intact folder renders it (exit 0)', () => {
  const r = spawnSync(process.execPath, [CLI, 'report', folder()], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
