import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Streams } from '../sim/random/streams.js';
import { loadScenarioFile } from '../sim/scenario/load.js';
import { evacuationStudy } from '../sim/studies/evacuation.js';
import { cpuMs, median } from './timing.js';

/**
 * CPU per evacuation across cloud sizes around placement's limit (docs/scale.md §5): the
 * 1,000-host scenario (at max_placement_results, one index in host order) and the 10,000-host one
 * cut to its first 30, 50, 100 and 250 racks (past the limit, one index per request shape). All
 * sizes run in one process, each after two warm-up replications, with about the same number of
 * evacuations per round; the figure is the median over the rounds. Prints a Markdown table.
 * Usage: node dist/bench/evacuation-curve.js [DESIGN] [ROUNDS]
 */
type Input = Parameters<typeof evacuationStudy.replicate>[0];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const design = Number(process.argv[2] ?? 0), rounds = Number(process.argv[3] ?? 3);

function evacuationInput(file: string, racks = 0): Input {
  const input = loadScenarioFile(join(ROOT, 'scenarios', file)).studies.find((s) => s.name === 'evacuation')!.variants[design].input as Input;
  return racks > 0 ? { ...input, cloud: { ...input.cloud, racks: input.cloud.racks.slice(0, racks) } } : input;
}

const sizes = [
  { label: '1,000 (evacuation-1000-hosts.yaml, at the limit)', input: evacuationInput('evacuation-1000-hosts.yaml'), reps: 40 },
  { label: '1,200 (first 30 racks)', input: evacuationInput('evacuation-10000-hosts.yaml', 30), reps: 30 },
  { label: '2,000 (first 50 racks)', input: evacuationInput('evacuation-10000-hosts.yaml', 50), reps: 20 },
  { label: '4,000 (first 100 racks)', input: evacuationInput('evacuation-10000-hosts.yaml', 100), reps: 10 },
  { label: '10,000', input: evacuationInput('evacuation-10000-hosts.yaml'), reps: 4 },
];
const run = (input: Input, r: number) => evacuationStudy.replicate(input, { replication: r, streams: new Streams(input.seed, r) }).metrics.instances_evacuated;
for (const size of sizes) for (let r = 0; r < 2; r++) run(size.input, 100_000 + r);
const perEvacuation = sizes.map((): number[] => []);
for (let round = 0; round < rounds; round++) {
  sizes.forEach((size, k) => {
    let evacuations = 0;
    const ms = cpuMs(() => { for (let r = 1; r <= size.reps; r++) evacuations += run(size.input, r); });
    perEvacuation[k].push((1000 * ms) / evacuations);
  });
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}
const name = loadScenarioFile(join(ROOT, 'scenarios', 'evacuation-1000-hosts.yaml')).studies.find((s) => s.name === 'evacuation')!.variants[design].design;
process.stdout.write(`| hosts | CPU µs per evacuation, design ${name} (median of ${rounds}; range) |\n| --- | --- |\n`);
sizes.forEach((size, k) => {
  const xs = perEvacuation[k];
  process.stdout.write(`| ${size.label} | ${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}) |\n`);
});
