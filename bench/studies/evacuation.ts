import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Streams } from '../../sim/random/streams.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { evacuationStudy } from '../../sim/studies/evacuation.js';
import type { StudyInput } from '../../sim/studies/study.js';
import type { BenchFigure, BenchSuite } from '../figure.js';
import { cpuMs, perCall } from '../timing.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function firstDesign(file: string): StudyInput<any> {
  const loaded = loadScenarioFile(join(ROOT, 'scenarios', file));
  const plan = loaded.studies.find((s) => s.name === 'evacuation')!;
  return plan.variants[0].input;
}

/** Median CPU ms per replication (bench/timing.ts perCall), single thread, after one warm-up replication (which builds the cached fill). */
function perReplication(inp: StudyInput<any>, reps: number, warmUp = true, first = 1): { ms: number; wallMs: number; evacuations: number } {
  if (warmUp) evacuationStudy.replicate(inp, { replication: 0, streams: new Streams(inp.seed, 0) });
  let evacuations = 0;
  const t = perCall(reps, (r) => { evacuations += evacuationStudy.replicate(inp, { replication: r, streams: new Streams(inp.seed, r) }).metrics.instances_evacuated; }, first);
  return { ms: t.cpuMedianMs, wallMs: t.wallMedianMs, evacuations: evacuations / reps };
}

/**
 * The evacuation study's cost: one replication of the 1,000-host scenario (target ≲ 17 ms CPU:
 * 1,000 replications of one design took 10.1 s on 2 workers at 17 ms, the budget is 10 s), its
 * one-time initial fill (40,000 placements through the scheduler, cached per worker), and one
 * replication of the bundled 36-host scenario. Quick mode: a few replications of each.
 */
export const suite: BenchSuite = async ({ quick }) => {
  const figures: BenchFigure[] = [];
  const big = firstDesign('evacuation-1000-hosts.yaml');
  let built!: ReturnType<typeof buildCloud>;
  const fillMs = cpuMs(() => { built = buildCloud(big.cloud, big.seed); });
  figures.push({ name: 'evacuation 1000 hosts: initial fill (ms)', unit: 'ms', value: fillMs, biggerIsBetter: false,
    extra: `${built.state.instanceCount} instances placed through the scheduler (CPU ms); once per worker` });
  const b = perReplication(big, quick ? 2 : 40);
  figures.push({ name: 'evacuation 1000 hosts: replication (ms)', unit: 'ms', value: b.ms, biggerIsBetter: false,
    extra: `scenarios/evacuation-1000-hosts.yaml, first design, single thread, median of ${quick ? 2 : 40}, one year, ${b.evacuations.toFixed(0)} evacuations per replication on average; median wall ${b.wallMs.toFixed(1)} ms` });
  // Ten times the hosts: placement's max_placement_results keeps a placement's cost that of
  // 1,000 hosts (docs/scale.md), so both figures should grow at most tenfold. Ratios of the
  // same run; the two sizes' replications interleaved so that the machine's load hits both.
  const huge = firstDesign('evacuation-10000-hosts.yaml');
  let hugeBuilt!: ReturnType<typeof buildCloud>;
  const hugeFillMs = cpuMs(() => { hugeBuilt = buildCloud(huge.cloud, huge.seed); });
  figures.push({ name: 'evacuation 10000 hosts: initial fill (ms)', unit: 'ms', value: hugeFillMs, biggerIsBetter: false,
    extra: `${hugeBuilt.state.instanceCount} instances placed through the scheduler (CPU ms), max_placement_results 1000; ${(hugeFillMs / fillMs).toFixed(1)}× the 1,000-host fill of this run` });
  const rounds = quick ? 1 : 5, hugeReps: number[] = [], bigReps: number[] = [];
  let hugeEvacuations = 0;
  for (let round = 0; round < rounds; round++) {
    const h = perReplication(huge, 1, round === 0, 1 + round);
    hugeReps.push(h.ms);
    hugeEvacuations += h.evacuations;
    bigReps.push(perReplication(big, quick ? 2 : 8, false, 1 + round * 8).ms);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  figures.push({ name: 'evacuation 10000 hosts: replication (ms)', unit: 'ms', value: med(hugeReps), biggerIsBetter: false,
    extra: `scenarios/evacuation-10000-hosts.yaml, first design, single thread, median of ${rounds} replications interleaved with the 1,000-host ones, ${(hugeEvacuations / rounds).toFixed(0)} evacuations per replication on average` });
  figures.push({ name: 'evacuation 10000 ÷ 1000 hosts: replication cost (×)', unit: '×', value: med(hugeReps) / med(bigReps), biggerIsBetter: false,
    extra: `median CPU ms per replication, 10,000 hosts ÷ 1,000 hosts, interleaved in this run (${med(hugeReps).toFixed(0)} ms ÷ ${med(bigReps).toFixed(1)} ms); target ≤ 12` });
  const small = firstDesign('evacuation.yaml');
  const s = perReplication(small, quick ? 10 : 400);
  figures.push({ name: 'evacuation bundled 36 hosts: replication (ms)', unit: 'ms', value: s.ms, biggerIsBetter: false,
    extra: `scenarios/evacuation.yaml, design no-reserve, single thread, median of ${quick ? 10 : 400}; median wall ${s.wallMs.toFixed(2)} ms` });
  return figures;
};
