import { getHeapStatistics } from 'node:v8';
import type { LoadedScenario } from '../scenario/load.js';
import { gib, memoryLimit, modelOf } from '../scenario/limits.js';
import { ScenarioError } from '../scenario/problems.js';
import { layoutOf } from './layout.js';

/**
 * Resource estimate of a run, made before anything is allocated (`headroom validate` and `run`),
 * so a scenario too big for the machine is refused with the estimate instead of dying in an
 * allocation failure or an OOM kill. The estimate counts what grows with the input: the results
 * kept in the main thread (one float per replication, variant and metric, plus the CSV text made
 * of them) and, per worker, the model of the largest variant — hosts, instances, queue servers,
 * boots of a storm, RBD disks — with bytes per object measured on the bundled scenarios
 * (docs/failure-behaviour.md). It is a coarse upper estimate: the point is the order of magnitude.
 */
export interface Estimate {
  /** Bytes the main thread keeps for results. */
  resultBytes: number;
  /** Of those, bytes in the main thread's JS heap (the CSV text). */
  csvBytes: number;
  /** Bytes one worker needs for the largest variant's model. */
  modelBytes: number;
  /** Total: results + workers × model. */
  totalBytes: number;
  /** replications × variants (designs × sweep points), summed over studies. */
  replicationRuns: number;
  /** What dominates the model, for the message ("4294967296 hosts, 0 instances"). */
  largest: string;
}

/**
 * Bytes per result value: 8 in the Float64Array (outside the JS heap) and about 24 in the main
 * thread's heap while replications.csv is built from it.
 */
const RESULT_BYTES = 8;
const CSV_BYTES = 24;

export function estimate(loaded: LoadedScenario, workers: number): Estimate {
  let resultBytes = 0, csvBytes = 0, modelBytes = 0, replicationRuns = 0, largest = '';
  for (const plan of loaded.studies) {
    const reps = plan.variants.reduce((m, v) => Math.max(m, v.replications), 0);
    resultBytes += reps * layoutOf(plan).stride * (RESULT_BYTES + CSV_BYTES);
    csvBytes += reps * layoutOf(plan).stride * CSV_BYTES;
    for (const v of plan.variants) {
      replicationRuns += v.replications;
      const m = modelOf(v.input);
      if (m.bytes > modelBytes) { modelBytes = m.bytes; largest = `${plan.name}/${v.design}: ${m.what}`; }
    }
  }
  return { resultBytes, csvBytes, modelBytes, totalBytes: resultBytes + Math.max(1, workers) * modelBytes, replicationRuns, largest };
}

/**
 * The reasons a run would not fit, one sentence each (empty when it fits): total memory against
 * the limit, and one worker's model against a V8 heap.
 */
export function overLimits(e: Estimate, limit: number, workers: number): string[] {
  const out: string[] = [];
  if (e.totalBytes > limit) {
    const what = e.modelBytes * workers >= e.resultBytes
      ? `${e.largest} need ≈ ${gib(e.modelBytes)} per worker × ${workers} worker(s)`
      : `the results of ${e.replicationRuns} replication runs need ≈ ${gib(e.resultBytes)}`;
    out.push(`too big for this machine: ${what}, ≈ ${gib(e.totalBytes)} in all; limit ${gib(limit)} (expected a smaller scenario, fewer --replications or --workers, or a larger --max-memory)`);
  } else if (e.csvBytes > getHeapStatistics().heap_size_limit * 0.8) {
    out.push(`too many results for one process: ${e.replicationRuns} replication runs need ≈ ${gib(e.csvBytes)} of JavaScript heap for replications.csv; the heap holds ${gib(getHeapStatistics().heap_size_limit)} (expected fewer --replications, designs or sweep points)`);
  } else if (e.modelBytes > getHeapStatistics().heap_size_limit) {
    out.push(`too big for one worker: ${e.largest} need ≈ ${gib(e.modelBytes)}; a worker's heap holds ${gib(getHeapStatistics().heap_size_limit)} (expected a smaller cloud)`);
  }
  return out;
}

/** Refuses a scenario whose estimated memory exceeds the limit (bad input: the CLI exits 2). */
export function checkLimits(loaded: LoadedScenario, workers: number, maxMemory?: number): void {
  const reasons = overLimits(estimate(loaded, workers), memoryLimit(maxMemory), workers);
  if (reasons.length > 0) throw new ScenarioError(reasons.map((message) => ({ file: loaded.file, line: 1, col: 1, path: [], message })));
}
