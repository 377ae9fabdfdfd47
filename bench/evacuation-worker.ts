import { buildCloud } from '../sim/openstack/nova/cloud-build.js';
import { evacuationDesign, evacuationYear } from './evacuation-input.js';
import { cpuMs, perCall } from './timing.js';

/**
 * One size of the evacuation study in a process of its own, as a Monte Carlo worker meets it:
 * the initial fill on a cold JIT, `warm` warm-up replications (numbered from 100,000), then
 * `reps` replications from `first`, of the scenario's design number DESIGN (0: the first), on the
 * scenario's first RACKS racks when given (a smaller copy of the same cloud). Prints one JSON
 * line: fill CPU ms, instances placed, CPU ms per replication, evacuations on average.
 * Usage: node dist/bench/evacuation-worker.js SCENARIO.yaml REPS FIRST WARM [DESIGN] [RACKS] (bench/studies/evacuation.ts).
 */
const [file, reps, first, warm, design, racks] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5] ?? 1), Number(process.argv[6] ?? 0), Number(process.argv[7] ?? 0)];
const { input } = evacuationDesign(file, design, racks);
let instances = 0;
const fillMs = cpuMs(() => { instances = buildCloud(input.cloud, input.seed).state.instanceCount; });
for (let r = 0; r < warm; r++) evacuationYear(input, 100_000 + r);
let evacuations = 0;
const t = perCall(reps, (r) => { evacuations += evacuationYear(input, r); }, first);
process.stdout.write(`${JSON.stringify({ fillMs, instances, repMs: t.cpuSamples, evacuations: evacuations / reps })}\n`);
