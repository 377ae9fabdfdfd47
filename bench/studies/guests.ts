import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { Streams } from '../../sim/random/streams.js';
import type { BenchFigure, BenchSuite } from '../figure.js';

/**
 * The two guest studies at their scenario sizes: wall milliseconds per replication of one
 * design (scenarios/watchdog.yaml: 200 guests over 365 d; scenarios/snapshots.yaml: 8 computes ×
 * 20 instances, daily for 7 d), averaged over every design of the scenario. Runs in-process on
 * one thread, so it measures the model, not the worker pool.
 */
const SCENARIOS = ['watchdog', 'snapshots'];

function scenarioPath(name: string): string {
  // dist/bench/studies/guests.js → <repo>/scenarios/NAME.yaml
  return fileURLToPath(new URL(`../../../scenarios/${name}.yaml`, import.meta.url));
}

export const suite: BenchSuite = async ({ quick }) => {
  const figures: BenchFigure[] = [];
  const reps = quick ? 2 : 20;
  for (const name of SCENARIOS) {
    const loaded = loadScenarioFile(scenarioPath(name));
    let runs = 0, ms = 0;
    for (const plan of loaded.studies) {
      for (const v of plan.variants) {
        // one untimed warm-up replication per design (JIT), then the timed ones
        plan.definition.replicate(v.input, { replication: reps, streams: new Streams(loaded.seed, reps) });
        const t0 = performance.now();
        for (let r = 0; r < reps; r++) plan.definition.replicate(v.input, { replication: r, streams: new Streams(loaded.seed, r) });
        ms += performance.now() - t0;
        runs += reps;
      }
    }
    figures.push({
      name: `${name} scenario (ms per replication)`, unit: 'ms', value: ms / runs, biggerIsBetter: false,
      extra: `${runs} replications over ${runs / reps} designs${quick ? ' (quick)' : ''}`,
    });
  }
  return figures;
};
