/**
 * Closed-form values that a validation chart sets the simulated estimates against. The formulas
 * live in one place, the queue study (sim/studies/queue.ts exactQueueValues); the report only
 * reads the study's section of the scenario for one design, exactly as the loader would, and asks
 * the study. Computing them from the scenario rather than trusting numbers typed into a file
 * means a wrong formula and a wrong simulator cannot agree by accident. A study may also publish
 * `exact` values itself (summary.json studies.<s>.designs.<d>.exact); those take precedence.
 */
import { exactQueueValues, queueStudy, type QueueConfig } from '../sim/studies/queue.js';
import { designSection } from '../sim/scenario/load.js';
import { getPath } from '../sim/scenario/merge.js';
import type { StudyInput } from '../sim/studies/study.js';

/**
 * The queue study's config for one design of a parsed scenario, or undefined when there is no
 * queue section or the loader would reject it (schema or the study's own check, e.g. ρ ≥ 1: no
 * steady state to compare against). The section is merged by the loader's own designSection.
 */
export function queueConfig(scenario: unknown, design: string): QueueConfig | undefined {
  const raw = designSection(scenario, queueStudy.name, design);
  if (raw === undefined) return undefined;
  const parsed = queueStudy.schema.safeParse(raw);
  if (!parsed.success) return undefined;
  const name = getPath(scenario, ['name']);
  // The queue study needs no cloud (needsCloud: false), and its check reads only the config.
  const input: StudyInput<QueueConfig> = {
    scenarioName: typeof name === 'string' ? name : '', seed: 0, horizon: 0, design, cloud: undefined as never, config: parsed.data,
  };
  return (queueStudy.check?.(input) ?? []).length === 0 ? parsed.data : undefined;
}

/** Closed-form metric values (queue study metric names) of one design, in the study's metric order. */
export function exactMetrics(studyName: string, scenario: unknown, design: string): Record<string, number> | undefined {
  const cfg = studyName === queueStudy.name ? queueConfig(scenario, design) : undefined;
  if (!cfg) return undefined;
  const e = exactQueueValues(cfg) as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const m of Object.keys(queueStudy.metrics)) {
    const v = e[m];
    if (typeof v === 'number' && Number.isFinite(v)) out[m] = v;
  }
  return out;
}

/** The queue study's tail series and the closed form each one has. */
const TAILS: Record<string, 'waitTail' | 'numberTail'> = { wait_tail: 'waitTail', number_in_system_tail: 'numberTail' };

/** The closed form of a series of one design as a function of its x, where the theory gives one. */
export function exactSeries(studyName: string, scenario: unknown, design: string, series: string): ((x: number) => number) | undefined {
  const which = TAILS[series];
  const cfg = which && studyName === queueStudy.name ? queueConfig(scenario, design) : undefined;
  return cfg ? exactQueueValues(cfg)[which] : undefined;
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
