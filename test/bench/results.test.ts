import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdown, shapeResults, type Machine } from '../../bench/results.js';
import { PEER_NAMES } from '../../bench/peer.js';
import { main as compareMain } from '../../bench/compare.js';
import type { BenchFigure } from '../../bench/figure.js';

const machine: Machine = { cpu: 'Test CPU', cores: 2, node: 'v20.0.0', platform: 'linux x64', loadAverageStart: [3.5, 2, 1], loadAverageEnd: [1, 1, 1] };
const rate = (name: string, value: number, extra = 'x'): BenchFigure => ({ name, unit: 'events/s', value, biggerIsBetter: true, extra });

function figures(engineHold = 6e6): BenchFigure[] {
  return [
    rate(PEER_NAMES.heapHold, 8e6, 'the ceiling; 10,000 pending Exp(1) holds, 1,000,000 events, median of 5 interleaved rounds'),
    rate(PEER_NAMES.engineHold, engineHold, '10,000 pending Exp(1) holds, 1,000,000 events, handler objects, median of 5 interleaved rounds'),
    rate(PEER_NAMES.generatorHold, 4e6),
    rate(PEER_NAMES.heapMmc, 20e6),
    rate(PEER_NAMES.engineMmc, 10e6),
    rate(PEER_NAMES.simpyHold, 4e5),
    { ...rate(PEER_NAMES.simpyMmc, 0), extra: 'skipped: no SimPy here' },
    { name: 'evacuation 1000 hosts: replication (ms)', unit: 'ms', value: 50, biggerIsBetter: false },
    { name: 'bytes per pending event (B)', unit: 'B', value: 50, biggerIsBetter: false },
  ];
}

test('results: ratios to the same-run ceiling, github-action-benchmark arrays without skipped figures', () => {
  const r = shapeResults(figures(), machine, '2026-01-01T00:00:00.000Z', false);
  const ratio = (name: string) => r.figures.find((f) => f.name === name)!.ratioToCeiling;
  assert.equal(r.ceiling, 8e6);
  assert.equal(ratio(PEER_NAMES.heapHold), 1);
  assert.equal(ratio(PEER_NAMES.engineHold), 0.75);
  // 50 ms at 8 M events/s = 400,000 ceiling events.
  assert.equal(ratio('evacuation 1000 hosts: replication (ms)'), 400000);
  assert.equal(ratio('bytes per pending event (B)'), undefined);
  assert.equal(ratio(PEER_NAMES.simpyMmc), undefined);
  assert.equal(r.engineToCeiling, 0.75);
  assert.equal(r.engineToSimpy, 15);
  const names = (xs: { name: string }[]) => xs.map((x) => x.name);
  assert.ok(!names(r.github.customBiggerIsBetter).includes(PEER_NAMES.simpyMmc));
  assert.deepEqual(names(r.github.customSmallerIsBetter), ['evacuation 1000 hosts: replication (ms)', 'bytes per pending event (B)']);
  assert.throws(() => shapeResults(figures().slice(1), machine, '', false), /no ceiling figure/);
  assert.throws(() => shapeResults([...figures(), rate(PEER_NAMES.heapHold, 1)], machine, '', false), /appears twice/);
});

test('results.md: one side-by-side row per model with engine ÷ ceiling and engine ÷ SimPy, the machine named', () => {
  const md = markdown(shapeResults(figures(), machine, '2026-01-01T00:00:00.000Z', false)).split('\n');
  assert.ok(md.includes('| hold model, handler objects | 10,000 pending Exp(1) holds, 1,000,000 events, handler objects | 400.0 k | 6.00 M | 8.00 M | 0.750 | 15.0 |'), md.join('\n'));
  assert.ok(md.includes('| hold model, generator processes | x | 400.0 k | 4.00 M | 8.00 M | 0.500 | 10.0 |'));
  assert.ok(md.includes('| M/M/c (c = 4, λ = 3, μ = 1) | x | skipped | 10.00 M | 20.00 M | 0.500 | – |'));
  assert.ok(md.includes('| evacuation 1000 hosts: replication (ms) | 50.00 | 400.0 k |  |'));
  assert.ok(md.includes('| bytes per pending event (B) | 50.00 | B | – |  |'));
  assert.match(md[2], /^Machine: Test CPU, 2 cores, Node v20\.0\.0, linux x64\. Load average \(1 \/ 5 \/ 15 min\) 3\.50 \/ 2\.00 \/ 1\.00 at start, .*other processes were using the 2 cores/);
});

test('bench:compare reads results.json: same file passes, a slower engine beyond 15 % fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  const write = (name: string, engine: number) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(shapeResults(figures(engine), machine, '', false)));
    return p;
  };
  const base = write('base.json', 6e6), same = write('same.json', 6e6), slow = write('slow.json', 5e6);
  let out = '';
  assert.equal(compareMain([base, same], (s) => { out += s; }, () => {}), 0);
  assert.match(out, /\| engine hold model \(events\/s\) \| 0\.7500 \| 0\.7500 \| \+0\.0% \| ok \|/);
  assert.match(out, /\| SimPy M\/M\/c \(events\/s\) \| — \| — \| — \| skipped \|/);
  out = '';
  assert.equal(compareMain([base, slow], (s) => { out += s; }, () => {}), 1);
  assert.match(out, /\| engine hold model \(events\/s\) \| 0\.7500 \| 0\.6250 \| -16\.7% \| REGRESSION \|/);
});
