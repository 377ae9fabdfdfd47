import { Streams } from '../sim/random/streams.js';
import { heapHold, heapMmc } from './heap-loop.js';
import { engineHold, generatorHold, mmcEvents } from './engine.js';
import { ensureSimPy, simpyHold, simpyMmc, type ScriptResult } from './simpy.js';
import { cpuMs, median } from './timing.js';
import type { BenchFigure } from './figure.js';

/**
 * The side-by-side part of `npm run bench`: the same two models, at the same sizes, on
 *  - the plain typed-array heap loop (bench/heap-loop.ts: the ceiling),
 *  - headroom's engine (bench/engine.ts: handler functions; the hold model also as generator processes),
 *  - SimPy 2.3.1 (bench/simpy/*.py, a Python child process).
 * Models: the hold model (`pending` entities each holding Exp(1) and holding again) and M/M/c
 * with c = 4, λ = 3, μ = 1.
 *
 * Events are counted the same way everywhere: one per completed hold; arrival, service start and
 * departure per M/M/c job (3 per job). The engine's own eventsFired is checked to match
 * (test/bench/peer.test.ts); SimPy's larger notice count is given in the notes.
 *
 * Timing: each contender is rated by the CPU time of its own process (user + system; Python's
 * time.process_time() for SimPy) spent in its model run — creating its pending events included,
 * process start-up, imports and JIT warm-up excluded — so events/s means events per CPU second:
 * on a shared machine, another process taking the core stretches wall time but not CPU time.
 * Runs are INTERLEAVED: round k runs each contender once, back to back (in reverse order every
 * other round), and each figure is the median over the rounds, so what is left of the machine's
 * drift (caches, frequency) moves all of them together; the spread of the same-round
 * engine ÷ ceiling ratios goes into the notes.
 */
export interface PeerSizes {
  pending: number;
  holdEvents: number;
  mmcJobs: number;
  rounds: number;
}

export const MMC = { c: 4, lambda: 3, mu: 1 } as const;

export const PEER_NAMES = {
  heapHold: 'plain heap loop hold model (events/s)',
  engineHold: 'engine hold model (events/s)',
  generatorHold: 'generator-process hold model (events/s)',
  simpyHold: 'SimPy hold model (events/s)',
  heapMmc: 'plain heap loop M/M/c (events/s)',
  engineMmc: 'engine M/M/c (events/s)',
  simpyMmc: 'SimPy M/M/c (events/s)',
} as const;

export async function peerFigures(size: PeerSizes): Promise<BenchFigure[]> {
  const { pending, holdEvents, mmcJobs, rounds } = size;
  const { c, lambda, mu } = MMC;
  const rng = (name: string, r: number) => new Streams(1, r).stream(name);
  // JIT warm-up of every JavaScript contender, untimed.
  heapHold(pending, holdEvents / 4, rng('w', 0));
  engineHold(pending, holdEvents / 4, rng('w', 0));
  generatorHold(pending, holdEvents / 4, rng('w', 0));
  heapMmc(lambda, mu, c, mmcJobs / 4, rng('w', 0));
  mmcEvents(lambda, mu, c, mmcJobs / 4, rng('w', 0));
  const whyNoSimPy = await ensureSimPy();

  const ms: Record<'heapHold' | 'engineHold' | 'generatorHold' | 'heapMmc' | 'engineMmc', number[]> = {
    heapHold: [], engineHold: [], generatorHold: [], heapMmc: [], engineMmc: [],
  };
  const simpy: { hold: ScriptResult[]; mmc: ScriptResult[] } = { hold: [], mmc: [] };
  let engineMmcEvents = 0;
  const tasks: [keyof typeof ms, (r: number) => unknown][] = [
    ['heapHold', (r) => heapHold(pending, holdEvents, rng('hold', r))],
    ['engineHold', (r) => engineHold(pending, holdEvents, rng('hold', r))],
    ['generatorHold', (r) => generatorHold(pending, holdEvents, rng('hold', r))],
    ['heapMmc', (r) => heapMmc(lambda, mu, c, mmcJobs, rng('mmc', r))],
    ['engineMmc', (r) => { engineMmcEvents = mmcEvents(lambda, mu, c, mmcJobs, rng('mmc', r)); }],
  ];
  for (let r = 1; r <= rounds; r++) {
    // Every other round runs the contenders in reverse order, so none is always first after SimPy.
    for (const [key, run] of r % 2 ? tasks : [...tasks].reverse()) ms[key].push(cpuMs(() => run(r)));
    if (whyNoSimPy === undefined) {
      simpy.hold.push(await simpyHold(pending, holdEvents, r));
      simpy.mmc.push(await simpyMmc(mmcJobs, c, lambda, mu, r));
    }
  }
  if (engineMmcEvents !== 3 * mmcJobs) throw new Error(`engine M/M/c fired ${engineMmcEvents} events for ${mmcJobs} jobs (expected 3 per job)`);

  const mmcEventCount = 3 * mmcJobs;
  const rate = (events: number, times: number[]) => events / (median(times) / 1000);
  const holdSize = `${pending.toLocaleString('en')} pending Exp(1) holds, ${holdEvents.toLocaleString('en')} events`;
  const mmcSize = `c = ${c}, λ = ${lambda}, μ = ${mu}, ${mmcJobs.toLocaleString('en')} jobs (${mmcEventCount.toLocaleString('en')} events)`;
  const of = `median of ${rounds} interleaved rounds`;
  // The spread of the paired (same-round) ratio says how much the machine's load moved the figures.
  const spread = (engine: number[], ceiling: number[]) => {
    const q = engine.map((e, i) => ceiling[i] / e);
    return `per-round engine ÷ ceiling ${Math.min(...q).toFixed(2)}–${Math.max(...q).toFixed(2)}`;
  };
  const figures: BenchFigure[] = [
    { name: PEER_NAMES.heapHold, unit: 'events/s', value: rate(holdEvents, ms.heapHold), biggerIsBetter: true, extra: `the ceiling; ${holdSize}, ${of}` },
    { name: PEER_NAMES.engineHold, unit: 'events/s', value: rate(holdEvents, ms.engineHold), biggerIsBetter: true, extra: `${holdSize}, handler objects, ${of}; ${spread(ms.engineHold, ms.heapHold)}` },
    { name: PEER_NAMES.generatorHold, unit: 'events/s', value: rate(holdEvents, ms.generatorHold), biggerIsBetter: true, extra: `${holdSize}, one generator process per entity, ${of}` },
    { name: PEER_NAMES.heapMmc, unit: 'events/s', value: rate(mmcEventCount, ms.heapMmc), biggerIsBetter: true, extra: `the M/M/c ceiling; ${mmcSize}, service starts inline, ${of}` },
    { name: PEER_NAMES.engineMmc, unit: 'events/s', value: rate(mmcEventCount, ms.engineMmc), biggerIsBetter: true, extra: `${mmcSize}, handler objects + Limiter (a grant is an event), ${of}; ${spread(ms.engineMmc, ms.heapMmc)}` },
    // sim/resources/process.ts cites this figure for what generator processes cost.
    {
      name: 'generator cost vs handler objects (time ratio)', unit: 'x', value: median(ms.generatorHold) / median(ms.engineHold), biggerIsBetter: false,
      extra: 'hold model: generator-process CPU time per event ÷ handler-object CPU time per event',
    },
  ];
  if (whyNoSimPy !== undefined) {
    for (const name of [PEER_NAMES.simpyHold, PEER_NAMES.simpyMmc]) {
      figures.push({ name, unit: 'events/s', value: 0, biggerIsBetter: true, extra: `skipped: ${whyNoSimPy}` });
    }
    return figures;
  }
  const simpyRate = (runs: ScriptResult[]) => median(runs.map((x) => x.events / x.cpuSeconds));
  const notices = (x: ScriptResult) => x.notices / (x.jobs ?? 1);
  const meanWait = median(simpy.mmc.map((x) => x.meanWait ?? NaN));
  figures.push(
    { name: PEER_NAMES.simpyHold, unit: 'events/s', value: simpyRate(simpy.hold), biggerIsBetter: true, extra: `SimPy 2.3.1 (/usr/bin/python3 -O), ${holdSize}, ${of}` },
    {
      name: PEER_NAMES.simpyMmc, unit: 'events/s', value: simpyRate(simpy.mmc), biggerIsBetter: true,
      extra: `SimPy 2.3.1, ${mmcSize}; SimPy processed ${notices(simpy.mmc[0]).toFixed(1)} notices per job; median mean wait ${meanWait.toFixed(3)} (exact 0.509); ${of}`,
    },
  );
  return figures;
}
