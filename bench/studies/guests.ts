import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { Streams } from '../../sim/random/streams.js';
import type { BenchFigure, BenchSuite } from '../figure.js';
import { median, perCall } from '../timing.js';

/**
 * The two guest studies at their scenario sizes: median CPU milliseconds per replication of one
 * design (scenarios/watchdog.yaml: 200 guests over 365 d; scenarios/snapshots.yaml: 8 computes ×
 * 20 instances, daily for 7 d): the median over the replications of every design of the scenario. Runs in-process on
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
    const samples: number[] = [], wall: number[] = [];
    for (const plan of loaded.studies) {
      for (const v of plan.variants) {
        // one untimed warm-up replication per design (JIT), then the timed ones
        plan.definition.replicate(v.input, { replication: reps, streams: new Streams(loaded.seed, reps) });
        const t = perCall(reps, (r) => plan.definition.replicate(v.input, { replication: r, streams: new Streams(loaded.seed, r) }), 0);
        samples.push(...t.cpuSamples);
        wall.push(t.wallMedianMs);
      }
    }
    figures.push({
      name: `${name} scenario (ms per replication)`, unit: 'ms', value: median(samples), biggerIsBetter: false,
      extra: `scenarios/${name}.yaml, single thread, median of ${samples.length} replications over ${samples.length / reps} designs${quick ? ' (quick)' : ''}; wall ${median(wall).toFixed(2)} ms (median of the designs' medians)`,
    });
  }
  return figures;
};
