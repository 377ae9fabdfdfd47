import { availableParallelism, cpus, loadavg, platform, arch } from 'node:os';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { Streams } from '../sim/random/streams.js';
import { loadScenarioFile } from '../sim/scenario/load.js';
import { runScenario } from '../sim/montecarlo/run.js';
import { heapHold } from './heap-loop.js';
import { bytesPerPending, engineHold, generatorHold, linkStorm, mmcEvents } from './engine.js';
import type { BenchFigure, BenchSuite } from './figure.js';

/**
 * `npm run bench` (node dist/bench/run.js [--quick] [--out FILE]).
 *
 * The ceiling: the hold model (10,000 pending events, Exp(1) holds) on a bare typed-array heap
 * (bench/heap-loop.ts), timed INTERLEAVED with the same model on the engine and as generator
 * processes — run k of each back to back, medians over the runs — so a machine that slows down
 * mid-run (other jobs, thermal) moves all three together and their ratios stay honest.
 *
 * ratioToCeiling, so results from different machines compare (bench/compare.ts gates on it):
 * - rates (unit …/s): value / ceiling events/s;
 * - times (unit ms or s): value / ceiling time per event, i.e. how many bare-heap events fit in
 *   that time;
 * - anything else (bytes per event, a speed-up): none — those are machine-independent already.
 *
 * Suites of other modules: every dist/bench/studies/*.js and dist/bench/simpy.js exporting
 * `suite: BenchSuite` (bench/figure.ts) is imported and run after the engine figures.
 * Writes bench/results.json ({machine, date, figures, github: {customBiggerIsBetter,
 * customSmallerIsBetter}}) and prints a Markdown table. No assertions: numbers only.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIdx = args.indexOf('--out');
const outFile = outIdx >= 0 ? args[outIdx + 1] : join(ROOT, 'bench', 'results.json');

const SIZES = quick
  ? { pending: 10_000, holdEvents: 100_000, runs: 3, mmcJobs: 20_000, bytesPending: 100_000, mcReplications: 4 }
  : { pending: 10_000, holdEvents: 2_000_000, runs: 7, mmcJobs: 300_000, bytesPending: 1_000_000, mcReplications: 100 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeMs(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

async function engineFigures(): Promise<{ figures: BenchFigure[]; ceiling: number }> {
  const { pending, holdEvents, runs } = SIZES;
  const rng = (name: string, r: number) => new Streams(1, r).stream(name);
  // Warm-up (JIT) of all three, untimed.
  heapHold(pending, holdEvents / 4, rng('w', 0));
  engineHold(pending, holdEvents / 4, rng('w', 0));
  generatorHold(pending, holdEvents / 4, rng('w', 0));
  const heap: number[] = [], eng: number[] = [], gen: number[] = [];
  for (let r = 0; r < runs; r++) {
    heap.push(timeMs(() => heapHold(pending, holdEvents, rng('hold', r))));
    eng.push(timeMs(() => engineHold(pending, holdEvents, rng('hold', r))));
    gen.push(timeMs(() => generatorHold(pending, holdEvents, rng('hold', r))));
  }
  const rate = (ms: number) => holdEvents / (ms / 1000);
  const ceiling = rate(median(heap));
  const engine = rate(median(eng));
  const generator = rate(median(gen));
  const extra = `${pending} pending, ${holdEvents} events, median of ${runs} interleaved runs`;
  const figures: BenchFigure[] = [
    { name: 'plain heap loop hold model (events/s)', unit: 'events/s', value: ceiling, biggerIsBetter: true, extra: `the ceiling; ${extra}` },
    { name: 'engine hold model (events/s)', unit: 'events/s', value: engine, biggerIsBetter: true, extra },
    { name: 'generator-process hold model (events/s)', unit: 'events/s', value: generator, biggerIsBetter: true, extra },
    { name: 'generator cost vs handler objects (time ratio)', unit: 'x', value: engine / generator, biggerIsBetter: false, extra: 'generator time per event / handler-object time per event' },
  ];

  // M/M/c (c = 4, λ = 3, μ = 1) on handler objects + Limiter: tinybench median of whole runs.
  const bench = new Bench({ time: quick ? 200 : 2000, iterations: quick ? 3 : 10, warmup: true });
  let mmcCount = 0, seed = 0;
  bench.add('mmc', () => { mmcCount = mmcEvents(3, 1, 4, SIZES.mmcJobs, new Streams(2, seed++).stream('mmc')); });
  await bench.run();
  const mmcMs = latencyP50(bench, 'mmc');
  figures.push({ name: 'engine M/M/c (events/s)', unit: 'events/s', value: mmcCount / (mmcMs / 1000), biggerIsBetter: true, extra: `c = 4, λ = 3, μ = 1, ${SIZES.mmcJobs} jobs (${mmcCount} events), tinybench p50` });

  const storm = new Bench({ time: quick ? 200 : 2000, iterations: quick ? 3 : 10, warmup: true });
  const stormFlows = quick ? 1000 : 10000, stormRounds = 5;
  let stormDone = 0;
  storm.add('storm', () => { stormDone = linkStorm(stormFlows, stormRounds, new Streams(4, seed++).stream('storm')); });
  await storm.run();
  figures.push({
    name: 'SharedLink storm (flows/s)', unit: 'flows/s', value: stormDone / (latencyP50(storm, 'storm') / 1000), biggerIsBetter: true,
    extra: `${stormFlows} concurrent flows (half capped), ${stormRounds} rounds, tinybench p50`,
  });

  const bytes = bytesPerPending(SIZES.bytesPending, new Streams(3, 0).stream('bytes'));
  figures.push({ name: 'bytes per pending event', unit: 'B', value: bytes.declared, biggerIsBetter: false, extra: `${SIZES.bytesPending} pending; typed arrays at current capacity (arrayBuffers delta ${bytes.measured.toFixed(1)} B)` });
  return { figures, ceiling };
}

function latencyP50(bench: Bench, name: string): number {
  const task = bench.getTask(name);
  const r = task?.result as { latency?: { p50?: number } } | undefined;
  if (!r?.latency?.p50) throw new Error(`bench task ${name} has no result`);
  return r.latency.p50;
}

/** Queue study replication time and the Monte Carlo speed-up of 2 workers over 1. */
async function monteCarloFigures(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const file = join(ROOT, 'scenarios', 'validation', 'mmc.yaml');
  const loaded = loadScenarioFile(file, { replications: SIZES.mcReplications });
  const plan = loaded.studies[0];
  const v = plan.variants[0];
  plan.definition.replicate(v.input, { replication: 999, streams: new Streams(loaded.seed, 999) });
  const reps = quick ? 2 : 10;
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) ms.push(timeMs(() => plan.definition.replicate(v.input, { replication: r, streams: new Streams(loaded.seed, r) })));
  const perRep = median(ms);
  figures.push({ name: 'queue study M/M/4 replication (ms)', unit: 'ms', value: perRep, biggerIsBetter: false, extra: 'scenarios/validation/mmc.yaml: 100,000 counted jobs, one thread' });
  // Processor sharing on the SharedLink (one completion event, O(n) rate update per change).
  const ps = loadScenarioFile(join(ROOT, 'scenarios', 'validation', 'mg1-ps.yaml')).studies[0];
  const psMs: number[] = [];
  for (let r = 0; r < reps; r++) psMs.push(timeMs(() => ps.definition.replicate(ps.variants[0].input, { replication: r, streams: new Streams(1, r) })));
  figures.push({ name: 'queue study M/G/1-PS replication (ms)', unit: 'ms', value: median(psMs), biggerIsBetter: false, extra: 'scenarios/validation/mg1-ps.yaml: 200,000 counted jobs on a SharedLink, one thread' });
  // Alternate 1 and 2 workers and keep each one's best wall time: the least disturbed by other
  // processes on the machine (pool start-up included, as a user sees it).
  const wall: Record<number, number> = { 1: Infinity, 2: Infinity };
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    for (const workers of [1, 2]) {
      const r = await runScenario(loaded, { workers });
      wall[workers] = Math.min(wall[workers], r.wallMs);
    }
  }
  figures.push({
    name: 'Monte Carlo speed-up, 2 workers over 1', unit: 'x', value: wall[1] / wall[2], biggerIsBetter: true,
    extra: `${SIZES.mcReplications} replications of ${perRep.toFixed(0)} ms (mmc.yaml); best wall ${wall[1].toFixed(0)} ms vs ${wall[2].toFixed(0)} ms; ${availableParallelism()} cores; load average ${loadavg()[0].toFixed(1)}`,
  });
  return figures;
}

/** Other modules' suites: dist/bench/studies/*.js and dist/bench/simpy.js. */
async function externalSuites(): Promise<BenchFigure[]> {
  const files: string[] = [];
  const studiesDir = join(HERE, 'studies');
  if (existsSync(studiesDir)) for (const f of readdirSync(studiesDir).sort()) if (f.endsWith('.js')) files.push(join(studiesDir, f));
  const simpy = join(HERE, 'simpy.js');
  if (existsSync(simpy)) files.push(simpy);
  const figures: BenchFigure[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(f).href)) as { suite?: BenchSuite };
    if (typeof mod.suite !== 'function') continue;
    try {
      figures.push(...(await mod.suite({ quick })));
    } catch (e) {
      console.error(`bench: suite ${f} failed: ${(e as Error).message}`);
      figures.push({ name: `${f.split('/').pop()} (failed)`, unit: 'n/a', value: 0, biggerIsBetter: true, extra: `skipped: ${(e as Error).message}` });
    }
  }
  return figures;
}

function withRatio(f: BenchFigure, ceiling: number): BenchFigure & { ratioToCeiling?: number } {
  if (f.unit.endsWith('/s')) return { ...f, ratioToCeiling: f.value / ceiling };
  if (f.unit === 'ms') return { ...f, ratioToCeiling: (f.value / 1000) * ceiling };
  if (f.unit === 's') return { ...f, ratioToCeiling: f.value * ceiling };
  return { ...f };
}

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(1)} k`;
  return a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

async function main(): Promise<void> {
  const { figures: engine, ceiling } = await engineFigures();
  const all: BenchFigure[] = [...engine];
  all.push(...(await monteCarloFigures()));
  all.push(...(await externalSuites()));
  const figures = all.map((f) => withRatio(f, ceiling));
  const eng = figures.find((f) => f.name === 'engine hold model (events/s)');
  const results = {
    // The load average says whether other processes shared the cores during the run.
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, platform: `${platform()} ${arch()}`, loadAverage1m: loadavg()[0] },
    date: new Date().toISOString(),
    quick,
    engineToCeiling: eng?.ratioToCeiling,
    figures,
    github: {
      customBiggerIsBetter: figures.filter((f) => f.biggerIsBetter).map((f) => ({ name: f.name, unit: f.unit, value: f.value, extra: f.extra })),
      customSmallerIsBetter: figures.filter((f) => !f.biggerIsBetter).map((f) => ({ name: f.name, unit: f.unit, value: f.value, extra: f.extra })),
    },
  };
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  const lines = [
    `headroom bench${quick ? ' (quick)' : ''} — ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}`,
    '',
    '| figure | value | unit | ratio to ceiling | notes |',
    '| --- | ---: | --- | ---: | --- |',
    ...figures.map((f) => `| ${f.name} | ${fmt(f.value)} | ${f.unit} | ${f.ratioToCeiling === undefined ? '–' : f.ratioToCeiling.toFixed(3)} | ${f.extra ?? ''} |`),
    '',
    `engine / plain heap loop: ${eng?.ratioToCeiling?.toFixed(3)} (target ≥ 0.6)`,
    `written: ${outFile}`,
  ];
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
