import { cloudSchema, type Cloud } from '../../sim/openstack/cloud.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { Streams } from '../../sim/random/streams.js';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { EvacuationModel } from '../../sim/openstack/nova/evacuation.js';
import { FailureProcess } from '../../sim/openstack/nova/failures.js';
import { evacuationParams, evacuationSchema, failureConfig, type EvacuationConfig } from '../../sim/studies/evacuation.js';
import type { StudyInput } from '../../sim/studies/study.js';
import { Memo } from '../../sim/studies/memo.js';

/** A cloud from scenario-shaped input (units as strings). */
export function cloud(raw: Record<string, unknown>): Cloud {
  return cloudSchema.parse(raw);
}

export function config(raw: Record<string, unknown> = {}): EvacuationConfig {
  return evacuationSchema.parse(raw);
}

export function input(c: Cloud, cfg: EvacuationConfig, horizon = 365 * 86400, design = 'test'): StudyInput<EvacuationConfig> {
  return { memo: new Memo(), scenarioName: 'test', seed: 7, horizon, design, cloud: c, config: cfg };
}

/** Four hosts of 16 GiB / 8 vCPUs in one rack: r1-1 … r1-4. */
export function smallRack(hosts = 4, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    racks: [{ name: 'r1', hosts, ram: '16GiB', vcpus: 8 }],
    flavors: [
      { name: 's', ram: '2GiB', vcpus: 1, share: 1 },
      { name: 'm', ram: '4GiB', vcpus: 2, share: 1 },
      { name: 'l', ram: '8GiB', vcpus: 4, share: 1 },
    ],
    ...extra,
  };
}

/** No random failures; deterministic detection (fencing) and delays, for hand-worked logs. */
export const scripted = {
  host_failures: { afr: 0 },
  detection: 'fencing',
  fence_delay: '60s',
  reaction: '0s',
  restart: { shared: '30s', local: '5m' },
  move_back_after: '600s',
};

/**
 * Runs the model with scripted host failures [{host, at, repair}] and returns the decision log
 * and the model (its state and counters) at the horizon. `prepare` may adjust the model first.
 */
export function runScript(c: Cloud, cfg: EvacuationConfig, script: { host: string; at: number; repair: number }[], horizon: number,
  prepare: (model: EvacuationModel) => void = () => {}) {
  const log: string[] = [];
  const { sim, model, failures, built } = startModel(c, cfg, 7, 0, (m) => { m.log = (line) => log.push(line); prepare(m); });
  for (const f of script) failures.inject(built.state.hostIndex(f.host), f.at, f.repair);
  sim.run(horizon);
  model.finish();
  return { log, model, failures, state: built.state, built };
}

/** The model on the fill of `seed` with its failure process started (replication `replication`). */
export function startModel(c: Cloud, cfg: EvacuationConfig, seed: number, replication: number, prepare: (model: EvacuationModel) => void = () => {}) {
  const built = buildCloud(c, seed);
  const sim = new Simulation();
  const streams = new Streams(seed, replication);
  const model = new EvacuationModel(sim, built.state, evacuationParams(c, cfg), streams);
  prepare(model);
  const failures = new FailureProcess(sim, built.state.hostCount, built.state.rackStart, failureConfig(cfg), streams, model);
  failures.start();
  return { sim, model, failures, built };
}
