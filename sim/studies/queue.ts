import { z } from 'zod';
import { distribution } from '../random/spec.js';
import { count, duration, rate } from '../units/zod-units.js';
import { Simulation } from '../engine/simulation.js';
import { Limiter } from '../resources/limiter.js';
import { SharedLink } from '../resources/shared-link.js';
import { Tally, TimeWeighted } from '../resources/monitors.js';
import type { Rng } from '../random/streams.js';
import { Exponential } from '../random/distributions.js';
import type { MetricDef, Problem, Replication, SeriesDef, StudyDefinition, StudyInput } from './study.js';
import { grown } from '../engine/grow.js';

/**
 * Validation study: textbook queues built from the same engine and resources the OpenStack
 * models use, so their closed forms (docs/validation.md 1–4, 7) check the engine, the Limiter, the
 * SharedLink, the monitors and the statistics end to end.
 *
 *   mmc       Poisson arrivals, c servers (Limiter), FCFS, exponential service  — Erlang C
 *   mg1-fcfs  one server, FCFS, any service distribution                       — Pollaczek–Khinchine
 *   mg1-ps    one server shared by processor sharing (SharedLink, job size =
 *             service time × capacity 1)                                        — E[T] = E[S]/(1 − ρ)
 *   mmc-loss  c servers, no queue: arrivals that find all busy are lost         — Erlang B
 *
 * Measurement window: the first `warmup_jobs` arrivals are not counted; the next `jobs` are.
 * Time-weighted monitors cover [arrival of the first counted job, arrival of the last one];
 * per-job metrics cover the counted jobs, and the run goes on (arrivals continuing, which
 * processor sharing needs) until every counted job has left.
 */
export const queueSchema = z.object({
  model: z.enum(['mmc', 'mg1-fcfs', 'mg1-ps', 'mmc-loss'])
    .meta({ description: 'mmc (Erlang C), mg1-fcfs (Pollaczek–Khinchine), mg1-ps (processor sharing on a SharedLink), mmc-loss (Erlang B)' }),
  arrival_rate: rate().meta({ description: 'Poisson arrival rate, e.g. 3/s (a bare number is per second)' }),
  servers: count(1).default(1),
  service: distribution('duration'),
  jobs: count(2).default(100_000).meta({ description: 'counted jobs per replication' }),
  warmup_jobs: count(0).default(1_000).meta({ description: 'jobs at the start of each replication that are not counted' }),
  wait_tail_at: z.array(duration()).min(1).optional()
    .meta({ description: 'times t for the series P(wait > t) (default 0, ½, 1, 2, 4 × mean service)' }),
  number_in_system_tail: count(1).default(10).meta({ description: 'K for the series P(N ≥ k), k = 1..K' }),
}).strict();

export type QueueConfig = z.output<typeof queueSchema>;

/** Job-size bins of the slowdown series, as multiples of the mean service time (upper edges). */
const SLOWDOWN_BINS = [0.25, 0.5, 1, 2, 4, 8, 16];

function waitTailAt(c: QueueConfig): number[] {
  return c.wait_tail_at ?? [0, 0.5, 1, 2, 4].map((k) => k * c.service.mean);
}

const metrics = {
  wait: { label: 'Wait', unit: 's', kind: 'duration', description: 'mean time in queue per job (processor sharing: response − service time)' },
  response: { label: 'Response', unit: 's', kind: 'duration', description: 'mean time in system per job', undefinedWhen: 'no counted job was served (a loss system that blocks every arrival)' },
  queue_length: { label: 'Queue length', unit: 'jobs', kind: 'level', description: 'time-weighted mean number waiting, Lq (processor sharing: L − busy servers)' },
  number_in_system: { label: 'Number in system', unit: 'jobs', kind: 'level', description: 'time-weighted mean number in system, L' },
  utilisation: { label: 'Utilisation', unit: 'fraction', kind: 'fraction', description: 'time-weighted fraction of server capacity in use' },
  wait_probability: { label: 'Wait probability', unit: 'fraction', kind: 'fraction', description: 'fraction of arrivals finding every server busy (Erlang C; Erlang B in the loss model)' },
  blocking: { label: 'Blocking', unit: 'fraction', kind: 'fraction', description: 'fraction of arrivals lost (loss model only; 0 otherwise)' },
  littles_law_error: { label: "Little's law error", unit: 'fraction', kind: 'fraction', description: '|L − λW| / L from the simulator\'s own monitors (time-weighted L, measured λ and W)', undefinedWhen: 'no counted job was served (a loss system that blocks every arrival)' },
  response_per_size: { label: 'Response per size', unit: 'ratio', kind: 'ratio', description: 'mean of response / service time per job (processor sharing: 1/(1 − ρ) for any size)', undefinedWhen: 'no counted job was served (a loss system that blocks every arrival)' },
} as const satisfies Record<string, MetricDef>;

type QueueMetric = keyof typeof metrics;

/** Offered load per server, ρ = λ·E[S]/c. */
export function loadPerServer(c: QueueConfig): number {
  return (c.arrival_rate * c.service.mean) / c.servers;
}

function check(input: StudyInput<QueueConfig>): Problem[] {
  const c = input.config;
  const at = (key: string): (string | number)[] => ['studies', 'queue', key];
  const problems: Problem[] = [];
  if (!(c.arrival_rate > 0)) problems.push({ path: at('arrival_rate'), message: 'must be greater than zero (expected a rate like 3/s)' });
  if (!(c.service.mean > 0)) problems.push({ path: at('service'), message: 'mean service time must be greater than zero (expected e.g. {exponential: {mean: 1s}})' });
  if (c.model === 'mmc' && c.service.kind !== 'exponential') {
    problems.push({ path: at('service'), message: `model mmc needs exponential service times, got ${c.service.kind} (expected {exponential: {mean: …}}, or model mg1-fcfs)` });
  }
  if ((c.model === 'mg1-fcfs' || c.model === 'mg1-ps') && c.servers !== 1) {
    problems.push({ path: at('servers'), message: `model ${c.model} has one server, got ${c.servers} (expected servers: 1, or model mmc)` });
  }
  const rho = loadPerServer(c);
  if (c.model !== 'mmc-loss' && problems.length === 0 && rho >= 1) {
    problems.push({ path: at('arrival_rate'), message: `unstable queue: ρ = ${+rho.toFixed(6)} ≥ 1 (expected arrival_rate × mean service / servers < 1)` });
  }
  return problems;
}

function series(input: StudyInput<QueueConfig>): Record<string, SeriesDef> {
  const c = input.config;
  return {
    wait_tail: { label: 'P(wait > t)', unit: 'probability', description: 'P(wait > t) over counted jobs', x: waitTailAt(c), xLabel: 'wait t', xUnit: 's' },
    number_in_system_tail: {
      label: 'P(N ≥ k)', unit: 'probability', description: 'time-weighted P(N ≥ k)',
      x: Array.from({ length: c.number_in_system_tail }, (_, i) => i + 1), xLabel: 'jobs in system k', xUnit: 'jobs',
    },
    slowdown_by_size: {
      label: 'Slowdown by size', unit: 'ratio', description: 'mean response / service time of jobs whose service time falls in (previous x, x] (NaN when none)',
      x: SLOWDOWN_BINS.map((k) => k * c.service.mean), xLabel: 'service time', xUnit: 's',
    },
  };
}

/** One replication of a queue, on handler objects (no per-event allocation). */
class QueueModel {
  readonly sim = new Simulation(1024);
  private readonly c: number;
  private readonly fcfs: boolean;
  private readonly loss: boolean;
  private readonly servers: Limiter | undefined;
  private readonly link: SharedLink | undefined;
  private readonly arrivalId: number;
  private readonly startId: number;
  private readonly departId: number;
  private readonly interarrival: Exponential;
  private readonly first: number;
  private readonly last: number;

  // Per job (grown by doubling): arrival time and service time.
  private arrival = new Float64Array(1024);
  private size = new Float64Array(1024);
  private arrived = 0;
  private counted = 0; // counted jobs that are done (departed or lost)

  private readonly inSystem: TimeWeighted;
  private readonly levelTime: Float64Array; // time at N = 0..K (K = at least K)
  private levelSince = 0;
  private readonly waits = new Tally();
  private readonly responses = new Tally();
  private readonly perSize = new Tally();
  private readonly tailAt: number[];
  private readonly tailCount: Float64Array;
  private readonly binEdge: number[];
  private readonly binSum: Float64Array;
  private readonly binN: Float64Array;
  private allBusyArrivals = 0;
  private blocked = 0;
  private accepted = 0;
  private tFirst = NaN;
  private bytesAtFirst = 0;
  private snapshot: Float64Array | undefined;

  constructor(private readonly cfg: QueueConfig, private readonly arrivals: Rng, private readonly services: Rng) {
    const sim = this.sim;
    this.c = cfg.servers;
    this.fcfs = cfg.model !== 'mg1-ps';
    this.loss = cfg.model === 'mmc-loss';
    this.interarrival = new Exponential(1 / cfg.arrival_rate);
    this.first = cfg.warmup_jobs;
    this.last = cfg.warmup_jobs + cfg.jobs - 1;
    this.inSystem = new TimeWeighted(sim);
    this.levelTime = new Float64Array(cfg.number_in_system_tail + 1);
    this.tailAt = waitTailAt(cfg);
    this.tailCount = new Float64Array(this.tailAt.length);
    this.binEdge = SLOWDOWN_BINS.map((k) => k * cfg.service.mean);
    this.binSum = new Float64Array(this.binEdge.length);
    this.binN = new Float64Array(this.binEdge.length);
    // One server of capacity 1 per server: a job of service time s is s "bytes"; with c > 1 a
    // job is capped at one server's speed.
    if (this.fcfs) this.servers = new Limiter(sim, this.c, 'servers');
    else this.link = new SharedLink(sim, this.c, 'server');
    this.arrivalId = sim.addHandler('arrival', () => this.onArrival());
    this.startId = sim.addHandler('start', (j: number) => this.onStart(j));
    this.departId = sim.addHandler('departure', (j: number) => this.onDepart(j));
  }

  run(): Float64Array {
    this.sim.schedule(this.nextGap(), this.arrivalId);
    this.sim.run();
    if (this.counted !== this.cfg.jobs || this.snapshot === undefined) throw new Error(`queue: run ended with ${this.counted} of ${this.cfg.jobs} counted jobs done`);
    return this.snapshot;
  }

  private nextGap(): number {
    return this.interarrival.sample(this.arrivals);
  }

  private isCounted(j: number): boolean {
    return j >= this.first && j <= this.last;
  }

  /** Moves N by delta, keeping the time-at-level histogram. */
  private changeN(delta: number): void {
    const now = this.sim.now;
    const K = this.levelTime.length - 1;
    const n = this.inSystem.value;
    this.levelTime[n < K ? n : K] += now - this.levelSince;
    this.levelSince = now;
    this.inSystem.add(delta);
  }

  private onArrival(): void {
    const sim = this.sim;
    const j = this.arrived++;
    if (j === this.arrival.length) this.growJobs();
    const s = this.cfg.service.sample(this.services);
    this.arrival[j] = sim.now;
    this.size[j] = s;
    if (j === this.first) this.startWindow();
    const counted = this.isCounted(j);
    const busy = this.fcfs ? this.servers!.inUse >= this.c : this.inSystem.value >= this.c;
    if (counted && busy) this.allBusyArrivals++;
    if (this.loss && busy) {
      if (counted) { this.blocked++; this.jobDone(); }
    } else {
      if (counted) this.accepted++;
      this.changeN(1);
      // A free server means an empty queue (release() serves waiters at once), so starting
      // directly keeps FIFO and saves the grant event.
      if (this.fcfs) {
        if (this.servers!.tryAcquire()) this.onStart(j);
        else this.servers!.request(this.startId, j);
      } else this.link!.start(s, this.c > 1 ? 1 : Infinity, this.departId, j);
    }
    if (j === this.last) this.endWindow();
    // FCFS: later arrivals cannot change counted jobs, so stop generating them; PS: they can.
    if (j < this.last || !this.fcfs) sim.schedule(this.nextGap(), this.arrivalId);
  }

  private onStart(j: number): void {
    if (this.isCounted(j)) this.recordWait(this.sim.now - this.arrival[j]);
    this.sim.schedule(this.size[j], this.departId, j);
  }

  private onDepart(j: number): void {
    if (this.fcfs) this.servers!.release();
    this.changeN(-1);
    if (!this.isCounted(j)) return;
    const response = this.sim.now - this.arrival[j];
    const s = this.size[j];
    this.responses.add(response);
    if (!this.fcfs) this.recordWait(response - s);
    if (s > 0) {
      const ratio = response / s;
      this.perSize.add(ratio);
      for (let b = 0; b < this.binEdge.length; b++) {
        if (s <= this.binEdge[b]) { this.binSum[b] += ratio; this.binN[b]++; break; }
      }
    }
    this.jobDone();
  }

  private recordWait(w: number): void {
    this.waits.add(w);
    for (let i = 0; i < this.tailAt.length; i++) if (w > this.tailAt[i]) this.tailCount[i]++;
  }

  private jobDone(): void {
    if (++this.counted === this.cfg.jobs) this.sim.stop();
  }

  private startWindow(): void {
    this.tFirst = this.sim.now;
    this.inSystem.reset();
    this.levelTime.fill(0);
    this.levelSince = this.sim.now;
    if (this.servers) { this.servers.busy.reset(); this.servers.queue.reset(); }
    if (this.link) this.bytesAtFirst = this.link.transferred();
  }

  /** Time-weighted figures over the window, frozen at the last counted arrival. */
  private endWindow(): void {
    this.changeN(0);
    const span = this.sim.now - this.tFirst;
    const L = this.inSystem.mean();
    const U = this.servers ? this.servers.busy.mean() / this.c : this.link!.utilisation(this.tFirst, this.bytesAtFirst);
    const Lq = this.servers ? this.servers.queue.mean() : L - U * this.c;
    const tail = new Float64Array(this.levelTime.length - 1);
    let above = 0;
    for (let k = this.levelTime.length - 1; k >= 1; k--) { above += this.levelTime[k]; tail[k - 1] = above / span; }
    // Per-job metrics are added by values() once every counted job is done.
    this.snapshot = new Float64Array([L, Lq, U, span, ...tail]);
  }

  /** Metric and series values by name. */
  values(): Replication<QueueMetric> {
    const snap = this.snapshot!;
    const [L, Lq, U, span] = snap;
    const jobs = this.cfg.jobs;
    const lambdaAccepted = this.accepted / span;
    const W = this.responses.mean;
    const waitTail: number[] = [];
    for (let i = 0; i < this.tailAt.length; i++) waitTail.push(this.waits.count > 0 ? this.tailCount[i] / this.waits.count : 0);
    const slowdown: number[] = [];
    for (let b = 0; b < this.binEdge.length; b++) slowdown.push(this.binN[b] > 0 ? this.binSum[b] / this.binN[b] : NaN);
    return {
      metrics: {
        wait: this.waits.count > 0 ? this.waits.mean : 0,
        response: W,
        queue_length: Lq,
        number_in_system: L,
        utilisation: U,
        wait_probability: this.allBusyArrivals / jobs,
        blocking: this.blocked / jobs,
        littles_law_error: L > 0 ? Math.abs(L - lambdaAccepted * W) / L : 0,
        response_per_size: this.perSize.mean,
      },
      series: { wait_tail: waitTail, number_in_system_tail: snap.subarray(4), slowdown_by_size: slowdown },
      events: this.sim.eventsFired,
    };
  }

  private growJobs(): void {
    const n = this.arrival.length * 2;
    this.arrival = grown(this.arrival, n);
    this.size = grown(this.size, n);
  }
}

export const queueStudy: StudyDefinition<QueueConfig, QueueMetric> = {
  name: 'queue',
  title: 'Queueing validation',
  question: 'Does the simulator reproduce the closed forms of M/M/c, M/G/1 FCFS, M/G/1 processor sharing and Erlang B?',
  schema: queueSchema,
  metrics,
  needsCloud: false,
  series,
  check,
  // Response ÷ size = 1 + wait ÷ size in FCFS; the wait does not depend on the job's own size, so
  // E[wait ÷ size] = E[wait]·E[1 ÷ size], and E[1 ÷ S] is infinite for exponential service (its
  // density at 0 is positive). The per-replication means then have no finite mean either.
  heavyTailed(input) {
    const c = input.config;
    return (c.model === 'mmc' || c.model === 'mg1-fcfs') && c.service.kind === 'exponential' ? ['response_per_size'] : [];
  },
  exact(input) {
    const e = exactQueueValues(input.config);
    const values: Partial<Record<QueueMetric, number>> = {};
    for (const m of Object.keys(metrics) as QueueMetric[]) {
      const v = e[m];
      if (typeof v === 'number' && Number.isFinite(v)) values[m] = v;
    }
    const series: Record<string, (x: number) => number> = {};
    if (e.waitTail) series.wait_tail = e.waitTail;
    if (e.numberTail) series.number_in_system_tail = e.numberTail;
    return { metrics: values, series };
  },
  replicate(input, ctx) {
    const model = new QueueModel(input.config, ctx.streams.stream('arrivals'), ctx.streams.stream('service'));
    if (ctx.tracer) model.sim.tracer = ctx.tracer;
    model.run();
    return model.values();
  },
};

/** Closed-form values of the metrics the theory gives (undefined where it gives none). */
export interface QueueExact {
  wait?: number;
  response?: number;
  queue_length?: number;
  number_in_system?: number;
  utilisation?: number;
  wait_probability?: number;
  blocking?: number;
  response_per_size?: number;
  /** Little's law, L = λW, holds for every stable queue: the measured error's exact value is 0. */
  littles_law_error?: number;
  /** P(wait > t) */
  waitTail?: (t: number) => number;
  /** P(N ≥ k) */
  numberTail?: (k: number) => number;
}

/** Erlang B by the stable recursion B(0) = 1, B(k) = a·B(k−1)/(k + a·B(k−1)). */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C (probability of waiting in M/M/c) from Erlang B: C = B/(1 − ρ(1 − B)). */
export function erlangC(c: number, a: number): number {
  const b = erlangB(c, a);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

export function exactQueueValues(cfg: QueueConfig): QueueExact {
  // M/G/1 FCFS with exponential service is M/M/1, which also has closed-form tails.
  if (cfg.model === 'mg1-fcfs' && cfg.service.kind === 'exponential') return exactQueueValues({ ...cfg, model: 'mmc', servers: 1 });
  return { ...closedForms(cfg), littles_law_error: 0 };
}

function closedForms(cfg: QueueConfig): QueueExact {
  const lambda = cfg.arrival_rate, es = cfg.service.mean, c = cfg.servers;
  const a = lambda * es, rho = a / c;
  const c2 = cfg.service.variance / (es * es);
  switch (cfg.model) {
    case 'mmc': {
      const mu = 1 / es;
      const C = erlangC(c, a);
      const wq = C / (c * mu - lambda);
      // Stationary p_n: p0·aⁿ/n! below c, p0·aᶜ/c!·ρ^(n−c) from c on.
      const pn: number[] = [];
      let term = 1, sum = 0;
      for (let n = 0; n < c; n++) { pn.push(term); sum += term; term *= a / (n + 1); }
      sum += term / (1 - rho);
      const p = (n: number) => (n < c ? pn[n] : term * rho ** (n - c)) / sum;
      return {
        wait: wq, response: wq + es, queue_length: lambda * wq, number_in_system: lambda * (wq + es), utilisation: rho,
        wait_probability: C, blocking: 0,
        waitTail: (t) => C * Math.exp(-(c * mu - lambda) * t),
        numberTail: (k) => { let s = 0; for (let n = 0; n < k; n++) s += p(n); return 1 - s; },
      };
    }
    case 'mg1-fcfs': {
      const wq = (rho * es * (1 + c2)) / (2 * (1 - rho));
      return {
        wait: wq, response: wq + es, queue_length: lambda * wq, number_in_system: lambda * (wq + es), utilisation: rho,
        wait_probability: rho, blocking: 0,
      };
    }
    case 'mg1-ps': {
      const t = es / (1 - rho);
      return {
        wait: t - es, response: t, queue_length: lambda * (t - es), number_in_system: rho / (1 - rho), utilisation: rho,
        wait_probability: rho, blocking: 0, response_per_size: 1 / (1 - rho),
        numberTail: (k) => rho ** k,
      };
    }
    case 'mmc-loss': {
      const B = erlangB(c, a);
      return {
        response: es, wait: 0, number_in_system: a * (1 - B), utilisation: (a * (1 - B)) / c, queue_length: 0,
        wait_probability: B, blocking: B,
      };
    }
  }
}
