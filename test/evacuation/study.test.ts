import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { Streams } from '../../sim/random/streams.js';
import { DOWNTIME_PROBS, evacuationStudy, metrics, overcommitWarning } from '../../sim/studies/evacuation.js';
import { checkNPlusK } from '../../sim/studies/evacuation-check.js';
import { findStudy } from '../../sim/studies/registry.js';
import type { StudyInput } from '../../sim/studies/study.js';
import { cloud, config, input, scripted, smallRack } from './fixtures.js';
import { replicateFlat } from '../flat.js';

const names = Object.keys(metrics);
const col = (m: string) => names.indexOf(m);

function designs(): Map<string, StudyInput<any>> {
  const loaded = loadScenarioFile('scenarios/evacuation.yaml');
  const plan = loaded.studies.find((s) => s.name === 'evacuation')!;
  return new Map(plan.variants.filter((v) => !v.sweep).map((v) => [v.design, v.input]));
}

test('registered; the bundled scenario has the five designs in order (then the racing hook, with retries, and the overhead-aware hook)', () => {
  // The registry joins the study with its sizing hooks (evacuation-sizing.ts): same study otherwise.
  const registered = findStudy('evacuation')!;
  assert.equal(registered.replicate, evacuationStudy.replicate);
  assert.equal(registered.metrics, evacuationStudy.metrics);
  assert.deepEqual(Object.keys(registered.sizing!.checks), ['N+1', 'N+2', 'rack']);
  assert.deepEqual([...designs().keys()], ['no-reserve', 'static-reserve', 'han-hook', 'spare-hosts', 'overcommit', 'han-hook-race', 'han-hook-race-retry', 'han-hook-overhead-aware']);
});

test('replicate returns the metrics then the downtime CDF, deterministically', () => {
  const inp = designs().get('no-reserve')!;
  const a = replicateFlat(evacuationStudy, inp, { replication: 3, streams: new Streams(inp.seed, 3) });
  const b = replicateFlat(evacuationStudy, inp, { replication: 3, streams: new Streams(inp.seed, 3) });
  assert.equal(a.length, names.length + DOWNTIME_PROBS.length + inp.config.hosts_down_k.length);
  assert.deepEqual(Array.from(a), Array.from(b));
  const cdf = Array.from(a.subarray(names.length, names.length + DOWNTIME_PROBS.length));
  for (let k = 1; k < cdf.length; k++) assert.ok(cdf[k] >= cdf[k - 1]);
});

test('common random numbers: every design sees the same host and rack failures in replication r', () => {
  const ds = designs();
  for (let r = 0; r < 20; r++) {
    const rows = [...ds.values()].map((inp) => replicateFlat(evacuationStudy, inp, { replication: r, streams: new Streams(inp.seed, r) }));
    for (const m of ['host_failures', 'rack_failures', 'max_hosts_down']) {
      assert.equal(new Set(rows.map((row) => row[col(m)])).size, 1, `${m} differs across designs in replication ${r}`);
    }
  }
});

test('done-when: on the bundled cloud han-hook strands fewer instances than no-reserve (paired CI excludes 0); static-reserve alone does not help', () => {
  const ds = designs();
  const R = 200;
  const run = (d: string) => Array.from({ length: R }, (_, r) => replicateFlat(evacuationStudy, ds.get(d)!, { replication: r, streams: new Streams(ds.get(d)!.seed, r) }));
  const base = run('no-reserve'), han = run('han-hook'), stat = run('static-reserve');
  const paired = (x: Float64Array[], m: string) => {
    const d = x.map((row, r) => row[col(m)] - base[r][col(m)]);
    const mean = d.reduce((a, b) => a + b, 0) / R;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1));
    return { mean, half: 1.972 * sd / Math.sqrt(R) };
  };
  const h = paired(han, 'stranded_instances');
  assert.ok(h.mean + h.half < 0, `han-hook − no-reserve = ${h.mean} ± ${h.half}`);
  const p = paired(han, 'any_stranded');
  assert.ok(p.mean + p.half < 0, `P(stranded) difference ${p.mean} ± ${p.half}`);
  // The static reservation costs capacity (fewer instances) and still strands at every failure:
  // its P(stranded) is not below no-reserve's.
  const s = paired(stat, 'any_stranded');
  assert.ok(s.mean + s.half >= 0, `static-reserve P(stranded) difference ${s.mean} ± ${s.half}`);
  assert.ok(stat[0][col('held_back_fraction')] > 0.12 && base[0][col('held_back_fraction')] < 0.01);
});

test('check: single, pair and rack failures report how many they strand (hand-worked layouts)', () => {
  const layout = [
    { flavor: 'l', host: 'r1-1' }, { flavor: 'm', host: 'r1-1' },
    { flavor: 'm', host: 'r1-2' }, { flavor: 'l', host: 'r1-3' }, { flavor: 'm', count: 2, host: 'r1-4' },
  ];
  const spread = checkNPlusK(input(cloud(smallRack(4, { nova: { cpu_weight_multiplier: 0 }, instances: layout })), config(scripted)), 1, { racks: false });
  assert.equal(spread.failed, true);
  assert.deepEqual(spread.stranded.find((x) => x.failure === 'r1-1'), { failure: 'r1-1', instances: 1 });
  const stack = checkNPlusK(input(cloud(smallRack(4, { nova: { ram_weight_multiplier: -1, cpu_weight_multiplier: 0 }, instances: layout })), config(scripted)), 1, { racks: false });
  assert.equal(stack.stranded.some((x) => x.failure === 'r1-1'), false);
  // Every host full at its 4 GiB reservation: without the hook each single failure strands 6;
  // with it (wait), 3 — as in the hand-worked han-hook log.
  const full = (hook: boolean) => cloud(smallRack(4, {
    nova: { reserved_host_memory_mb: 4096, cpu_weight_multiplier: 0 },
    on_failure: hook ? { release_reservation_to: '512MiB', after: '5m' } : undefined,
    instances: ['r1-1', 'r1-2', 'r1-3', 'r1-4'].map((host) => ({ flavor: 's', count: 6, host })),
  }));
  const without = checkNPlusK(input(full(false), config(scripted)), 2, { racks: true });
  assert.equal(without.stranded.filter((x) => !x.failure.includes('+') && !x.failure.startsWith('rack')).every((x) => x.instances === 6), true);
  assert.equal(without.stranded.filter((x) => x.failure.includes('+')).length, 6);
  assert.deepEqual(without.stranded.find((x) => x.failure === 'rack r1'), { failure: 'rack r1', instances: 24 });
  const withHook = checkNPlusK(input(full(true), config(scripted)), 1, { racks: false });
  assert.deepEqual(withHook.stranded.map((x) => x.instances), [3, 3, 3, 3]);
  assert.match(withHook.lines.at(-1)!, /^FAIL/);
});

test('common random numbers: host-evacuate runs at the same times in designs that strand differently', () => {
  const ds = designs();
  const times = (d: string, r: number) => {
    const lines: string[] = [];
    const inp = ds.get(d)!;
    replicateFlat(evacuationStudy, inp, {
      replication: r, streams: new Streams(inp.seed, r),
      tracer: { event: () => {}, note: (_t, what) => { if (/ (host-evacuate|service) /.test(what)) lines.push(what); } },
    });
    return lines;
  };
  let compared = 0;
  for (let r = 0; r < 30; r++) {
    const a = times('no-reserve', r), b = times('static-reserve', r);
    assert.deepEqual(a, b, `replication ${r}`);
    compared += a.length;
  }
  assert.ok(compared > 50, `only ${compared} events compared`);
});

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
