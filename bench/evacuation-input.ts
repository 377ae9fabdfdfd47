import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Streams } from '../sim/random/streams.js';
import { loadScenarioFile } from '../sim/scenario/load.js';
import { evacuationStudy } from '../sim/studies/evacuation.js';

/** The evacuation study's input, as the bench's suite, worker and curve load it. */
export type EvacuationInput = Parameters<typeof evacuationStudy.replicate>[0];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The evacuation study of a bundled scenario (its designs and their inputs). */
export function evacuationPlan(file: string) {
  return loadScenarioFile(join(ROOT, 'scenarios', file)).studies.find((s) => s.name === 'evacuation')!;
}

/**
 * Design number `design` of a bundled scenario's evacuation study, on its first `racks` racks when
 * given (a smaller copy of the same cloud: failure rates are per host and per rack, the fill
 * follows the hosts).
 */
export function evacuationDesign(file: string, design = 0, racks = 0): { name: string; input: EvacuationInput } {
  const v = evacuationPlan(file).variants[design];
  const input = v.input as EvacuationInput;
  return { name: v.design, input: racks > 0 ? { ...input, cloud: { ...input.cloud, racks: input.cloud.racks.slice(0, racks) } } : input };
}

/** One replication (one simulated horizon); returns the instances it evacuated. */
export function evacuationYear(input: EvacuationInput, replication: number): number {
  return evacuationStudy.replicate(input, { replication, streams: new Streams(input.seed, replication) }).metrics.instances_evacuated;
}
