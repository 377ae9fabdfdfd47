/**
 * Closed-form queueing results (VALIDATION.md §1–4) that a validation chart sets the simulated
 * estimates against. The reports compute them from the scenario's own parameters rather than
 * trusting numbers typed into a file, so a wrong formula and a wrong simulator cannot agree by
 * accident. A study may also publish `exact` values itself (summary.json
 * studies.<s>.designs.<d>.exact); those take precedence.
 */
import { distribution } from '../sim/random/spec.js';
import { parseUnit } from '../sim/scenario/units.js';

/** Steady-state means of a queue: waiting time, time in system, numbers waiting / in system, utilisation. */
export interface QueueMeans {
  /** Mean wait before service, Wq (s). */
  wait: number;
  /** Mean time in system, W (s). */
  response: number;
  /** Mean number waiting, Lq. */
  queue_length: number;
  /** Mean number in system, L. */
  number_in_system: number;
  /** Per-server utilisation ρ. */
  utilisation: number;
  /** L − λW is zero by Little's law. */
  littles_law_error: number;
  /** P(an arrival waits), or in a loss system P(all servers busy). */
  wait_probability: number;
  /** Fraction of arrivals lost (loss systems only). */
  blocking: number;
  /** Mean response ÷ service time (given where the theory gives it simply: PS). */
  response_per_size?: number;
}

function means(lambda: number, wq: number, es: number, rho: number, waitProbability: number): QueueMeans {
  const w = wq + es;
  return {
    wait: wq, response: w, queue_length: lambda * wq, number_in_system: lambda * w, utilisation: rho,
    littles_law_error: 0, wait_probability: waitProbability, blocking: 0,
  };
}

function stable(rho: number): void {
  if (!(rho < 1)) throw new Error(`unstable queue: utilisation ${rho} (expected < 1)`);
}

export function mm1(lambda: number, mu: number): QueueMeans {
  const rho = lambda / mu;
  stable(rho);
  return means(lambda, rho / (mu - lambda), 1 / mu, rho, rho);
}

/** Erlang B by the stable recursion B(0)=1, B(k) = a·B(k−1)/(k + a·B(k−1)). */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: probability an arrival waits in M/M/c; a = λ/μ offered load. */
export function erlangC(c: number, a: number): number {
  const rho = a / c;
  stable(rho);
  const b = erlangB(c, a);
  return b / (1 - rho * (1 - b));
}

export function mmc(lambda: number, mu: number, c: number): QueueMeans {
  const a = lambda / mu;
  const rho = a / c;
  const C = erlangC(c, a);
  return means(lambda, C / (c * mu - lambda), 1 / mu, rho, C);
}

/** M/G/1 FCFS, Pollaczek–Khinchine: Wq = ρE[S](1 + C²)/(2(1 − ρ)). */
export function mg1(lambda: number, meanService: number, scv: number): QueueMeans {
  const rho = lambda * meanService;
  stable(rho);
  // PASTA: an arrival finds the server busy with probability ρ.
  return means(lambda, (rho * meanService * (1 + scv)) / (2 * (1 - rho)), meanService, rho, rho);
}

/**
 * M/G/1 processor sharing: E[T] = E[S]/(1 − ρ) whatever the service distribution. Nobody waits
 * before service starts, so "wait" is the slowdown E[T] − E[S] and "queue length" the jobs
 * beyond the one-server-equivalent, L − ρ.
 */
export function mg1ps(lambda: number, meanService: number): QueueMeans {
  const rho = lambda * meanService;
  stable(rho);
  const t = meanService / (1 - rho);
  return { ...means(lambda, t - meanService, meanService, rho, rho), response_per_size: 1 / (1 - rho) };
}

/** M/M/c/c (Erlang loss): nobody waits; a fraction B(c, a) is turned away. */
export function mmcLoss(lambda: number, meanService: number, c: number): QueueMeans {
  const a = lambda * meanService;
  const b = erlangB(c, a);
  const carried = a * (1 - b);
  return {
    wait: 0, response: meanService, queue_length: 0, number_in_system: carried, utilisation: carried / c,
    littles_law_error: 0, wait_probability: b, blocking: b,
  };
}

/** P(at least k of n independent hosts down), each down with probability u = MTTR/(MTBF+MTTR). */
export function atLeastKDown(n: number, k: number, u: number): number {
  let p = 0;
  let coef = 1; // C(n, j), built up incrementally
  for (let j = 0; j <= n; j++) {
    if (j > 0) coef = (coef * (n - j + 1)) / j;
    if (j >= k) p += coef * u ** j * (1 - u) ** (n - j);
  }
  return p;
}

/** Machine repairman: N hosts, failure rate λ per up host, r crews of rate μ; returns p_k. */
export function machineRepairman(n: number, lambda: number, mu: number, crews: number): number[] {
  const p = [1];
  for (let k = 1; k <= n; k++) p.push((p[k - 1] * (n - k + 1) * lambda) / (Math.min(k, crews) * mu));
  const total = p.reduce((s, x) => s + x, 0);
  return p.map((x) => x / total);
}

/** Tail probabilities where the theory gives them: P(wait > t) and P(N ≥ k). */
export interface QueueTails {
  waitTail?: (t: number) => number;
  numberTail?: (k: number) => number;
}

/** M/M/c: P(Wq > t) = C·e^{−(cμ−λ)t}; P(N ≥ k) from the stationary p_n (VALIDATION.md §2). */
export function mmcTails(lambda: number, mu: number, c: number): QueueTails {
  const a = lambda / mu;
  const rho = a / c;
  stable(rho);
  const C = erlangC(c, a);
  const head: number[] = [];
  let term = 1;
  for (let n = 0; n < c; n++) { head.push(term); term *= a / (n + 1); }
  // term is now a^c/c!; the states n ≥ c form a geometric tail of ratio ρ.
  const total = head.reduce((s, x) => s + x, 0) + term / (1 - rho);
  const p = (n: number) => (n < c ? head[n] : term * rho ** (n - c)) / total;
  return {
    waitTail: (t) => C * Math.exp(-(c * mu - lambda) * t),
    numberTail: (k) => { let below = 0; for (let n = 0; n < k; n++) below += p(n); return 1 - below; },
  };
}

/** M/G/1 processor sharing: the number in system is geometric whatever the service law, P(N ≥ k) = ρ^k. */
export function psTails(lambda: number, meanService: number): QueueTails {
  const rho = lambda * meanService;
  stable(rho);
  return { numberTail: (k) => rho ** k };
}

const serviceSpec = distribution('duration');

function pick(section: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (section[k] !== undefined) return section[k];
  return undefined;
}

/**
 * Exact means for a queue study's scenario section, or undefined when the section does not
 * describe a queue this module knows. Accepted keys (first found wins):
 *   arrival_rate | lambda | arrivals: a rate ('0.8/s' or a number per second)
 *   service | service_time: a distribution spec (see sim/random/spec.ts)
 *   servers | c: count (default 1)
 *   model: mmc | mg1-fcfs | mg1-ps | mmc-loss (the queue study's names), or
 *   discipline: fcfs (default) | ps
 */
export function exactFromConfig(section: Record<string, unknown>): QueueMeans | undefined {
  const rateSpec = pick(section, ['arrival_rate', 'lambda', 'arrivals']);
  const service = pick(section, ['service', 'service_time']);
  if (rateSpec === undefined || service === undefined) return undefined;
  const lambda = typeof rateSpec === 'number' ? rateSpec : parseUnit(rateSpec as string, 'rate');
  const parsed = serviceSpec.safeParse(service);
  if (lambda === undefined || !parsed.success) return undefined;
  const s = parsed.data;
  const servers = Number(pick(section, ['servers', 'c']) ?? 1);
  // The queue study names its model (mmc | mg1-fcfs | mg1-ps | mmc-loss); older sections a discipline.
  const model = String(section.model ?? '').toLowerCase();
  const discipline = model === 'mg1-ps' ? 'ps' : String(section.discipline ?? 'fcfs').toLowerCase();
  const scv = s.variance / (s.mean * s.mean);
  try {
    if (model === 'mmc-loss') return mmcLoss(lambda, s.mean, servers);
    if (discipline === 'ps') return servers === 1 ? mg1ps(lambda, s.mean) : undefined;
    if (servers === 1) return mg1(lambda, s.mean, scv);
    // Multi-server closed form exists only for exponential service.
    return Math.abs(scv - 1) < 1e-9 ? mmc(lambda, 1 / s.mean, servers) : undefined;
  } catch {
    return undefined; // unstable: no steady state to compare against
  }
}

/** Tails for a queue section (same keys as exactFromConfig); {} where no closed form applies. */
export function exactTailsFromConfig(section: Record<string, unknown>): QueueTails {
  const rateSpec = pick(section, ['arrival_rate', 'lambda', 'arrivals']);
  const service = pick(section, ['service', 'service_time']);
  if (rateSpec === undefined || service === undefined) return {};
  const lambda = typeof rateSpec === 'number' ? rateSpec : parseUnit(rateSpec as string, 'rate');
  const parsed = serviceSpec.safeParse(service);
  if (lambda === undefined || !parsed.success) return {};
  const s = parsed.data;
  const servers = Number(pick(section, ['servers', 'c']) ?? 1);
  const model = String(section.model ?? '').toLowerCase();
  const ps = model === 'mg1-ps' || String(section.discipline ?? '').toLowerCase() === 'ps';
  const exponential = Math.abs(s.variance / (s.mean * s.mean) - 1) < 1e-9;
  try {
    if (model === 'mmc-loss') return {};
    if (ps) return servers === 1 ? psTails(lambda, s.mean) : {};
    return exponential ? mmcTails(lambda, 1 / s.mean, servers) : {};
  } catch {
    return {};
  }
}
