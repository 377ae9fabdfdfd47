// The output folders the end-to-end checks look at: those named in HEADROOM_E2E_DIRS (scripts/e2e.sh
// puts a fresh `headroom run` there), else reports rendered here from the summary fixtures.
import { existsSync, mkdtempSync, copyFileSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFromFolder } from '../../reports/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/summary');

let cached: Promise<string[]> | undefined;

export function outputDirs(): Promise<string[]> {
  cached ??= (async () => {
    const named = (process.env.HEADROOM_E2E_DIRS ?? '').split(/\s+/).filter(Boolean);
    if (named.length) {
      for (const d of named) if (!existsSync(join(d, 'report.html'))) throw new Error(`${d}/report.html: not found (HEADROOM_E2E_DIRS names folders with a rendered report)`);
      return named;
    }
    const dirs: string[] = [];
    for (const name of ['reference-cloud', 'queue']) {
      const dir = mkdtempSync(join(tmpdir(), `headroom-e2e-${name}-`));
      copyFileSync(join(FIXTURES, `${name}.json`), join(dir, 'summary.json'));
      copyFileSync(join(FIXTURES, `${name}.yaml`), join(dir, 'scenario.yaml'));
      writeFileSync(join(dir, 'run.json'), JSON.stringify({ command: `headroom run ${name}.yaml`, version: 'e2e', date: new Date().toISOString() }));
      await reportFromFolder(dir);
      dirs.push(dir);
    }
    return dirs;
  })();
  return cached;
}

export function studyCount(dir: string): number {
  return Object.keys(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).studies).length;
}
