// The CLI end to end: a real `headroom run` prints each mean as report.html writes it (the
// formatting itself is tested in the fast tier, test/cli/format.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatValue } from '../../reports/format.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../sim/cli/headroom.js');

test('headroom run prints each mean as report.html would (a small M/M/1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-cli-format-'));
  try {
    const file = join(dir, 'mm1.yaml');
    writeFileSync(file, [
      'name: cli-format', 'seed: 3', 'horizon: 1d', 'replications: 3',
      'studies:', '  queue:', '    model: mmc', '    arrival_rate: 0.5/s', '    service: {exponential: {mean: 1s}}',
      '    jobs: 2000', '    warmup_jobs: 100', '',
    ].join('\n'));
    const out = join(dir, 'out');
    const stdout = execFileSync(process.execPath, [CLI, 'run', file, '--out', out, '--workers', '1', '--no-report'], { encoding: 'utf8' });
    const metrics = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).studies.queue.designs.baseline.metrics as Record<string, { unit: string; mean: number }>;
    for (const m of ['wait', 'response', 'utilisation', 'number_in_system']) {
      const line = stdout.split('\n').find((l) => l.trim().startsWith(`${m} `));
      assert.ok(line, `no line for ${m} in:\n${stdout}`);
      const shown = line.trim().slice(m.length).trim();
      assert.ok(shown.startsWith(formatValue(metrics[m].mean, metrics[m].unit)), `${m}: "${shown}" does not start with ${formatValue(metrics[m].mean, metrics[m].unit)}`);
    }
    assert.match(stdout, /utilisation\s+\d+(\.\d+)? %/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

