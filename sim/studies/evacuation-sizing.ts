import { ComputeState } from '../openstack/nova/compute-state.js';
import { MB } from '../openstack/nova/placement.js';
import { checkNPlusK } from './evacuation-check.js';
import { fixedFill, type EvacuationConfig } from './evacuation.js';
import type { Capacity, DeterministicCheck, StudyInput, StudySizing } from './study.js';

type Input = StudyInput<EvacuationConfig>;

/** One kind of deterministic failure as `headroom check` runs it (docs/sizing.md "Failure classes"). */
function check(description: string, level: 1 | 2, singles: boolean, racks: boolean, kind: string): DeterministicCheck<EvacuationConfig> {
  return {
    description,
    run(input: Input) {
      const r = checkNPlusK(input, level, { racks, singles, maxLines: 0 });
      const k = r.kinds.find((x) => x.kind === kind);
      const stranding = k?.stranding ?? 0;
      return { passed: stranding === 0, failures: k?.failures ?? 0, stranding, worst: k?.worst, worstCount: k?.worstInstances };
    },
  };
}

/**
 * The evacuation study's sizing hooks. Failure classes isolate what a target guards against:
 * `host` keeps only independent host failures (no rack outage), `rack` only rack outages (host
 * AFR 0), `all` the section as written. The checks are `headroom check`'s: every single host
 * (N+1), every pair (N+2), every rack, each failing once from the initial placement.
 */
export const evacuationSizing: StudySizing<EvacuationConfig> = {
  classes: {
    all: { description: 'every failure the study simulates (host failures and rack outages)', restrict() { /* as written */ } },
    host: { description: 'independent host failures only (rack outages left out)', restrict(section) { delete section.rack_failures; } },
    rack: {
      description: 'rack outages only (no independent host failure)',
      restrict(section) { section.host_failures = { afr: 0 }; },
    },
  },
  checks: {
    'N+1': check('every single host fails once and is host-evacuated', 1, true, false, 'N+1'),
    'N+2': check('every pair of hosts fails at once and is host-evacuated', 2, false, false, 'N+2'),
    rack: check('every rack fails at once and its hosts are host-evacuated', 1, false, true, 'rack'),
  },
  causes: { rack: 'rack_failures', host: 'host_failures' },
  // `check: {level, racks}` of the section: N+2 on 1,000 hosts is half a million pairs.
  declaredChecks: (input: Input) => ['N+1', ...(input.config.check.level === 2 ? ['N+2'] : []), ...(input.config.check.racks ? ['rack'] : [])],
  capacity(input: Input): Capacity {
    const cloud = input.cloud;
    const probe = new ComputeState(cloud, 0, 0);
    let physical = 0, held = 0;
    for (let h = 0; h < probe.hostCount; h++) {
      physical += probe.totalMb[h];
      // A disabled spare sells nothing; an enabled host sells all but its reservation.
      held += probe.isSpare[h] ? probe.totalMb[h] : Math.min(probe.totalMb[h], probe.reservedMb[h]);
    }
    const shares = cloud.flavors.reduce((s, f) => s + f.share, 0);
    const meanInstance = shares > 0 ? cloud.flavors.reduce((s, f) => s + f.share * f.ram, 0) / shares : cloud.flavors[0].ram;
    return { physicalBytes: physical * MB, heldBackBytes: held * MB, instances: fixedFill(input).state.instanceCount, meanInstanceBytes: meanInstance };
  },
};
