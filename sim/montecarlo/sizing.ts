import { Piscina } from 'piscina';
import { parse, stringify } from 'yaml';
import { designScenario, loadScenarioText, type LoadedScenario, type StudyPlan } from '../scenario/load.js';
import { setPath, type Json } from '../scenario/merge.js';
import { ScenarioError } from '../scenario/problems.js';
import type { Knob, Target } from '../scenario/targets.js';
import { proportionCi } from '../stats/summary.js';
import { tQuantile } from '../stats/t.js';
import type { Capacity, StudyDefinition, StudyInput } from '../studies/study.js';
import { layoutOf } from './layout.js';
import { defaultWorkers } from './run.js';
import type { Task } from './worker.js';

/**
 * `headroom size`: for each design's knob and each target of its study, the least setting (in
 * the knob's safe direction) that meets the target — docs/sizing.md.
 *
 * The search is a bisection over the knob's grid (from, from + step, …, to), on the predicate
 * "this setting is shown to meet the target". Deterministic targets (`headroom check`'s N+1,
 * N+2, rack) are answered exactly. A stochastic target is shown met when the one-sided bound of
 * its mean at the target's confidence is on the right side of the bound, and shown missed when
 * the opposite bound is on the wrong side; while neither, replications double (common random
 * numbers: replication r of every candidate sees the same failures) up to the budget, after
 * which the candidate counts as not shown to meet. Every decision is a function of the
 * replications' values alone, so the answer is the same for any worker count.
 */
export type Verdict = 'meets' | 'fails' | 'undecided';

export interface Evaluation {
  value: number;
  verdict: Verdict;
  /** Stochastic: replications run, the mean and its one-sided bounds at the target's confidence. */
  n?: number;
  estimate?: number;
  lower?: number;
  upper?: number;
  /** Deterministic: failures checked and how many strand instances; the worst of them. */
  failures?: number;
  stranding?: number;
  worst?: string;
}

export interface CostAt {
  value: number;
  heldBackBytes: number;
  /** Held back / physical RAM. */
  heldBackFraction: number;
  instances: number;
  /** Instances the reference design (the study's first) places that this setting does not (negative: more sold). */
  instancesLost: number;
  /** RAM held back beyond the reference design's, bytes. */
  extraHeldBackBytes: number;
}

export interface SizingAnswer {
  study: string;
  design: string;
  knob: string;
  unit: string;
  safer: 'higher' | 'lower';
  range: [number, number];
  step: number;
  target: string;
  kind: 'stochastic' | 'check';
  class: string;
  description: string;
  /** The bound (stochastic), its metric and confidence. */
  metric?: string;
  metricLabel?: string;
  metricUnit?: string;
  max?: number;
  min?: number;
  confidence?: number;
  /** The least safe setting shown to meet (`configure`) and its neighbour not shown to (`lo`–`hi` sorted); null: cannot. */
  answer: { lo: number; hi: number; configure: number } | null;
  /** With no answer, the safest setting evaluated and what it reached. */
  best: Evaluation;
  cost: CostAt | null;
  replications: number;
  /** A sweep of every grid point at the budget would run this many. */
  sweepReplications: number;
  evaluations: Evaluation[];
}

export interface SizingReport {
  answers: SizingAnswer[];
  replications: number;
  sweepReplications: number;
}

export interface SizingOptions {
  workers?: number;
  /** One line per candidate evaluated (stderr in the CLI). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/** The grid of a knob in safety order: index 0 the least safe end, the last the safest. */
export function knobGrid(k: Knob): number[] {
  const out: number[] = [];
  const n = Math.floor((k.to - k.from) / k.step + 1e-9);
  for (let i = 0; i <= n; i++) out.push(roundKnob(k.from + i * k.step));
  if (out[out.length - 1] < k.to) out.push(k.to);
  return k.safer === 'higher' ? out : out.reverse();
}

/** Grid values free of float noise (0.1 + 0.2), so they print and compare exactly. */
function roundKnob(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * Least index i of a grid (monotone predicate: false … false true … true) with meets(i), by
 * bisection; the safest end is tried first (none meets: -1), then the least safe one.
 */
export async function bisect(count: number, meets: (i: number) => Promise<boolean>): Promise<number> {
  if (!(await meets(count - 1))) return -1;
  if (count === 1 || (await meets(0))) return 0;
  let lo = 0, hi = count - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (await meets(mid)) hi = mid; else lo = mid;
  }
  return hi;
}

/** One-sided bounds of a mean at `confidence`: Wilson for a 0/1 metric, Student t otherwise. */
export function oneSided(values: ArrayLike<number>, n: number, confidence: number, proportion: boolean): { estimate: number; lower: number; upper: number } {
  let sum = 0, ones = 0, binary = proportion;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v === 1) ones++; else if (v !== 0) binary = false;
  }
  const mean = sum / n;
  if (binary) {
    const [lower, upper] = proportionCi(ones, n, 2 * confidence - 1);
    return { estimate: mean, lower, upper };
  }
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const half = n > 1 ? (tQuantile(confidence, n - 1) * Math.sqrt(ss / (n - 1))) / Math.sqrt(n) : Infinity;
  return { estimate: mean, lower: mean - half, upper: mean + half };
}

export function verdictOf(t: Pick<Target, 'max' | 'min'>, b: { lower: number; upper: number }): Verdict {
  if (t.max !== undefined) return b.upper <= t.max ? 'meets' : b.lower > t.max ? 'fails' : 'undecided';
  return b.lower >= t.min! ? 'meets' : b.upper < t.min! ? 'fails' : 'undecided';
}

/** The scenario as one candidate: design merged, knob set, failure class applied, this study only. */
export function candidateText(loaded: LoadedScenario, plan: StudyPlan, design: string, knob: string | undefined, value: number | undefined, cls: string | undefined, replications: number): string {
  const raw = parse(loaded.text) as Record<string, Json>;
  const merged = designScenario(raw, plan.name, design);
  for (const k of ['expect', 'targets', 'sizing']) delete merged[k];
  merged.seed = loaded.seed;
  merged.replications = replications;
  const studies = merged.studies as Record<string, Json>;
  merged.studies = { [plan.name]: studies[plan.name] };
  const section = (merged.studies as Record<string, Record<string, Json>>)[plan.name];
  delete section.designs;
  delete section.sweeps;
  section.replications = replications;
  if (knob !== undefined && value !== undefined) setPath(merged, knob.split('.'), value);
  if (cls !== undefined) plan.definition.sizing!.classes[cls].restrict(section);
  return stringify(merged);
}

/** Loads a candidate; a knob value the schema rejects is reported at the knob, in the user's file. */
function loadCandidate(loaded: LoadedScenario, text: string, knob?: Knob, value?: number): { plan: StudyPlan; input: StudyInput<unknown> } {
  try {
    const c = loadScenarioText(text, loaded.file, {}, loaded.memo);
    return { plan: c.studies[0], input: c.studies[0].variants[0].input };
  } catch (e) {
    if (!(e instanceof ScenarioError) || knob === undefined) throw e;
    throw new ScenarioError([{ file: loaded.file, line: 1, col: 1, path: ['sizing', knob.study, 'knobs', knob.design], message: `at ${knob.parameter} = ${value}: ${e.problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}` }]);
  }
}

/** Replication values per candidate text, grown on demand; one chain per text, so concurrent searches share them. */
class Candidates {
  private runs = new Map<string, { rows: Float64Array; n: number; stride: number; chain: Promise<void> }>();
  total = 0;
  constructor(private pool: () => Piscina, private workers: number, private file: string, private study: string) {}

  async rows(text: string, stride: number, n: number): Promise<{ rows: Float64Array; stride: number }> {
    let r = this.runs.get(text);
    if (r === undefined) this.runs.set(text, r = { rows: new Float64Array(0), n: 0, stride, chain: Promise.resolve() });
    const run = r;
    run.chain = run.chain.then(async () => {
      if (run.n >= n) return;
      const grown = new Float64Array(n * stride);
      grown.set(run.rows.subarray(0, run.n * stride));
      const from = run.n;
      const chunk = Math.max(1, Math.ceil((n - from) / (this.workers * 4)));
      const jobs: Promise<void>[] = [];
      for (let a = from; a < n; a += chunk) {
        const b = Math.min(n, a + chunk);
        const task: Task = { text, file: this.file, overrides: {}, study: this.study, from: a, to: b };
        jobs.push(this.pool().run(task).then((out: Float64Array) => { grown.set(out.subarray(0, (b - a) * stride), a * stride); }));
      }
      await Promise.all(jobs);
      this.total += n - from;
      run.rows = grown;
      run.n = n;
    });
    await run.chain;
    return { rows: run.rows, stride };
  }
}

function formatKnob(v: number, unit: string): string {
  return unit ? `${v} ${unit}` : String(v);
}

/** Runs every knob against every target of its study. */
export async function sizeScenario(loaded: LoadedScenario, opts: SizingOptions = {}): Promise<SizingReport> {
  const { targets, knobs, replications } = loaded.sizing;
  const workers = Math.max(1, opts.workers ?? defaultWorkers());
  // Started at the first stochastic candidate: deterministic targets need no worker.
  let started: Piscina | undefined;
  const pool = () => (started ??= new Piscina({ filename: new URL('./worker.js', import.meta.url).href, minThreads: workers, maxThreads: workers, idleTimeout: 1000, concurrentTasksPerWorker: 1 }));
  const onAbort = () => { void started?.destroy(); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const say = opts.onProgress ?? (() => {});
  const candidates = new Map<string, Candidates>();
  try {
    const jobs: Promise<SizingAnswer>[] = [];
    for (const knob of knobs) {
      const plan = loaded.studies.find((p) => p.name === knob.study)!;
      const def = plan.definition as StudyDefinition;
      let cands = candidates.get(plan.name);
      if (cands === undefined) candidates.set(plan.name, cands = new Candidates(pool, workers, loaded.file, plan.name));
      const reference = loadCandidate(loaded, candidateText(loaded, plan, plan.designs[0], undefined, undefined, undefined, 1)).input;
      const refCap = def.sizing!.capacity(reference);
      for (const target of targets.filter((t) => t.study === knob.study)) {
        jobs.push(searchOne(loaded, plan, def, knob, target, replications[knob.study] ?? { initial: 50, max: 1000 }, cands, refCap, say));
      }
    }
    const answers = await Promise.all(jobs);
    // Targets of one failure class share a candidate's replications: count each run once.
    const total = [...candidates.values()].reduce((s, c) => s + c.total, 0);
    return { answers, replications: total, sweepReplications: answers.reduce((s, a) => s + a.sweepReplications, 0) };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await started?.destroy();
  }
}

async function searchOne(
  loaded: LoadedScenario, plan: StudyPlan, def: StudyDefinition, knob: Knob, target: Target,
  reps: { initial: number; max: number }, cands: Candidates, refCap: Capacity, say: (line: string) => void,
): Promise<SizingAnswer> {
  const grid = knobGrid(knob);
  const evals = new Map<number, Evaluation>();
  let used = 0;
  const label = `${plan.name}/${knob.design} ${target.name}`;
  const inputAt = (value: number, cls?: string) => {
    const text = candidateText(loaded, plan, knob.design, knob.parameter, value, cls, reps.max);
    return { text, ...loadCandidate(loaded, text, knob, value) };
  };
  const evaluate = async (i: number): Promise<Evaluation> => {
    const value = grid[i];
    const known = evals.get(i);
    if (known) return known;
    let e: Evaluation;
    if (target.kind === 'check') {
      const r = def.sizing!.checks[target.class].run(inputAt(value).input);
      e = { value, verdict: r.passed ? 'meets' : 'fails', failures: r.failures, stranding: r.stranding, ...(r.worst && r.stranding > 0 ? { worst: `${r.worst}: ${r.worstCount} stranded` } : {}) };
      say(`${label}: ${formatKnob(value, knob.unit)} → ${r.passed ? 'passes' : `fails (${r.stranding} of ${r.failures} failures strand instances)`}`);
    } else {
      const { text, plan: cplan } = inputAt(value, target.class);
      const layout = layoutOf(cplan);
      const col = Object.keys(def.metrics).indexOf(target.metric!);
      const proportion = target.unit === '0/1';
      let n = Math.min(reps.initial, reps.max);
      for (;;) {
        const { rows, stride } = await cands.rows(text, layout.stride, n);
        const column = new Float64Array(n);
        for (let r = 0; r < n; r++) column[r] = rows[r * stride + col];
        const b = oneSided(column, n, target.confidence, proportion);
        const verdict = verdictOf(target, b);
        e = { value, verdict, n, ...b };
        if (verdict !== 'undecided' || n >= reps.max) break;
        n = Math.min(reps.max, n * 2);
      }
      used += n;
      say(`${label}: ${formatKnob(value, knob.unit)} → ${e.verdict} (n ${n}, mean ${e.estimate!.toPrecision(3)}, bounds ${e.lower!.toPrecision(3)}–${e.upper!.toPrecision(3)})`);
    }
    evals.set(i, e);
    return e;
  };
  const found = await bisect(grid.length, async (i) => (await evaluate(i)).verdict === 'meets');
  const evaluations = [...evals.values()].sort((a, b) => a.value - b.value);
  const safest = evals.get(grid.length - 1)!;
  let answer: SizingAnswer['answer'] = null;
  let cost: CostAt | null = null;
  if (found >= 0) {
    const lo = grid[Math.max(0, found - 1)], hi = grid[found];
    answer = { lo: Math.min(lo, hi), hi: Math.max(lo, hi), configure: hi };
    if (found === 0) answer = { lo: hi, hi, configure: hi };
    const cap = def.sizing!.capacity(inputAt(hi).input);
    cost = {
      value: hi, heldBackBytes: cap.heldBackBytes, heldBackFraction: cap.heldBackBytes / cap.physicalBytes, instances: cap.instances,
      instancesLost: refCap.instances - cap.instances, extraHeldBackBytes: cap.heldBackBytes - refCap.heldBackBytes,
    };
  }
  return {
    study: plan.name, design: knob.design, knob: knob.parameter, unit: knob.unit, safer: knob.safer, range: [knob.from, knob.to], step: knob.step,
    target: target.name, kind: target.kind, class: target.class, description: target.description,
    ...(target.metric !== undefined ? { metric: target.metric, metricLabel: target.label ?? target.metric, metricUnit: target.unit ?? '' } : {}),
    ...(target.max !== undefined ? { max: target.max } : {}),
    ...(target.min !== undefined ? { min: target.min } : {}),
    ...(target.kind === 'stochastic' ? { confidence: target.confidence } : {}),
    answer, best: safest, cost,
    replications: used,
    sweepReplications: target.kind === 'check' ? 0 : grid.length * reps.max,
    evaluations,
  };
}
