import { rackHostCount } from '../../sim/openstack/nova/hosts.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Streams } from '../../sim/random/streams.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { bootStudy, type BootConfig } from '../../sim/studies/boot.js';
import type { StudyInput } from '../../sim/studies/study.js';
import type { BenchFigure, BenchSuite } from '../figure.js';
import { perCall } from '../timing.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The boot study's cost: one replication of a storm of 10,000 boots on 500 hosts (target ≤ 2 s
 * on one core), for each design of scenarios/boot.yaml (its cloud with 20 racks of 25 hosts).
 * Quick mode: 1,000 boots on 50 hosts, one replication per design.
 */
export const suite: BenchSuite = async ({ quick }) => {
  const boots = quick ? 1000 : 10000;
  const racks = quick ? 2 : 20;
  const reps = quick ? 1 : 3;
  const loaded = loadScenarioFile(join(ROOT, 'scenarios', 'boot.yaml'));
  const plan = loaded.studies.find((s) => s.name === 'boot')!;
  const figures: BenchFigure[] = [];
  for (const v of plan.variants.filter((x) => !x.sweep)) {
    const base = v.input as StudyInput<BootConfig>;
    const rack = base.cloud.racks[0];
    const input: StudyInput<BootConfig> = {
      ...base,
      cloud: { ...base.cloud, racks: Array.from({ length: racks }, (_, i) => ({ ...rack, name: `r${i + 1}` })) },
      config: { ...base.config, storm: { size: boots, at: 0 } },
    };
    bootStudy.replicate(input, { replication: 0, streams: new Streams(loaded.seed, 0) });
    let fired = 0;
    const t = perCall(reps, (r) => { fired += bootStudy.replicate(input, { replication: r, streams: new Streams(loaded.seed, r) }).events; });
    const events = fired / reps;
    figures.push({
      name: `boot storm ${boots} boots on ${racks * rackHostCount(rack)} hosts, ${v.design} (ms)`, unit: 'ms', value: t.cpuMedianMs, biggerIsBetter: false,
      extra: `single thread, median of ${reps}, scenarios/boot.yaml cloud, ${(events / 1000).toFixed(0)} k events per replication; median wall ${t.wallMedianMs.toFixed(0)} ms`,
    });
  }
  return figures;
};
