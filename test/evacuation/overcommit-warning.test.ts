import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overcommitWarning } from '../../sim/studies/evacuation.js';
import { findStudy } from '../../sim/studies/registry.js';

test('overcommit warning: none when no replication went above physical RAM; percentages with the digits a small share needs', () => {
  const stats = (mean: number, p95 = mean) => ({ n: 100, mean, p95, max: p95 });
  assert.deepEqual(overcommitWarning(stats(0), stats(0.97, 0.99)), []);
  assert.deepEqual(overcommitWarning(undefined, undefined), []);
  const [w] = overcommitWarning(stats(0.004), stats(0.98, 1.04));
  assert.match(w, /^memory overcommitted: in 0\.4 % of replications .*peak host memory commit 98 % of physical RAM on average, 104 % at p95.*OOM killer/);
});

test('the evacuation study turns its memory-commit metrics into the warning (summary.json appends it to the design\'s warnings)', () => {
  const study = findStudy('evacuation')!;
  const stats = (mean: number, p95 = mean) => ({ n: 10, mean, p95, max: p95 });
  const input = undefined as never;
  assert.deepEqual(study.resultWarnings!({ any_host_above_physical: stats(0), peak_host_memory_commit: stats(0.9) }, input), []);
  const [w] = study.resultWarnings!({ any_host_above_physical: stats(0.3), peak_host_memory_commit: stats(1.04, 1.2) }, input);
  assert.match(w, /in 30 % of replications .* 104 % of physical RAM on average, 120 % at p95/);
});
