import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Full-size validation (docs/validation.md): every scenario of scenarios/validation/ runs at its own
// replication count and job count through the real CLI, and its `expect:` bounds — the closed-form
// values with the tolerances of docs/validation.md — must hold (headroom exits 1 when one fails).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'dist/sim/cli/headroom.js');
const dir = join(root, 'scenarios/validation');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  test(`full-size validation: ${file} meets every expect bound at its full size`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    assert.match(text, /^expect:/m, `${file} states its closed forms as expect bounds`);
    const out = join(mkdtempSync(join(tmpdir(), 'headroom-validation-')), 'out');
    try {
      const run = spawnSync(process.execPath, [cli, 'run', join(dir, file), '--workers', '2', '--out', out, '--no-report'], { encoding: 'utf8' });
      assert.equal(run.status, 0, `${file}: exit ${run.status}\n${run.stdout}\n${run.stderr}`);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { expect: { key: string; value: number; ok: boolean }[] };
      const bounds = (text.match(/^expect:\n((?:  .*\n?)*)/m)?.[1] ?? '').split('\n').filter((l) => l.trim()).length;
      assert.equal(summary.expect.length, bounds, `${file}: summary.json records every expect bound`);
      const failed = summary.expect.filter((b) => !b.ok).map((b) => `${b.key} = ${b.value}`);
      assert.deepEqual(failed, [], `${file}: bounds that fail`);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
}
