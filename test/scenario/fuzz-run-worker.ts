import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { layoutOf } from '../../sim/montecarlo/layout.js';
import { replicateRange, type FailureRecord } from '../../sim/montecarlo/replicate.js';

/**
 * Runs an accepted fuzz mutant with 2 replications (as `headroom run --replications 2` would) and
 * reports its failures. A study with more than MAX_VARIANTS designs × sweep points runs that many
 * of them, spread evenly, first and last included: validation checks every point's values, and
 * a mutant with 1,000 sweep points is large work, not a different kind of input. After each
 * variant it posts progress, so that the parent tells a hang (no variant finishing) from work.
 */
const MAX_VARIANTS = 12;
const loaded = loadScenarioText(workerData.text as string, 'fuzz.yaml', { replications: 2 });
const failures: FailureRecord[] = [];
for (const plan of loaded.studies) {
  const n = plan.variants.length;
  const picked = n <= MAX_VARIANTS ? plan.variants
    : Array.from({ length: MAX_VARIANTS }, (_, i) => plan.variants[Math.round((i * (n - 1)) / (MAX_VARIANTS - 1))]);
  for (const v of picked) {
    const one = { ...plan, variants: [v] };
    const layout = layoutOf(one);
    replicateRange(one, layout, loaded.seed, 0, 2, new Float64Array(2 * layout.stride), undefined, failures);
    parentPort!.postMessage({ progress: `${plan.name}/${v.design}` });
  }
}
parentPort!.postMessage({ failures: failures.map((f) => `${f.variant} replication ${f.replication}: ${f.message}`) });
