import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { ScenarioError, formatProblem } from '../../sim/scenario/problems.js';
import { registerProbe } from './probe-study.js';

registerProbe();

function problems(text: string): string[] {
  try {
    loadScenarioText(text, 'x.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

test('a scenario without designs has one design named baseline, with defaults applied', () => {
  const s = loadScenarioText('name: a\nstudies:\n  probe: {size: 3}\n', 'x.yaml');
  assert.equal(s.seed, 1);
  assert.equal(s.horizon, 365 * 86400);
  assert.equal(s.replications, 1000);
  assert.deepEqual(s.studies[0].designs, ['baseline']);
  const cfg = s.studies[0].variants[0].input.config as { size: number; rate: number; delay: number };
  assert.deepEqual(cfg, { size: 3, rate: 1 / 3600, delay: 1 });
});

test('top-level designs are deep-merged patches, in file order', () => {
  const s = loadScenarioText([
    'name: a', 'studies:', '  probe: {size: 3, delay: 2s}',
    'designs:', '  small: {}', '  big: {studies: {probe: {size: 50}}}',
  ].join('\n'), 'x.yaml');
  const v = s.studies[0].variants;
  assert.deepEqual(v.map((x) => [x.design, (x.input.config as { size: number }).size, (x.input.config as { delay: number }).delay]), [['small', 3, 2], ['big', 50, 2]]);
});

test('study-level designs patch the study section and replace the top-level designs for that study', () => {
  const s = loadScenarioText([
    'name: a', 'designs: {x: {}}', 'studies:',
    '  probe:', '    size: 3', '    designs:', '      one: {size: 1}', '      two: {size: 2}',
  ].join('\n'), 'x.yaml');
  assert.deepEqual(s.studies[0].designs, ['one', 'two']);
  assert.deepEqual(s.studies[0].variants.map((v) => (v.input.config as { size: number }).size), [1, 2]);
});

test('sweeps add one variant per (value, design) with the parameter set', () => {
  const s = loadScenarioText([
    'name: a', 'replications: 10', 'studies:',
    '  probe:', '    size: 3', '    designs: {one: {}, two: {delay: 5s}}',
    '    sweeps: [{parameter: studies.probe.size, values: [10, 20], designs: [two], replications: 4}]',
  ].join('\n'), 'x.yaml');
  const sweepVariants = s.studies[0].variants.filter((v) => v.sweep);
  assert.deepEqual(sweepVariants.map((v) => [v.design, v.sweep!.value, (v.input.config as { size: number }).size, v.replications]), [['two', 10, 10, 4], ['two', 20, 20, 4]]);
});

test('a problem inside a design patch points at the patch line, not the base', () => {
  const p = problems(['name: a', 'studies:', '  probe: {size: 3}', 'designs:', '  ok: {}', '  bad:', '    studies: {probe: {size: -1}}'].join('\n'));
  assert.equal(p.length, 1);
  assert.match(p[0], /^x\.yaml:7:/);
  assert.match(p[0], /studies\.probe\.size: too small: -1 \(expected >= 0\)/);
});

test("a study's own check is reported at the design that caused it", () => {
  const p = problems(['name: a', 'studies:', '  probe: {size: 3}', 'designs:', '  huge: {studies: {probe: {size: 101}}}'].join('\n'));
  assert.deepEqual(p, ['x.yaml:5:34: designs.huge.studies.probe.size: size 101 is too big (expected <= 100)']);
});

test('a sweep value that fails validation points at the value', () => {
  const p = problems(['name: a', 'studies:', '  probe:', '    size: 3', '    sweeps: [{parameter: studies.probe.size, values: [1, 500]}]'].join('\n'));
  assert.equal(p.length, 1);
  assert.match(p[0], /^x\.yaml:5:58: studies\.probe\.sweeps\[0\]\.values\[1\]: size 500 is too big/);
});

test('unknown keys suggest the nearest known key', () => {
  const p = problems(['name: a', 'replicatons: 5', 'studies: {probe: {}}'].join('\n'));
  assert.equal(p.length, 1);
  assert.match(p[0], /^x\.yaml:2:1: replicatons: unknown key "replicatons", did you mean "replications"\?/);
});

test('expect keys are checked against studies, designs, metrics and statistics', () => {
  const p = problems(['name: a', 'studies: {probe: {}}', 'expect:', '  probe.drawz.mean: {max: 1}', '  probe.draw.p42: {max: 1}', '  probe.draw.mean: {}'].join('\n'));
  assert.equal(p.length, 3);
  assert.match(p[0], /x\.yaml:4:3: expect\.probe\.drawz\.mean: unknown metric "drawz" \(expected one of: draw, size\)/);
  assert.match(p[1], /unknown statistic "p42"/);
  assert.match(p[2], /has neither min nor max/);
  const ok = loadScenarioText(['name: a', 'studies: {probe: {}}', 'expect:', '  probe.baseline.draw.mean: {max: 1}'].join('\n'), 'x.yaml');
  assert.deepEqual(ok.expect, [{ key: 'probe.baseline.draw.mean', study: 'probe', design: 'baseline', metric: 'draw', stat: 'mean', min: undefined, max: 1 }]);
});

test('overrides replace the scenario seed and replications', () => {
  const s = loadScenarioText('name: a\nseed: 5\nreplications: 7\nstudies: {probe: {}}\n', 'x.yaml', { seed: 9, replications: 3 });
  assert.equal(s.seed, 9);
  assert.equal(s.replications, 3);
  assert.equal(s.studies[0].variants[0].replications, 3);
});

test('a study section may set its own horizon, overriding the scenario horizon', () => {
  const s = loadScenarioText('name: a\nhorizon: 365d\nstudies: {probe: {size: 1, horizon: 7d}}\n', 'x.yaml');
  assert.equal(s.studies[0].variants[0].input.horizon, 7 * 86400);
  assert.deepEqual(s.studies[0].variants[0].input.config, { size: 1, rate: 1 / 3600, delay: 1 });
});

test('a study section may set its own replications; --replications overrides every study', () => {
  const text = 'name: a\nreplications: 100\nstudies: {probe: {size: 1, replications: 7}}\n';
  assert.equal(loadScenarioText(text, 'x.yaml').studies[0].variants[0].replications, 7);
  assert.equal(loadScenarioText(text, 'x.yaml', { replications: 3 }).studies[0].variants[0].replications, 3);
});

test('title: the report\'s heading, trimmed; a scenario without one has none (the report shows its name)', () => {
  const s = loadScenarioText('name: a\ntitle: "  Capacity review: region Paris, Q1 2027 "\nstudies:\n  probe: {size: 3}\n', 'x.yaml');
  assert.equal(s.title, 'Capacity review: region Paris, Q1 2027');
  assert.equal(loadScenarioText('name: a\nstudies:\n  probe: {size: 3}\n', 'x.yaml').title, undefined);
  assert.match(problems('name: a\ntitle: ""\nstudies:\n  probe: {size: 3}\n').join('\n'), /^x\.yaml:2:8: title: empty \(expected at least 1 character\(s\)\)$/);
});
