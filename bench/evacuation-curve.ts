import { evacuationDesign, evacuationYear } from './evacuation-input.js';
import { cpuMs, median } from './timing.js';

/**
 * CPU per evacuation across cloud sizes around placement's limit (docs/scale.md §5): the
 * 1,000-host scenario (at max_placement_results, one index in host order) and the 10,000-host one
 * cut to its first 30, 50, 100 and 250 racks (past the limit, one index per request shape). All
 * sizes run in one process, each after two warm-up replications, with about the same number of
 * evacuations per round; the figure is the median over the rounds. Prints a Markdown table.
 * Usage: node dist/bench/evacuation-curve.js [DESIGN] [ROUNDS]
 */
const design = Number(process.argv[2] ?? 0), rounds = Number(process.argv[3] ?? 3);

const atLimit = evacuationDesign('evacuation-1000-hosts.yaml', design);
const sizes = [
  { label: '1,000 (evacuation-1000-hosts.yaml, at the limit)', input: atLimit.input, reps: 40 },
  { label: '1,200 (first 30 racks)', input: evacuationDesign('evacuation-10000-hosts.yaml', design, 30).input, reps: 30 },
  { label: '2,000 (first 50 racks)', input: evacuationDesign('evacuation-10000-hosts.yaml', design, 50).input, reps: 20 },
  { label: '4,000 (first 100 racks)', input: evacuationDesign('evacuation-10000-hosts.yaml', design, 100).input, reps: 10 },
  { label: '10,000', input: evacuationDesign('evacuation-10000-hosts.yaml', design).input, reps: 4 },
];
for (const size of sizes) for (let r = 0; r < 2; r++) evacuationYear(size.input, 100_000 + r);
const perEvacuation = sizes.map((): number[] => []);
for (let round = 0; round < rounds; round++) {
  sizes.forEach((size, k) => {
    let evacuations = 0;
    const ms = cpuMs(() => { for (let r = 1; r <= size.reps; r++) evacuations += evacuationYear(size.input, r); });
    perEvacuation[k].push((1000 * ms) / evacuations);
  });
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}
process.stdout.write(`| hosts | CPU µs per evacuation, design ${atLimit.name} (median of ${rounds}; range) |\n| --- | --- |\n`);
sizes.forEach((size, k) => {
  const xs = perEvacuation[k];
  process.stdout.write(`| ${size.label} | ${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}) |\n`);
});
