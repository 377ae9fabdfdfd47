import { Piscina } from 'piscina';
import { loadScenarioText, type LoadedScenario, type Overrides } from '../scenario/load.js';
import { Memo } from '../studies/memo.js';
import { layoutOf } from './layout.js';
import { replicateRange, type FailureRecord } from './replicate.js';

/** One chunk of replications of one study. The scenario travels as text and is parsed once per worker. */
export interface Task {
  text: string;
  file: string;
  overrides: Overrides;
  study: string;
  from: number;
  to: number;
}

let cached: { key: string; loaded: LoadedScenario } | undefined;
/**
 * This worker's context for every scenario it loads: a sizing search sends its candidates in
 * turn, and those with the same initial layout share one fill.
 */
const memo = new Memo();

/** Returns rows (to − from) × stride, then one trailing value: events fired. */
export default function runTask(task: Task): Float64Array {
  const key = `${task.file}\0${JSON.stringify(task.overrides)}\0${task.text}`;
  if (cached?.key !== key) cached = { key, loaded: loadScenarioText(task.text, task.file, task.overrides, memo) };
  const loaded = cached.loaded;
  const plan = loaded.studies.find((s) => s.name === task.study);
  if (!plan) throw new Error(`worker: study ${task.study} not in scenario`);
  const layout = layoutOf(plan);
  const out = new Float64Array((task.to - task.from) * layout.stride + 1);
  const failures: FailureRecord[] = [];
  out[out.length - 1] = replicateRange(plan, layout, loaded.seed, task.from, task.to, out, undefined, failures);
  if (failures.length > 0) {
    // Errors cross the thread boundary as plain messages: encode what the CLI needs to say
    // (the first few failures in full, and how many replications of the chunk failed).
    const replications = new Set(failures.map((f) => f.replication)).size;
    throw new Error(`REPLICATION_ERROR ${JSON.stringify({ failures: failures.slice(0, 3), replications, runs: failures.length })}`);
  }
  return Piscina.move(out) as unknown as Float64Array;
}
