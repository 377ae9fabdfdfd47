import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBundle } from '../../sim/scenario/import/import.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/export-openstack.sh');
const FIX = join(ROOT, 'test/fixtures/import');
const BUNDLE = join(FIX, 'v2024');

function files(dir: string, base = ''): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(dir, join(base, e.name)) : [join(base, e.name)])).sort();
}

function exportWith(env: Record<string, string>, out: string, log: string) {
  return spawnSync('bash', [SCRIPT, out], {
    encoding: 'utf8',
    env: { PATH: `${join(FIX, 'stand-in')}:${process.env.PATH}`, STAND_IN_BUNDLE: BUNDLE, STAND_IN_LOG: log, ...env },
  });
}

test('export-openstack.sh: against a stand-in openstack it writes the bundle, per provider by UUID, with read-only commands only; import reads it', () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-export-'));
  try {
    const out = join(d, 'bundle'), log = join(d, 'calls.log');
    const r = exportWith({ OS_CLOUD: 'test' }, out, log);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(files(out).filter((f) => f.endsWith('.json')), files(BUNDLE));
    for (const f of files(BUNDLE)) assert.deepEqual(JSON.parse(readFileSync(join(out, f), 'utf8')), JSON.parse(readFileSync(join(BUNDLE, f), 'utf8')), f);
    assert.match(readFileSync(join(out, 'client.txt'), 'utf8'), /openstack 10\.2\.1/);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    for (const c of calls) assert.match(c, /^(--version|.* (list|show)( \S+)?( --[a-z-]+)* -f (json|value)( -c \S+)?|.*(list|show) .*)$/, c);
    for (const c of calls) assert.doesNotMatch(c, /\b(create|set|unset|delete|add|remove|migrate|evacuate)\b/, c);
    assert.ok(calls.includes('server list --all-projects --long -f json'));
    assert.ok(calls.includes('resource provider inventory list 1b0e3d4a-0c1f-4b5e-9a21-000000000003 -f json'));
    assert.equal(importBundle([out]).yaml.split("\n").slice(3).join('\n'), importBundle([BUNDLE]).yaml.split("\n").slice(3).join('\n'));
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('export-openstack.sh: refuses without credentials or over an existing folder (exit 2), leaves nothing on failure', () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-export-'));
  try {
    const log = join(d, 'calls.log');
    const none = exportWith({}, join(d, 'a'), log);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no credentials/);
    mkdirSync(join(d, 'b'));
    assert.equal(exportWith({ OS_CLOUD: 'x' }, join(d, 'b'), log).status, 2);
    // A command failing half-way (the stand-in has no such bundle): no bundle, no partial folder.
    const bad = spawnSync('bash', [SCRIPT, join(d, 'c')], { encoding: 'utf8', env: { PATH: `${join(FIX, 'stand-in')}:${process.env.PATH}`, STAND_IN_BUNDLE: join(d, 'missing'), OS_CLOUD: 'x' } });
    assert.notEqual(bad.status, 0);
    assert.ok(!existsSync(join(d, 'c')) && !existsSync(join(d, 'c.partial')));
  } finally { rmSync(d, { recursive: true, force: true }); }
});
