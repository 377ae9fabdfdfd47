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
