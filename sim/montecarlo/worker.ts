import { Piscina } from 'piscina';
import { loadScenarioText, type LoadedScenario, type Overrides } from '../scenario/load.js';
import { layoutOf } from './layout.js';
import { replicateRange, ReplicationError } from './replicate.js';

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

/** Returns rows (to − from) × stride, then one trailing value: events fired. */
export default function runTask(task: Task): Float64Array {
  const key = `${task.file}\0${JSON.stringify(task.overrides)}\0${task.text}`;
  if (cached?.key !== key) cached = { key, loaded: loadScenarioText(task.text, task.file, task.overrides) };
  const loaded = cached.loaded;
  const plan = loaded.studies.find((s) => s.name === task.study);
  if (!plan) throw new Error(`worker: study ${task.study} not in scenario`);
  const layout = layoutOf(plan);
  const out = new Float64Array((task.to - task.from) * layout.stride + 1);
  try {
    out[out.length - 1] = replicateRange(plan, layout, loaded.seed, task.from, task.to, out);
  } catch (e) {
    if (e instanceof ReplicationError) {
      // Errors cross the thread boundary as plain messages: encode what the CLI needs to say.
      throw new Error(`REPLICATION_ERROR ${JSON.stringify({ replication: e.replication, seed: e.seed, variant: e.variant, message: (e.cause as Error)?.message ?? String(e.cause), stack: (e.cause as Error)?.stack })}`);
    }
    throw e;
  }
  return Piscina.move(out) as unknown as Float64Array;
}
