import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { layoutOf } from '../../sim/montecarlo/layout.js';
import { replicateRange, type FailureRecord } from '../../sim/montecarlo/replicate.js';

/** Runs an accepted fuzz mutant with 2 replications (as `headroom run --replications 2` would) and reports its failures. */
const loaded = loadScenarioText(workerData.text as string, 'fuzz.yaml', { replications: 2 });
const failures: FailureRecord[] = [];
for (const plan of loaded.studies) {
  const layout = layoutOf(plan);
  const out = new Float64Array(2 * layout.stride);
  replicateRange(plan, layout, loaded.seed, 0, 2, out, undefined, failures);
}
parentPort!.postMessage({ failures: failures.map((f) => `${f.variant} replication ${f.replication}: ${f.message}`) });
