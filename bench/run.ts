import { availableParallelism, cpus, loadavg, platform, arch } from 'node:os';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { Streams } from '../sim/random/streams.js';
import { loadScenarioFile } from '../sim/scenario/load.js';
import { runScenario } from '../sim/montecarlo/run.js';
import { bytesPerPending, linkStorm } from './engine.js';
import { peerFigures, type PeerSizes } from './peer.js';
import { peakMemoryFigures } from './peak-memory.js';
import { markdown, shapeResults } from './results.js';
import { cpuNowMs, perCall } from './timing.js';
import type { BenchFigure, BenchSuite } from './figure.js';

/**
 * `npm run bench` (node dist/bench/run.js [--quick] [--out FILE.json]).
 *
 * 1. The hold model and M/M/c side by side on the plain heap loop (the ceiling), the engine and
 *    SimPy, interleaved (bench/peer.ts);
 * 2. engine extras: a SharedLink storm, bytes per pending event;
 * 3. the queue study's replication cost and the Monte Carlo speed-up of 2 workers over 1;
 * 4. peak memory and wall time of the 1,000- and 10,000-host evacuation runs in a child process (bench/peak-memory.ts);
 * 5. every dist/bench/studies/*.js exporting `suite: BenchSuite` (per-study ms per replication).
 *
 * Writes bench/results.json (machine, figures with ratioToCeiling, github-action-benchmark
 * arrays; bench/results.ts) and bench/results.md (the Markdown tables, printed too). With --out
 * X.json, writes X.json and X.md instead. `--quick` (the CI smoke) runs everything at small
 * sizes in well under a minute. No assertions: numbers only.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIdx = args.indexOf('--out');
const outFile = outIdx >= 0 ? args[outIdx + 1] : join(ROOT, 'bench', 'results.json');

const PEER: PeerSizes = quick
  ? { pending: 10_000, holdEvents: 50_000, mmcJobs: 10_000, rounds: 3 }
  : { pending: 10_000, holdEvents: 1_000_000, mmcJobs: 200_000, rounds: 9 };
const SIZES = quick
  ? { bytesPending: 100_000, mcReplications: 4, mcRounds: 1, stormFlows: 1000, peakReplications: 4, peakReplications10k: 2 }
  : { bytesPending: 1_000_000, mcReplications: 100, mcRounds: 3, stormFlows: 10_000, peakReplications: 100, peakReplications10k: 4 };

function latencyP50(bench: Bench, name: string): number {
  const r = bench.getTask(name)?.result as { latency?: { p50?: number } } | undefined;
  if (!r?.latency?.p50) throw new Error(`bench task ${name} has no result`);
  return r.latency.p50;
}

async function engineExtras(): Promise<BenchFigure[]> {
  // A boot storm on one SharedLink: O(active flows) per start/finish. tinybench median of whole
  // runs, on the process CPU clock like every other rate (bench/timing.ts).
  const storm = new Bench({ time: quick ? 200 : 2000, iterations: quick ? 3 : 10, warmup: true, now: cpuNowMs });
  const rounds = 5;
  let done = 0, seed = 0;
  storm.add('storm', () => { done = linkStorm(SIZES.stormFlows, rounds, new Streams(4, seed++).stream('storm')); });
  await storm.run();
  const bytes = bytesPerPending(SIZES.bytesPending, new Streams(3, 0).stream('bytes'));
  return [
    {
      name: 'SharedLink storm (flows/s)', unit: 'flows/s', value: done / (latencyP50(storm, 'storm') / 1000), biggerIsBetter: true,
      extra: `${SIZES.stormFlows} concurrent flows (half capped), ${rounds} rounds, tinybench p50 of CPU time`,
    },
    {
      name: 'bytes per pending event (B)', unit: 'B', value: bytes.declared, biggerIsBetter: false,
      extra: `${SIZES.bytesPending.toLocaleString('en')} pending; the event list's typed arrays at their current capacity (arrayBuffers delta ${bytes.measured.toFixed(1)} B)`,
    },
  ];
}

/** Queue study replication costs and the Monte Carlo speed-up of 2 workers over 1. */
async function monteCarloFigures(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const reps = quick ? 2 : 10;
  const loaded = loadScenarioFile(join(ROOT, 'scenarios', 'validation', 'mmc.yaml'), { replications: SIZES.mcReplications });
  for (const [file, what] of [['mmc.yaml', 'M/M/4'], ['mg1-ps.yaml', 'M/G/1-PS']] as const) {
    const plan = (file === 'mmc.yaml' ? loaded : loadScenarioFile(join(ROOT, 'scenarios', 'validation', file))).studies[0];
    const v = plan.variants[0];
    const run = (r: number) => plan.definition.replicate(v.input, { replication: r, streams: new Streams(1, r) });
    run(0); // JIT warm-up
    const t = perCall(reps, run);
    figures.push({
      name: `queue study ${what} replication (ms)`, unit: 'ms', value: t.cpuMedianMs, biggerIsBetter: false,
      extra: `scenarios/validation/${file}, one thread, median of ${reps}; median wall ${t.wallMedianMs.toFixed(1)} ms`,
    });
  }
  // Alternate 1 and 2 workers and keep each one's best wall time: the least disturbed by other
  // processes on the machine (pool start-up included, as a user sees it).
  const wall: Record<number, number> = { 1: Infinity, 2: Infinity };
  for (let round = 0; round < SIZES.mcRounds; round++) {
    for (const workers of [1, 2]) wall[workers] = Math.min(wall[workers], (await runScenario(loaded, { workers })).wallMs);
  }
  figures.push({
    name: 'Monte Carlo speed-up, 2 workers over 1 (x)', unit: 'x', value: wall[1] / wall[2], biggerIsBetter: true,
    extra: `${SIZES.mcReplications} replications of the M/M/4 queue study (${figures[0].value.toFixed(0)} ms each); best of ${SIZES.mcRounds} alternated walls ${wall[1].toFixed(0)} ms vs ${wall[2].toFixed(0)} ms; ${availableParallelism()} cores; load average ${loadavg()[0].toFixed(1)} after`,
  });
  return figures;
}

/** The study suites: dist/bench/studies/*.js. A suite that fails is reported, not fatal. */
async function studySuites(): Promise<BenchFigure[]> {
  const dir = join(HERE, 'studies');
  const files = existsSync(dir) ? readdirSync(dir).sort().filter((f) => f.endsWith('.js')).map((f) => join(dir, f)) : [];
  const figures: BenchFigure[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(f).href)) as { suite?: BenchSuite };
    if (typeof mod.suite !== 'function') continue;
    try {
      figures.push(...(await mod.suite({ quick })));
    } catch (e) {
      console.error(`bench: suite ${f} failed: ${(e as Error).message}`);
      figures.push({ name: `${f.split('/').pop()} (failed)`, unit: 'n/a', value: 0, biggerIsBetter: true, extra: `skipped: failed: ${(e as Error).message}` });
    }
  }
  return figures;
}

async function main(): Promise<void> {
  const loadAverageStart = loadavg();
  const t0 = Date.now();
  const step = async (what: string, fn: () => Promise<BenchFigure[]>): Promise<BenchFigure[]> => {
    process.stderr.write(`bench: ${what}… `);
    const s = Date.now();
    const out = await fn();
    process.stderr.write(`${((Date.now() - s) / 1000).toFixed(1)} s\n`);
    return out;
  };
  const figures = [
    ...(await step('hold model and M/M/c: heap loop, engine, SimPy', () => peerFigures(PEER))),
    ...(await step('engine extras', engineExtras)),
    ...(await step('Monte Carlo', monteCarloFigures)),
    ...(await step('peak memory (child process)', () => peakMemoryFigures(SIZES.peakReplications))),
    ...(await step('peak memory, 10,000 hosts (child process)', () => peakMemoryFigures(SIZES.peakReplications10k, 'evacuation-10000-hosts'))),
    ...(await step('study suites', studySuites)),
  ];
  const results = shapeResults(figures, {
    cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, platform: `${platform()} ${arch()}`,
    loadAverageStart, loadAverageEnd: loadavg(),
  }, new Date(t0).toISOString(), quick);
  const md = markdown(results);
  const mdFile = outFile.replace(/\.json$/, '') + '.md';
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(mdFile, md);
  console.log(md);
  console.log(`written: ${outFile}, ${mdFile} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
