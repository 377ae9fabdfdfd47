import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchema } from '../../sim/scenario/schema.js';

test('scenarios/schema.json is what the code generates (run `npm run schema` after changing a schema)', () => {
  const onDisk = readFileSync('scenarios/schema.json', 'utf8');
  assert.equal(onDisk, JSON.stringify(jsonSchema(), null, 2) + '\n');
});

test('every bundled scenario starts with the yaml-language-server $schema line and validates, within the memory limits of a run on 2 workers and 8 GiB', async () => {
  const { loadScenarioFile } = await import('../../sim/scenario/load.js');
  const { estimate, overLimits } = await import('../../sim/montecarlo/limits.js');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(d, f.name));
      else if (f.name.endsWith('.yaml')) files.push(join(d, f.name));
    }
  };
  walk('scenarios');
  assert.ok(files.length > 0);
  for (const f of files) {
    const first = readFileSync(f, 'utf8').split('\n')[0];
    const rel = f.split('/').length > 2 ? '../schema.json' : './schema.json';
    assert.equal(first, `# yaml-language-server: $schema=${rel}`, f);
    let loaded: ReturnType<typeof loadScenarioFile> | undefined;
    assert.doesNotThrow(() => { loaded = loadScenarioFile(f); }, f);
    // What `headroom run` checks before it starts (the 100,000-host scenario was once refused
    // there, its instances estimated at 1 KiB each: 4.3 GiB against a 4 GiB worker heap).
    assert.deepEqual(overLimits(estimate(loaded!, 2), 8 * 2 ** 30, 2), [], f);
  }
});
