import type { Rng } from '../../random/streams.js';
import type { Cloud } from '../cloud.js';
import { ComputeState } from './compute-state.js';
import { cloudHosts } from './hosts.js';
import { Scheduler } from './scheduler.js';

/**
 * The physical cores of every host, rack by rack (the host order of ComputeState):
 * `compute_node.cores`, or the host's vcpus when not given.
 */
export function hostCores(cloud: Cloud): Float64Array {
  return Float64Array.from(cloudHosts(cloud), (h) => cloud.compute_node.cores ?? h.vcpus);
}

/**
 * Boots placed through nova's filter scheduler (sim/openstack/nova/scheduler.ts: placement fit,
 * ComputeFilter, RAM/CPU/IoOps weighers, host_subset_size) onto an empty cloud: instance i of the boot
 * study is instance i of a ComputeState, attached when it is scheduled and detached when it is
 * deleted. With `hosts` set, the hosts beyond the first N are disabled (the ComputeFilter skips
 * them), e.g. to send a storm to the targets of an evacuation.
 */
export class BootPlacement {
  readonly state: ComputeState;
  private readonly scheduler: Scheduler;

  /**
   * `countsBuilds`: the caller tells `booted(i)` when a build ends, so the IoOpsWeigher sees
   * each host's builds in flight (§7: consume_from_request adds one, the compute's io_workload
   * counts the instance while its vm_state is BUILDING). Without it num_io_ops stays 0 on every
   * host and the weigher adds nothing.
   */
  constructor(cloud: Cloud, instances: number, rng: Rng, hosts?: number, private readonly countsBuilds = false) {
    this.state = new ComputeState(cloud, instances, 0);
    this.scheduler = new Scheduler(this.state, rng);
    if (hosts !== undefined) for (let h = hosts; h < this.state.hostCount; h++) this.state.setEnabled(h, false);
  }

  /** Schedules instance `i` of flavor `flavor`; returns its host, or −1 for NoValidHost. */
  place(i: number, flavor: number): number {
    const s = this.state;
    s.setFlavor(i, flavor);
    const h = this.scheduler.select(s.ramMb[i], s.vcpusOf[i], -1, -1, -1, i);
    if (h >= 0) {
      if (this.countsBuilds) s.attachBuilding(i, h);
      else s.attach(i, h);
    }
    return h;
  }

  /**
   * Instance `i`'s build ended: vm_state ACTIVE, i.e. its domain is running (BootModel's
   * `onActive`, not the guest OS being up); its host has one build fewer in flight.
   */
  booted(i: number): void {
    this.state.ioEnd(i);
  }

  /** Instance `i` is deleted: its resources go back to its host. */
  remove(i: number): void {
    this.state.ioEnd(i);
    this.state.detach(i, false);
  }
}
