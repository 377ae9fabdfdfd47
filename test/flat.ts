import { packedValues, type ReplicationContext, type StudyDefinition, type StudyInput } from '../sim/studies/study.js';

/**
 * One replication packed as the runner packs it (metrics in definition order, then series), for
 * tests that compare whole rows or read columns by index.
 */
export function replicateFlat<C>(study: StudyDefinition<C, any>, input: StudyInput<C>, ctx: ReplicationContext): Float64Array {
  return packedValues(study as StudyDefinition, input, study.replicate(input, ctx));
}
