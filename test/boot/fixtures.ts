import { Simulation } from '../../sim/engine/simulation.js';
import { BootModel } from '../../sim/openstack/images/boot-model.js';
import { Streams } from '../../sim/random/streams.js';
import { cloudSchema, type Cloud } from '../../sim/openstack/cloud.js';

/**
 * Tiny clouds for hand-worked boot tests. Sizes and bandwidths are bare numbers (bytes, bytes/s)
 * so the expected times are easy arithmetic; `HUGE` is a bandwidth that never binds.
 */
export const HUGE = 1e15;

export function cloudOf(patch: Record<string, unknown>): Cloud {
  return cloudSchema.parse({
    racks: [{ name: 'r1', hosts: 4, ram: '256GiB', vcpus: 8 }],
    flavors: [{ name: 'm1', ram: '4GiB', vcpus: 2, share: 1 }],
    ephemeral_storage: 'local',
    compute_node: { nic: HUGE, disk_write: HUGE, convert_throughput: HUGE },
    glance: { api_nodes: 1, nic: HUGE, backend_read: HUGE },
    images: [{ name: 'img', size: 100, virtual_size: 400, format: 'raw', boot: { cpu: '0s', read: 0 } }],
    ...patch,
  });
}

export interface Booted { payload: number; time: number }

/**
 * A BootModel in its own simulation, with logs of boots whose instance became ACTIVE (domain
 * running) and of completed boots (guest up), and a way to act later.
 */
export function harness(cloud: Cloud, hosts = 4, seed = 1, cores = 8) {
  const sim = new Simulation();
  const active: Booted[] = [];
  const activeId = sim.addHandler('test.active', (p: number) => { active.push({ payload: p, time: sim.now }); });
  const model = new BootModel(sim, cloud, {
    hostCores: new Float64Array(hosts).fill(cores),
    nfsFallback: new Streams(seed, 0).stream('nfs-fallback'),
    onActive: activeId,
  });
  const booted: Booted[] = [];
  const doneId = sim.addHandler('test.booted', (p: number) => { booted.push({ payload: p, time: sim.now }); });
  const actions: (() => void)[] = [];
  const actId = sim.addHandler('test.action', (i: number) => actions[i]());
  let next = 0;
  return {
    sim, model, booted, active,
    /** Boots `image` on `host`; returns the payload that shows in `booted`. */
    boot(host: number, image = 0, cpu = 0, clone = 0, gated = true): number {
      const p = next++;
      model.boot(host, image, cpu, clone, doneId, p, gated);
      return p;
    },
    at(time: number, fn: () => void): void {
      actions.push(fn);
      sim.at(time, actId, actions.length - 1);
    },
    timeOf(payload: number): number {
      const b = booted.find((x) => x.payload === payload);
      if (!b) throw new Error(`boot ${payload} did not complete`);
      return b.time;
    },
  };
}

export function close(actual: number, expected: number, rel = 1e-9): boolean {
  return Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected));
}
