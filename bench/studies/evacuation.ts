import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { evacuationDesign, evacuationPlan, evacuationYear, type EvacuationInput } from '../evacuation-input.js';
import type { BenchFigure, BenchSuite } from '../figure.js';
import { cpuMs, median, perCall } from '../timing.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** One size in a fresh process (bench/evacuation-worker.ts). */
function worker(file: string, reps: number, first: number, warm: number, design = 0, racks = 0): { fillMs: number; instances: number; repMs: number[]; evacuations: number } {
  const script = join(ROOT, 'dist', 'bench', 'evacuation-worker.js');
  return JSON.parse(execFileSync(process.execPath, [script, file, String(reps), String(first), String(warm), String(design), String(racks)], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

/** Median CPU ms per replication (bench/timing.ts perCall), single thread, after one warm-up replication (which builds the cached fill). */
function perReplication(inp: EvacuationInput, reps: number, warmUp = true, first = 1): { ms: number; wallMs: number; evacuations: number } {
  if (warmUp) evacuationYear(inp, 0);
  let evacuations = 0;
  const t = perCall(reps, (r) => { evacuations += evacuationYear(inp, r); }, first);
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
  const big = evacuationDesign('evacuation-1000-hosts.yaml').input;
  let built!: ReturnType<typeof buildCloud>;
  const fillMs = cpuMs(() => { built = buildCloud(big.cloud, big.seed); });
  figures.push({ name: 'evacuation 1000 hosts: initial fill (ms)', unit: 'ms', value: fillMs, biggerIsBetter: false,
    extra: `${built.state.instanceCount} instances placed through the scheduler (CPU ms); once per worker` });
  const b = perReplication(big, quick ? 2 : 40);
  figures.push({ name: 'evacuation 1000 hosts: replication (ms)', unit: 'ms', value: b.ms, biggerIsBetter: false,
    extra: `scenarios/evacuation-1000-hosts.yaml, first design, single thread, median of ${quick ? 2 : 40}, one year, ${b.evacuations.toFixed(0)} evacuations per replication on average; median wall ${b.wallMs.toFixed(1)} ms` });
  // Ten times the hosts: placement's max_placement_results keeps a placement's cost that of
  // 1,000 hosts (docs/scale.md), so both figures should grow at most tenfold. Each size runs in
  // a process of its own, as a worker meets one scenario (in one process, the 10,000-host code
  // paths run on a JIT trained by the 1,000-host ones: ~1.2× slower), the two sizes' processes
  // alternating so that the machine's load hits both; the fill is the cold one a worker pays.
  //
  // The cost per replication is a mean (a run of N replications costs N times it), over a fixed
  // set of replications, the same in every round, so that rounds differ only by the machine's
  // noise (their median is the figure). Not a median of replications: the work of a year is
  // skewed by its rack outages (0–6 on 25 racks, 15–35 on 250), so the median 1,000-host year
  // is a light one and the median 10,000-host year an average one, which overstated the ratio
  // (13.9× for medians, 12.5× for means of the same replications; bench/results.md).
  //
  // Both designs of the scenarios are measured: the study's replication runs every design, and the
  // failure hook's (han-hook) re-reserves every host at every failure, work of its own.
  //
  // A third size, 2,000 hosts (the 10,000-host scenario's first 50 racks), is past the limit like
  // 10,000: the two compare the cost per evacuation where both take placement's candidates in
  // each shape's order, which the 1,000-host cloud, at the limit, does not (docs/scale.md §5).
  const rounds = quick ? 1 : 5, bigSet = quick ? 4 : 200, hugeSet = quick ? 1 : 20, midSet = quick ? 2 : 40;
  // The designs as the scenarios name them (the 10,000-host copy has the same ones).
  const designs = evacuationPlan('evacuation-1000-hosts.yaml').designs.map((name, index) => ({ index, name }));
  const hugeReps = designs.map((): number[] => []), bigReps = designs.map((): number[] => []);
  const hugeFills: number[] = [], bigFills: number[] = [];
  const hugeEvacuations = designs.map(() => 0), bigEvacuations = designs.map(() => 0);
  const midReps = designs.map((): number[] => []), midEvacuations = designs.map(() => 0);
  let hugeInstances = 0;
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}×`;
  for (let round = 0; round < rounds; round++) {
    for (const d of designs) {
      // Warm-up: about the same simulated work before measuring (one 10,000-host replication ≈ ten 1,000-host ones).
      const b = worker('evacuation-1000-hosts.yaml', bigSet, 1, 10, d.index);
      bigReps[d.index].push(mean(b.repMs));
      if (d.index === 0) bigFills.push(b.fillMs);
      bigEvacuations[d.index] = b.evacuations;
      const h = worker('evacuation-10000-hosts.yaml', hugeSet, 1, 1, d.index);
      hugeReps[d.index].push(mean(h.repMs));
      if (d.index === 0) { hugeFills.push(h.fillMs); hugeInstances = h.instances; }
      hugeEvacuations[d.index] = h.evacuations;
      const m = worker('evacuation-10000-hosts.yaml', midSet, 1, 5, d.index, 50);
      midReps[d.index].push(mean(m.repMs));
      midEvacuations[d.index] = m.evacuations;
    }
  }
  const hugeFillMs = median(hugeFills);
  figures.push({ name: 'evacuation 10000 hosts: initial fill (ms)', unit: 'ms', value: hugeFillMs, biggerIsBetter: false,
    extra: `${hugeInstances} instances placed through the scheduler (CPU ms, a fresh process), max_placement_results 1000; median of ${rounds}; ${(hugeFillMs / median(bigFills)).toFixed(1)}× the 1,000-host fill in fresh processes of this run (${median(bigFills).toFixed(0)} ms); target ≤ 2 s` });
  for (const d of designs) {
    const hugeMs = median(hugeReps[d.index]), bigMs = median(bigReps[d.index]);
    // The first design's rows keep their names (bench:compare matches rows by name).
    const suffix = d.index === 0 ? '' : ` ${d.name}`;
    if (d.index !== 0) {
      figures.push({ name: `evacuation 1000 hosts${suffix}: replication (ms)`, unit: 'ms', value: bigMs, biggerIsBetter: false,
        extra: `scenarios/evacuation-1000-hosts.yaml, design ${d.name}, mean CPU ms of replications 1–${bigSet} in a fresh process, median of ${rounds}; ${bigEvacuations[d.index].toFixed(0)} evacuations per replication on average` });
    }
    figures.push({ name: `evacuation 10000 hosts${suffix}: replication (ms)`, unit: 'ms', value: hugeMs, biggerIsBetter: false,
      extra: `scenarios/evacuation-10000-hosts.yaml, design ${d.name}, mean CPU ms of replications 1–${hugeSet} in a fresh process, median of ${rounds} such processes alternating with the 1,000-host ones; ${hugeEvacuations[d.index].toFixed(0)} evacuations per replication on average, ${(1000 * hugeMs / hugeEvacuations[d.index]).toFixed(2)} µs per evacuation` });
    const midMs = median(midReps[d.index]);
    const perEvacuation = (ms: number, evacuations: number) => (1000 * ms) / evacuations;
    figures.push({ name: `evacuation 2000 hosts${suffix}: replication (ms)`, unit: 'ms', value: midMs, biggerIsBetter: false,
      extra: `the first 50 racks of scenarios/evacuation-10000-hosts.yaml, design ${d.name}, mean CPU ms of replications 1–${midSet} in a fresh process, median of ${rounds}; ${midEvacuations[d.index].toFixed(0)} evacuations per replication on average, ${perEvacuation(midMs, midEvacuations[d.index]).toFixed(2)} µs per evacuation, against ${perEvacuation(hugeMs, hugeEvacuations[d.index]).toFixed(2)} on 10,000 hosts and ${perEvacuation(bigMs, bigEvacuations[d.index]).toFixed(2)} on 1,000; 10,000 ÷ 2,000 hosts ${(hugeMs / midMs).toFixed(1)}× per replication for ${(hugeEvacuations[d.index] / midEvacuations[d.index]).toFixed(1)}× the evacuations` });
    figures.push({ name: `evacuation 10000 ÷ 1000 hosts${suffix}: replication cost (×)`, unit: '×', value: hugeMs / bigMs, biggerIsBetter: false,
      extra: `design ${d.name}: mean CPU ms per replication, 10,000 hosts (replications 1–${hugeSet}) ÷ 1,000 hosts (replications 1–${bigSet}), each in processes of its own, alternating in this run (${hugeMs.toFixed(0)} ms ÷ ${bigMs.toFixed(1)} ms; round by round ${spread(hugeReps[d.index].map((h, i) => h / bigReps[d.index][i]))}); the 10,000-host years evacuate ${(hugeEvacuations[d.index] / bigEvacuations[d.index]).toFixed(1)}× as many instances, ${((hugeMs / hugeEvacuations[d.index]) / (bigMs / bigEvacuations[d.index])).toFixed(2)}× the CPU per evacuation; target ≤ 12` });
  }
  // The study's replication: every design once (what a run of N replications costs, N times).
  const study = (reps: number[][]) => reps[0].map((_, i) => reps.reduce((a, r) => a + r[i], 0));
  const hugeStudy = study(hugeReps), bigStudy = study(bigReps);
  figures.push({ name: 'evacuation 10000 ÷ 1000 hosts, every design: replication cost (×)', unit: '×', value: median(hugeStudy) / median(bigStudy), biggerIsBetter: false,
    extra: `a replication of the study (${designs.map((d) => d.name).join(' + ')}), mean CPU ms, 10,000 hosts ÷ 1,000 hosts (${median(hugeStudy).toFixed(0)} ms ÷ ${median(bigStudy).toFixed(1)} ms; round by round ${spread(hugeStudy.map((h, i) => h / bigStudy[i]))}); target ≤ 12` });
  const small = evacuationDesign('evacuation.yaml').input;
  const s = perReplication(small, quick ? 10 : 400);
  figures.push({ name: 'evacuation bundled 36 hosts: replication (ms)', unit: 'ms', value: s.ms, biggerIsBetter: false,
    extra: `scenarios/evacuation.yaml, design no-reserve, single thread, median of ${quick ? 10 : 400}; median wall ${s.wallMs.toFixed(2)} ms` });
  return figures;
};
