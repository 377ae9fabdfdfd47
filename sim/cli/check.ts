import { loadScenarioFile } from '../scenario/load.js';
import { checkNPlusK, checkScenario } from '../studies/evacuation-check.js';
import type { EvacuationConfig } from '../studies/evacuation.js';
import type { StudyInput } from '../studies/study.js';

/**
 * `headroom check FILE [--level 1|2]`: the deterministic N+k evacuation check of every design's
 * initial placement. Exit 1 when a failure within the level strands instances, 2 on bad input.
 */
export async function checkCommand(file: string, opts: { level?: number }): Promise<number> {
  if (opts.level !== undefined && opts.level !== 1 && opts.level !== 2) {
    console.error(`headroom: --level must be 1 or 2, got ${opts.level}`);
    return 2;
  }
  const loaded = loadScenarioFile(file);
  const plan = loaded.studies.find((s) => s.name === 'evacuation');
  if (!plan) {
    console.error(`${file}:1:1: studies.evacuation: missing (expected an evacuation study: check fails hosts of its cloud)`);
    return 2;
  }
  let failed = false;
  for (const v of plan.variants) {
    if (v.sweep) continue;
    const input = v.input as StudyInput<EvacuationConfig>;
    const res = opts.level !== undefined ? checkNPlusK(input, opts.level as 1 | 2) : checkScenario(input);
    console.log(`design ${v.design}: ${res.failed ? 'FAILS' : 'passes'}`);
    for (const line of res.lines) console.log(`  ${line}`);
    failed ||= res.failed;
  }
  return failed ? 1 : 0;
}
