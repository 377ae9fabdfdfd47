// Loads the hand-written summary fixtures (test/fixtures/summary) from the compiled test's place.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Summary } from '../../reports/summary.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/summary');

export function loadFixture(name: string): { summary: Summary; text: string; file: string; scenario: Record<string, any> } {
  const summary = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Summary;
  const file = join(FIXTURES, `${name}.yaml`);
  const text = readFileSync(file, 'utf8');
  return { summary, text, file, scenario: parse(text) };
}
