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
function perReplication(inp: StudyInput<any>, reps: number): { ms: number; wallMs: number; evacuations: number } {
  evacuationStudy.replicate(inp, { replication: 0, streams: new Streams(inp.seed, 0) });
  let evacuations = 0;
  const t = perCall(reps, (r) => { evacuations += evacuationStudy.replicate(inp, { replication: r, streams: new Streams(inp.seed, r) }).metrics.instances_evacuated; });
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
  const small = firstDesign('evacuation.yaml');
  const s = perReplication(small, quick ? 10 : 400);
  figures.push({ name: 'evacuation bundled 36 hosts: replication (ms)', unit: 'ms', value: s.ms, biggerIsBetter: false,
    extra: `scenarios/evacuation.yaml, design no-reserve, single thread, median of ${quick ? 10 : 400}; median wall ${s.wallMs.toFixed(2)} ms` });
  return figures;
};
