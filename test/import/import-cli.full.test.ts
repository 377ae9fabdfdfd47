import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The command line around importBundle (import.test.ts tests the import itself): files written
// or not, exit codes, the mapping beside the scenario. Spawns the CLI, so it is in the full tier.
const FIX = fileURLToPath(new URL('../../../test/fixtures/import/', import.meta.url));
const CLI = fileURLToPath(new URL('../../sim/cli/headroom.js', import.meta.url));
const RACKS = join(FIX, 'racks.csv');
const V2024 = join(FIX, 'v2024');

test('import CLI: writes a scenario that validates; headroom check on it exits 1 with the hand-worked worst case', () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-import-'));
  try {
    const out = join(d, 'cloud.yaml');
    const r = spawnSync(process.execPath, [CLI, 'import', V2024, '--racks', RACKS, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /4 hosts in 2 racks, 14 of 17 servers/);
    const c = spawnSync(process.execPath, [CLI, 'check', out], { encoding: 'utf8' });
    assert.equal(c.status, 1);
    assert.match(c.stdout, /N\+1: 3 of 3 failures strand instances; worst cmp-3.example.org: 4 stranded/);
    assert.match(c.stdout, /rack: 2 of 2 failures strand instances; worst rack r2: 4 stranded/);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('import CLI: --strict refuses the bundle\'s skipped servers: exit 2, no stack trace, nothing written', () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-import-'));
  try {
    const out = join(d, 'x.yaml');
    const p = spawnSync(process.execPath, [CLI, 'import', V2024, '--strict', '--out', out], { encoding: 'utf8' });
    assert.equal(p.status, 2);
    assert.match(p.stderr, /refused, nothing written/);
    assert.doesNotMatch(p.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.deepEqual(readdirSync(d), []);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('import CLI --anonymize: the scenario has only hashes, the mapping is written beside it', () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-import-'));
  try {
    const out = join(d, 'anon.yaml');
    execFileSync(process.execPath, [CLI, 'import', V2024, '--racks', RACKS, '--anonymize', '--out', out], { stdio: 'pipe' });
    const yaml = readFileSync(out, 'utf8');
    assert.ok(!yaml.includes('example.org'));
    const mapping = JSON.parse(readFileSync(join(d, 'anon.names.json'), 'utf8'));
    for (const hash of Object.keys(mapping.host)) assert.ok(yaml.includes(hash));
    assert.deepEqual(readdirSync(d).sort(), ['anon.names.json', 'anon.yaml']);
    assert.equal(spawnSync(process.execPath, [CLI, 'import', V2024, '--anonymize'], { encoding: 'utf8' }).status, 2, '--anonymize needs --out');
  } finally { rmSync(d, { recursive: true, force: true }); }
});
