import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

// The layout reads in pipeline order (docs/design.md): every import of sim/ and reports/ points
// down this list or stays in its own folder, and no file reaches itself through its imports.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const layers: [string, number][] = [
  ['sim/cli/', 0], ['reports/', 1], ['sim/montecarlo/', 2], ['sim/scenario/', 3], ['sim/studies/', 4],
  ['sim/openstack/', 5], ['sim/resources/', 6], ['sim/random/', 6],
  ['sim/engine/', 7], ['sim/units/', 7], ['sim/stats/', 7],
];
const layerOf = (f: string) => layers.find(([p]) => f.startsWith(p))?.[1] ?? -1;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const p = posix.join(dir, name);
    if (statSync(join(root, p)).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative imports of a file (static, type-only and dynamic), as repository paths of .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\(\s*|import\s+)['"](\.[^'"]+)\.js['"]/g)) {
    out.push(posix.normalize(posix.join(posix.dirname(file), m[1] + '.ts')));
  }
  return out;
}

const files = [...sources('sim'), ...sources('reports')];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test('layout: every file of sim/ and reports/ belongs to a layer of the pipeline', () => {
  assert.deepEqual(files.filter((f) => layerOf(f) < 0), []);
});

function upwardImports(g: Map<string, string[]>): string[] {
  const up: string[] = [];
  for (const [f, deps] of g) for (const d of deps) if (layerOf(d) < layerOf(f)) up.push(`${f} -> ${d}`);
  return up;
}

function cycles(g: Map<string, string[]>): string[] {
  const state = new Map<string, 1 | 2>();
  const found: string[] = [];
  const visit = (f: string, path: string[]) => {
    state.set(f, 1);
    for (const d of g.get(f) ?? []) {
      if (state.get(d) === 1) found.push([...path.slice(path.indexOf(d)), d].join(' -> '));
      else if (!state.has(d)) visit(d, [...path, d]);
    }
    state.set(f, 2);
  };
  for (const f of g.keys()) if (!state.has(f)) visit(f, [f]);
  return found;
}

test('layout: no import runs back up the pipeline', () => {
  assert.deepEqual(upwardImports(graph), []);
});

test('layout: no import cycle (type-only imports included)', () => {
  assert.deepEqual(cycles(graph), []);
});

test('layout: the checks see an upward import and a cycle in a made-up graph', () => {
  assert.ok(graph.get('sim/cli/main.ts')!.length > 0, 'the import reader finds imports');
  const g = new Map([
    ['sim/engine/simulation.ts', ['sim/studies/study.ts']],
    ['sim/studies/study.ts', ['sim/studies/a.ts']],
    ['sim/studies/a.ts', ['sim/studies/study.ts']],
  ]);
  assert.deepEqual(upwardImports(g), ['sim/engine/simulation.ts -> sim/studies/study.ts']);
  assert.deepEqual(cycles(g), ['sim/studies/study.ts -> sim/studies/a.ts -> sim/studies/study.ts']);
});

// reports/ reads only summary.json: from sim/ it may take the summary's types and pure helpers
// (units, statistics), and the study contract's types — never a study, the scenario loader or a model.
const REPORTS_MAY_IMPORT: { prefix: string; typeOnly: boolean }[] = [
  { prefix: 'sim/units/', typeOnly: false },
  { prefix: 'sim/stats/', typeOnly: false },
  { prefix: 'sim/montecarlo/summary.ts', typeOnly: true },
  { prefix: 'sim/studies/study.ts', typeOnly: true },
];

/** Every import of sim/ by a file of reports/ that the list above does not allow. */
function reportsReachingIntoSim(files: Map<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, text] of files) {
    if (!file.startsWith('reports/')) continue;
    for (const m of text.matchAll(/(?:^|\n)\s*(import\s+type\b|import\b|export\b)[^'"]*?(?:from\s+)?['"](\.[^'"]+)\.js['"]|import\(\s*['"](\.[^'"]+)\.js['"]/g)) {
      const spec = m[2] ?? m[3];
      const target = posix.normalize(posix.join(posix.dirname(file), spec + '.ts'));
      if (!target.startsWith('sim/')) continue;
      const typeOnly = m[1] !== undefined && /^import\s+type\b/.test(m[1]);
      const rule = REPORTS_MAY_IMPORT.find((r) => target.startsWith(r.prefix));
      if (!rule || (rule.typeOnly && !typeOnly)) bad.push(`${file} -> ${target}${typeOnly ? ' (type)' : ''}`);
    }
  }
  return bad;
}

test('layout: reports/ imports from sim/ only the summary types, the contract types and pure helpers', () => {
  const texts = new Map(sources('reports').map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  assert.deepEqual(reportsReachingIntoSim(texts), []);
});

test('layout: the reports check catches a report importing a study, the loader, or a value from the summary module', () => {
  const made = new Map([
    ['reports/a.ts', "import { queueStudy } from '../sim/studies/queue.js';\n"],
    ['reports/b.ts', "import { loadScenarioText } from '../sim/scenario/load.js';\n"],
    ['reports/c.ts', "import { buildSummary } from '../sim/montecarlo/summary.js';\n"],
    ['reports/charts/d.ts', "const m = await import('../../sim/studies/registry.js');\n"],
    ['reports/e.ts', "import type { Summary } from '../sim/montecarlo/summary.js';\nimport { formatNumber } from './format.js';\nimport { summarize } from '../sim/stats/summary.js';\n"],
  ]);
  assert.deepEqual(reportsReachingIntoSim(made), [
    'reports/a.ts -> sim/studies/queue.ts',
    'reports/b.ts -> sim/scenario/load.ts',
    'reports/c.ts -> sim/montecarlo/summary.ts',
    'reports/charts/d.ts -> sim/studies/registry.ts',
  ]);
});
