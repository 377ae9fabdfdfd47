import type { BenchFigure } from './figure.js';
import { PEER_NAMES } from './peer.js';

/**
 * Shaping of `npm run bench` results (pure: no timing, no I/O): the ratio of each figure to the
 * ceiling loop measured in the same run, bench/results.json, and the Markdown of bench/results.md.
 *
 * ratioToCeiling (what bench/compare.ts gates on, so results from different machines compare),
 * relative to the plain heap loop's hold model events/s (the ceiling):
 * - rates (unit …/s): value ÷ ceiling events/s;
 * - times (unit ms or s): value × ceiling events/s, i.e. how many bare-heap events fit in that time;
 * - anything else (bytes per event, a speed-up, MiB of memory, a time ratio): none — those do not
 *   scale with the CPU's speed the way the ceiling does.
 */
export type ResultFigure = BenchFigure & { ratioToCeiling?: number };

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the bench started and when it ended. */
  loadAverageStart: number[];
  loadAverageEnd: number[];
}

export interface GithubEntry { name: string; unit: string; value: number; extra?: string }

export interface Results {
  machine: Machine;
  date: string;
  quick: boolean;
  ceiling: number;
  engineToCeiling?: number;
  engineToSimpy?: number;
  figures: ResultFigure[];
  /** github-action-benchmark input: `tool: customBiggerIsBetter` / `customSmallerIsBetter` each read one array. */
  github: { customBiggerIsBetter: GithubEntry[]; customSmallerIsBetter: GithubEntry[] };
}

export const skipped = (f: BenchFigure): boolean => /^skipped/i.test(f.extra ?? '');

export function withRatio(f: BenchFigure, ceiling: number): ResultFigure {
  if (skipped(f)) return { ...f };
  if (f.unit.endsWith('/s')) return { ...f, ratioToCeiling: f.value / ceiling };
  if (f.unit === 'ms') return { ...f, ratioToCeiling: (f.value / 1000) * ceiling };
  if (f.unit === 's') return { ...f, ratioToCeiling: f.value * ceiling };
  return { ...f };
}

export function shapeResults(raw: BenchFigure[], machine: Machine, date: string, quick: boolean): Results {
  const names = new Set<string>();
  for (const f of raw) {
    if (names.has(f.name)) throw new Error(`bench figure "${f.name}" appears twice`);
    names.add(f.name);
  }
  const ceilingFigure = raw.find((f) => f.name === PEER_NAMES.heapHold);
  if (!ceilingFigure || !(ceilingFigure.value > 0)) throw new Error(`no ceiling figure "${PEER_NAMES.heapHold}"`);
  const ceiling = ceilingFigure.value;
  const figures = raw.map((f) => withRatio(f, ceiling));
  const value = (name: string) => {
    const f = figures.find((x) => x.name === name);
    return f && !skipped(f) && f.value > 0 ? f.value : undefined;
  };
  const engine = value(PEER_NAMES.engineHold), simpy = value(PEER_NAMES.simpyHold);
  // Skipped figures (value 0) stay out of the history arrays: a 0 would read as a collapse.
  const entry = (f: ResultFigure): GithubEntry => ({ name: f.name, unit: f.unit, value: f.value, ...(f.extra ? { extra: f.extra } : {}) });
  const kept = figures.filter((f) => !skipped(f));
  return {
    machine, date, quick, ceiling,
    engineToCeiling: engine === undefined ? undefined : engine / ceiling,
    engineToSimpy: engine === undefined || simpy === undefined ? undefined : engine / simpy,
    figures,
    github: {
      customBiggerIsBetter: kept.filter((f) => f.biggerIsBetter).map(entry),
      customSmallerIsBetter: kept.filter((f) => !f.biggerIsBetter).map(entry),
    },
  };
}

/** Numbers as people read them: 2.50 M, 187.8 k, 64.7, 0.731. */
export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(1)} k`;
  return a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !(a > 0) || !(b > 0) ? '–' : (a / b).toFixed(a / b >= 10 ? 1 : 3);
const cell = (s: string | undefined): string => (s ?? '').replace(/\|/g, '\\|');

const PEER_ROWS = [
  { model: 'hold model, handler objects', simpy: PEER_NAMES.simpyHold, engine: PEER_NAMES.engineHold, ceiling: PEER_NAMES.heapHold },
  { model: 'hold model, generator processes', simpy: PEER_NAMES.simpyHold, engine: PEER_NAMES.generatorHold, ceiling: PEER_NAMES.heapHold },
  { model: 'M/M/c (c = 4, λ = 3, μ = 1)', simpy: PEER_NAMES.simpyMmc, engine: PEER_NAMES.engineMmc, ceiling: PEER_NAMES.heapMmc },
];
const PEER_SET = new Set<string>(Object.values(PEER_NAMES));

export const EVENT_COUNTING =
  'Events are counted the same way in all three: one per completed hold; arrival, service start and departure per M/M/c job ' +
  "(3 per job — the engine's own eventsFired, since a Limiter grant is an event; the ceiling starts services inline; " +
  'SimPy processes about 5 event notices per job but is credited with 3). Rates are events per CPU second of the ' +
  "contender's process (user + system; Python's time.process_time() for SimPy), counting only its model run (creating " +
  'its pending events included; process start-up, imports and JIT warm-up excluded), so other load on the machine ' +
  'does not stretch them; runs are interleaved round by round and each figure is the median over the rounds.';

/**
 * What was measured while building the scheduler's host index (sim/openstack/nova/host-index.ts),
 * kept with the bench rather than in the code: the choices it explains, and the ones dropped.
 */
export const HOST_INDEX_NOTES = [
  '## Notes: the scheduler\'s host index (what was measured)',
  '',
  'On the 1,000-host evacuation scenario, CPU per replication, medians of interleaved runs:',
  '',
  '- IoOpsWeigher and the three-dimensional frontier: 22 ms before the weigher, 22.5 ms with io_ops_weight_multiplier 0, 28.5 ms with the default −1 (bursts there go to distinct hosts either way): ~2.7 ms the 3-D sweep and its larger frontiers, ~1 ms re-summarising blocks whose rebuilds finished, ~1.5 ms pass 1 (a block with a busy host takes its shortcut less often).',
  '- Splitting idle and busy hosts instead (2-D frontier of the idle ones, busy ones listed) was slower: a rack\'s burst leaves nearly every host busy.',
  '- Most of the weigher\'s extra cost went into weighing superblocks again and again with the same scales; with bounds kept across placements (change counters per block and superblock, Scheduler.select) and the block order re-sorted only where hosts moved, the default −1 costs about what no weigher did (in-process, interleaved: ×1.02–1.04 of the commit before the weigher).',
  '- Measured and dropped (no gain beyond ±2 %): I/O-only refresh of the summaries, hosts whose rebuild finished joining the frontier lists instead of a rebuild, a 2-D frontier of idle hosts with busy hosts bounded by their block\'s extremes, other block/superblock sizes.',
  '- Superblocks (8 blocks, 128 hosts) carrying the same summaries and a frontier merged from their blocks\': a placement on 1,000 hosts weighs 8 superblock frontiers and the blocks of the best superblock instead of 63 block frontiers (~0.82× CPU per replication). Reusing the bounds of unchanged superblocks and blocks across placements: ~0.83×.',
  '- Bounds from per-block (max RAM, max CPU) pairs, or from 9 fixed directions of the weight plane, were too loose (with both weighers on, antelope\'s default, the top hosts differ by ~0.2 % of their weight) and most blocks were scanned anyway.',
  '',
  'On the 10,000-host scenario with max_placement_results (docs/scale.md), initial fill (CPU, load average ≈ 20 on 2 cores): 21 s with one index in placement\'s order per request shape and summaries over enabled hosts (most blocks mixed: a scan per placement); 12 s counting the offered hosts per block as they change (the candidates\' end without a scan); 9.5 s with a superblock-wide shortcut; 5.5 s with the shape\'s index keeping only the hosts that fit the shape (every block inside the candidates then passes whole); 4.2 s breaking weight ties by placement\'s order instead of the host number (with the host number, equal weights spread over the positions forced a scan of every block holding a lower host).',
  '',
  'The 10,000-host replication against the 1,000-host one (2026-12-07, nearly idle, CPU time):',
  '',
  '- The bench row is a ratio of means, not of medians: a run of N replications costs N times the mean, and the work of a year is skewed by its rack outages (0–6 on 25 racks, 15–35 on 250), so the median 1,000-host year is a light one and the median 10,000-host year an average one. At f940fea, replications 1–10 of 10,000 hosts and 1–100 of 1,000, a process per size: 13.9× for medians, 12.5× for means.',
  '- Profiled on the same number of evacuations (6 replications of 10,000 hosts, 60 of 1,000: 361,516 and 359,049 evacuations), the 10,000-host run cost 1.14–1.35× the CPU per evacuation in one process; in processes of their own (the bench), 1.5–1.8×. What it pays beyond the 1,000-host run: placement\'s candidates reach past the first positions of a shape\'s order where hosts are full, 1,046 positions for 2 GiB requests and 4,781 for 32 GiB ones at 85 % fill (15 superblocks per placement on average, against 8); the changes of other shapes\' placements are applied when a placement reaches them (2.55 block summaries per placement, against 1.69); and five indexes of 10,000 positions and 413,000 instances\' arrays live in the last-level cache or memory, where 1,000 hosts fit the core\'s own.',
  '- Same-process A/B against f940fea, 7 rounds, medians: 10,000-host replication ×0.84 and 1,000-host ×0.92, the 10,000-host fill ×0.82 (fresh processes): pending index changes kept as bits instead of a scan of every position of a block holding one (the largest cost only 10,000 hosts pay), the second flush of a placement starting at the first one\'s end, one index rebuild per replication instead of two, placement\'s order by radix sort (~3× faster), pass 1 folding only the five extremes the weighing reads, trace lines built only when traced (×0.93 on 1,000 hosts by itself), the fill\'s renumbering deriving hosts and links from the runs, buffers reused across replications.',
  '- Measured and dropped: superblocks of 16 blocks (×1.006 on 10,000 hosts, ×1.035 on 1,000).',
  '- The candidates\' span is what 10,000 hosts pay most: the same scenario with max_placement_results 500, 1,000 and 2,000 costs 4.4–4.6, 5.2–5.6 and 6.3 µs per evacuation (4 replications each, fresh processes, two rounds), against 3.2 µs on 1,000 hosts, whose placements all span the same 1,000 positions. Pass 1 and pass 2 visit every superblock of the span; a third level of summaries over superblocks would make that grow with the logarithm of the span instead (not built).',
  '',
  'The failure hook (design han-hook), 2026-12-07, same-process A/B, medians of 5–7 rounds (summary.json byte-identical):',
  '',
  '- The hook re-reserves every host at each release and restore: 424 such events in a 10,000-host year, 84 in a 1,000-host one. Each rebuilt five indexes of 10,000 positions, so the design cost grew with the square of the cloud: 1.4–2.0 s per 10,000-host replication (64× the 1,000-host one), 26.8 s for a 100,000-host one. A shape\'s index now defers an all-host change (every position pending) and placements apply the superblocks up to their candidates\' end; capacities for the two reservations are computed once and copied in; the held-back RAM comes from a kept sum and the spare list. 10,000 hosts ×0.19 (2.0 s → 0.39 s), 1,000 hosts ×0.93; 100,000 hosts about ×0.1 (single runs: 26.8 s for a first, cold replication before; 2.7 s per replication after one warm-up).',
  '- rule() scanned a rule\'s changes (two Map lookups each) per host at every reservation change: 12 % of a 1,000-host hook replication. A table per release and rule: ×0.73 (31.1 → 22.5 ms).',
  '- Measured and left: a replication without failures (its setup: copying the fill, laying out the indexes) costs 3.4 ms on 1,000 hosts and 18.8 ms on 10,000 (5.5×), so the setup does not raise the ratio; the events do (1.3–1.5× the CPU per evacuation). Pass 1 looks block by block into the superblock where the candidates end (0.99 superblocks and 7.95 blocks per placement on 10,000 hosts, 0.03 and 0.22 on 1,000), and pass 2 scans 0.54 more superblocks per placement (that one\'s bound counts hosts past the end). Bounding superblocks by their summaries before their exact bound would have spared 0.20 exact bounds per placement out of 1.76: not built.',
  '',
  'The candidates\' end, the destination claim and the hook\'s copies (2026-12-07, 23:00 UTC, summary.json byte-identical):',
  '',
  '- A shape\'s index carries its candidates\' end from one placement to the next (the superblock and the hosts offered before it, kept exact), instead of walking the span\'s superblocks from the first; an evacuation\'s destination claim and its I/O operation are one index update (five deferred updates fewer per evacuation past the limit); the hook\'s release and restore point at shared reservation/capacity pairs instead of copying two host-sized arrays per event (420–428 events a 10,000-host year, 3 in a 100,000-host one).',
  '- Same-process A/B, replications interleaved: 1,000 hosts ×0.977 (16 rounds of 30 replications, rounds 0.93–1.01); 10,000 hosts ×0.96 for the first change (24 rounds of 3), ×1.02–1.03 for the first two in runs of 16 and 30 rounds whose rounds ranged 0.72–1.25; 100,000 hosts han-hook ×1.02–1.15 for the third (4 rounds of 1). That evening the machine ran unchanged code about twice as slowly as at the 20:45 run (36-host replication 4.4 against 1.7 ms, watchdog 2.4 against 1.2 ms), and a full bench run then gave 15.2× (no-reserve), 15.6× (han-hook) and 16.2× (every design), rounds 13.4–19.7×, and a 3.7 s fill: not comparable with the table above, and not committed.',
  '- Where the limited path\'s cost lies (same evening, 1,000-host scenario, one process, designs interleaved, medians of 12 rounds of 20 replications, two runs): with max_placement_results 999 instead of 1,000 the scheduler takes the limited path (five shape indexes in placement\'s order, changes deferred) over the same span, every host, and costs 11.6–13.8 µs per evacuation against 6.0–6.5 µs (1.9–2.1×); limit 500: 1.4–1.5×; limit 250: 1.13×. Profiled (150 replications each), the limited path\'s extra time is mostly keeping five indexes: block frontiers 3.1×, block summaries 3.2×, superblock folds 2.3× and per-host recomputation 3.1× the single index\'s; the candidates\' end and pass 1 come next. The 10,000-host run (spans of 1,046–4,781 positions) pays 1.4–1.5× per evacuation, less than this equal-span case because most changes fall outside the other shapes\' spans. Meeting ≤ 12× therefore needs those indexes cheaper to keep, not a shorter walk.',
  '',
  'Where the 10,000-host cost lies, and four changes dropped (2026-12-08, nearly idle, CPU time; summary.json byte-identical for each):',
  '',
  '- A full npm run bench at 01:11 UTC (load average 0.6 at the start), with the changes of 7 Dec evening: 10,000 ÷ 1,000 hosts every design 14.4× (539 ÷ 37.5 ms, rounds 12.0–15.8×), no-reserve 14.7× (273 ÷ 18.6 ms, rounds 11.0–18.5×), han-hook 13.3× (256 ÷ 19.2 ms, rounds 13.0–13.6×); 10,000-host fill 1.63 s; 492 MiB RSS. Not kept as the table: with the code unchanged, its rbd rows ran 11–40 % and its M/M/4 row 32 % slower than the table of 7 Dec 20:45 then committed, its heap loop 26 % faster.',
  '- Per placement (replications 1–20 of 1,000 hosts, 1–2 of 10,000): 997 and 1,000 candidates weighed with no reserve, 1,000 and 1,000 with the hook; the 10,000-host candidates span 1,825 positions of the shape\'s order with no reserve (14.8 superblocks, against 8) and 1,044 with the hook. The hook\'s design therefore pays 1.36× per evacuation at an equal span (upkeep of five indexes, larger arrays); the span adds the rest of no-reserve\'s 1.49×.',
  '- Profiled after a warm-up on equal work (10 replications of 10,000 hosts and 100 of 1,000, about 600,000 evacuations each, one after the other): Scheduler.select 1.98× per call (5.5 against 2.8 µs), the rest of the replication 1.44× per evacuation. Of select\'s extra 1.57 s, keeping the indexes (summaries, frontiers, deferred changes) is about 0.86 s and the walk over the span\'s superblocks about 0.46 s; the costliest lines are first reads of an index entry.',
  '- Dropped: bounding the superblock where the candidates end by its blocks before the end (it came first in 36.5 % of placements and was scanned in vain; superblock scans per placement 1.60 → 1.19, but 10,000-host CPU ×1.035–1.046 in both load orders); a per-host record of what every index reads, one cache line instead of 14 arrays (×1.035 on 10,000 hosts, ×1.06 on 1,000); superblocks of 16 and 32 blocks (10,000 hosts 423 and 441 ms against 305 ms; 1,000 hosts 25.9 and 29.5 against 18.8 ms); keeping bounds across changes that can only lower a host\'s weight (still upper bounds, but the destination\'s superblock keeps the bound of the host it filled and is weighed again and again: blocks weighed per placement on 1,000 hosts 1.07 → 26, CPU ×1.9–2.0).',
  '- Not built: a tree over the superblocks. A placement walks about 15 of them and about 1.5 change between two placements of a shape, so seven levels of upkeep per change would cost about what the shorter walk saves.',
  '',
  'The cost per evacuation past the limit (2026-12-08, the table above: 02:56 UTC, load average 1.7 at the start; code unchanged since 7 Dec but for the new 2,000-host rows):',
  '',
  '- Rows "evacuation 2000 hosts": the first 50 racks of the 10,000-host scenario, past max_placement_results like it. 4.82 µs per evacuation with no reserve and 5.91 with the hook, against 4.55 and 4.35 on 10,000 hosts and 2.88 and 3.25 on 1,000. Per replication 10,000 ÷ 2,000 hosts is 5.0× (277 ÷ 55.9 ms) and 3.9× (243 ÷ 62.9 ms) for 5.2× the evacuations: linear or better between two clouds past the limit. A run of the same code at 02:28 UTC (load average 1.0): 10,000 ÷ 1,000 hosts 14.0× (no-reserve 15.0×, han-hook 13.0×), 2,000 hosts 4.82 and 6.05 µs, 10,000 ÷ 2,000 hosts 4.8× and 3.8×, fill 1.60 s, 494 MiB.',
  '- node dist/bench/evacuation-curve.js (one process, two warm-up replications of each size, medians of 3 rounds; 02:42 UTC, load average 0.5 at the start), µs per evacuation with no reserve / the hook: 1,000 hosts 2.79 / 3.27; 1,200 (first 30 racks) 5.96 / 7.18; 2,000 4.70 / 5.87; 4,000 4.42 / 4.55; 10,000 4.30 / 4.45 (100,000 hosts, measured earlier on 8 Dec in fresh processes, one thread: 5.1–5.8 / 4.3–4.7, from 3.2–3.6 s and 2.5–2.7 s per replication). The cost steps up once, where the cloud outgrows the limit (every shape\'s candidates then cover nearly every host, and five indexes take every change), and falls back as the cloud grows and the shapes\' spans cover less of it.',
  '- The ≤ 12× row compares across that step: the 1,000-host cloud is at the limit (every host a candidate, one index in host order). ≤ 12× needs a 10,000-host evacuation within 1.22× of a 1,000-host one; this run measured 1.58× and 1.34×.',
];

export function markdown(r: Results): string {
  const m = r.machine;
  const byName = new Map(r.figures.map((f) => [f.name, f]));
  const val = (name: string) => {
    const f = byName.get(name);
    return f && !skipped(f) && f.value > 0 ? f.value : undefined;
  };
  const la = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  const lines = [
    `# headroom bench${r.quick ? ' (quick sizes: a smoke run, not figures to quote)' : ''}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}. Load average (1 / 5 / 15 min) ${la(m.loadAverageStart)} at start, ${la(m.loadAverageEnd)} at the end${m.loadAverageStart[0] >= 1 ? ` — other processes were using the ${m.cores} cores. Rates and per-replication costs are CPU time, which that load stretches far less than wall time (it still costs caches); the Monte Carlo speed-up and the wall times are directly affected` : ''}. ${r.date}.`,
    '',
    '## Engine, plain heap loop (ceiling) and SimPy, same models and sizes',
    '',
    '| model | size | SimPy (events/s) | engine (events/s) | ceiling (events/s) | engine ÷ ceiling | engine ÷ SimPy |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of PEER_ROWS) {
    const simpy = byName.get(row.simpy);
    const e = val(row.engine), c = val(row.ceiling), s = val(row.simpy);
    const size = (byName.get(row.engine)?.extra ?? '').split(', median')[0];
    lines.push(`| ${row.model} | ${cell(size)} | ${simpy && skipped(simpy) ? 'skipped' : fmt(s)} | ${fmt(e)} | ${fmt(c)} | ${ratio(e, c)} | ${ratio(e, s)} |`);
  }
  lines.push('', EVENT_COUNTING);
  const spreads = PEER_ROWS.map((row) => [row.model, /per-round .*$/.exec(byName.get(row.engine)?.extra ?? '')?.[0]] as const).filter(([, s]) => s);
  if (spreads.length) lines.push('', `Spread over the rounds (load on the machine): ${spreads.map(([m, s]) => `${m}: ${s}`).join('; ')}.`);
  const simpySkip = r.figures.find((f) => PEER_SET.has(f.name) && skipped(f));
  if (simpySkip) lines.push('', `SimPy ${simpySkip.extra}.`);

  const studies = r.figures.filter((f) => f.unit === 'ms');
  lines.push(
    '', '## Per-study costs (one thread, median CPU ms per replication)', '',
    'CPU time of the process (user + system) per replication, median over the replications; the median wall time is in the notes. Ratio to ceiling = how many plain-heap-loop hold events fit in the same time (ms × ceiling events/s).', '',
    '| figure | ms | ratio to ceiling | notes |', '| --- | ---: | ---: | --- |',
    ...studies.map((f) => `| ${cell(f.name)} | ${fmt(f.value)} | ${fmt(f.ratioToCeiling)} | ${cell(f.extra)} |`),
  );
  const other = r.figures.filter((f) => f.unit !== 'ms' && !PEER_SET.has(f.name));
  lines.push(
    '', '## Other figures', '',
    '| figure | value | unit | ratio to ceiling | notes |', '| --- | ---: | --- | ---: | --- |',
    ...other.map((f) => `| ${cell(f.name)} | ${skipped(f) ? 'skipped' : fmt(f.value)} | ${f.unit} | ${f.ratioToCeiling === undefined ? '–' : fmt(f.ratioToCeiling)} | ${cell(f.extra)} |`),
  );
  const ceil = byName.get(PEER_NAMES.heapHold);
  lines.push(
    '', `Ceiling for the ratios: ${fmt(ceil?.value)} events/s (plain heap loop, hold model). Rates are divided by it, times (ms, s) multiplied by it; bytes, MiB, speed-ups and time ratios have no ratio.`,
    `Engine ÷ ceiling (hold model): ${ratio(val(PEER_NAMES.engineHold), ceil?.value)} (target ≥ 0.6); engine ÷ SimPy: ${ratio(val(PEER_NAMES.engineHold), val(PEER_NAMES.simpyHold))}.`,
  );
  lines.push('', ...HOST_INDEX_NOTES);
  return lines.join('\n') + '\n';
}
