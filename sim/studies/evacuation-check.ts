import { buildCloudCached } from '../openstack/cloud-build.js';
import { ComputeState, DOWN, RUNNING, STRANDED } from '../openstack/compute-state.js';
import { Scheduler } from '../openstack/scheduler.js';
import { hookParams, type EvacuationConfig } from './evacuation.js';
import type { StudyInput } from './study.js';

export interface CheckResult {
  lines: string[];
  /** Every failure checked that strands instances, with how many. */
  stranded: { failure: string; instances: number }[];
  /** A failure within the declared level strands instances. */
  failed: boolean;
}

export interface CheckOptions {
  /** Also fail every rack (default: the scenario's `check.racks`). */
  racks?: boolean;
  /** Most stranding failures listed one per line (default 20). */
  maxLines?: number;
}

/**
 * `headroom check`: deterministic N+k test of the initial placement (openstack-facts §1, §8.2).
 * For every single host, every pair (level 2) and every rack (when asked), the hosts fail at
 * once, the failure hook runs first if the design evacuates after it (`evacuation: wait`;
 * a racing hook is assumed to lose), and `host-evacuate` runs host after host through the
 * scheduler (source ignored, no retry). host_subset_size > 1 takes the best host (no draw), so
 * the answer is a pure function of the scenario.
 */
export function checkNPlusK(input: StudyInput<EvacuationConfig>, level: 1 | 2, opts: CheckOptions = {}): CheckResult {
  const cloud = input.cloud;
  const built = buildCloudCached(cloud, input.seed);
  const s = new ComputeState(cloud, built.state.instanceCount, built.state.groups.length);
  s.copyFrom(built.state);
  const scheduler = new Scheduler(s, undefined);
  const racks = opts.racks ?? input.config.check.racks;
  const maxLines = opts.maxLines ?? 20;
  const H = s.hostCount;
  const stranded: { failure: string; instances: number }[] = [];
  const lines: string[] = [];
  let failed = false;
  const hook = hookParams(cloud);
  const runs: { label: string; hosts: number[]; kind: string }[] = [];
  const active: number[] = [];
  for (let h = 0; h < H; h++) if (s.enabled[h]) active.push(h);
  for (const h of active) runs.push({ label: s.hostNames[h], hosts: [h], kind: 'N+1' });
  if (level === 2) {
    for (let a = 0; a < active.length; a++) for (let b = a + 1; b < active.length; b++) {
      runs.push({ label: `${s.hostNames[active[a]]} + ${s.hostNames[active[b]]}`, hosts: [active[a], active[b]], kind: 'N+2' });
    }
  }
  if (racks) {
    s.rackNames.forEach((name, r) => {
      const hosts: number[] = [];
      for (let h = s.rackStart[r]; h < s.rackStart[r + 1]; h++) hosts.push(h);
      runs.push({ label: `rack ${name}`, hosts, kind: 'rack' });
    });
  }
  const worst = new Map<string, { label: string; instances: number; count: number; failing: number }>();
  for (const run of runs) {
    const n = failAndEvacuate(s, scheduler, run.hosts, hook !== undefined && hook.wait ? hook : undefined);
    s.copyFrom(built.state);
    const w = worst.get(run.kind) ?? { label: '', instances: -1, count: 0, failing: 0 };
    w.count++;
    if (n > 0) {
      w.failing++;
      stranded.push({ failure: run.label, instances: n });
      failed = true;
    }
    if (n > w.instances) { w.instances = n; w.label = run.label; }
    worst.set(run.kind, w);
  }
  lines.push(`${input.scenarioName} / ${input.design}: ${H} hosts, ${s.instanceCount} instances, nova ${s.nova.release}`
    + `, reserved_host_memory_mb ${s.nova.reservedMb}, ram_allocation_ratio ${s.nova.ramRatio}`
    + (hook ? `, failure hook${hook.releaseToMb !== undefined ? ` (reservation → ${hook.releaseToMb} MB)` : ''}${hook.enableSpares ? ' (spares)' : ''}` : ''));
  if (built.fillFailures > 0) lines.push(`  note: ${built.fillFailures} instances of the fill got NoValidHost at build and are not counted`);
  for (const [kind, w] of worst) {
    lines.push(w.failing === 0
      ? `  ${kind}: ${w.count} failures, none strands an instance`
      : `  ${kind}: ${w.failing} of ${w.count} failures strand instances; worst ${w.label}: ${w.instances} stranded`);
  }
  for (const x of stranded.slice(0, maxLines)) lines.push(`    ${x.failure}: ${x.instances} stranded`);
  if (stranded.length > maxLines) lines.push(`    … and ${stranded.length - maxLines} more`);
  lines.push(failed ? `FAIL: the cloud does not survive N+${level}${racks ? ' and rack failures' : ''}` : `OK: the cloud survives N+${level}${racks ? ' and every rack failure' : ''}`);
  return { lines, stranded, failed };
}

/** The scenario's declared level (`studies.evacuation.check`). */
export function checkScenario(input: StudyInput<EvacuationConfig>): CheckResult {
  return checkNPlusK(input, input.config.check.level, { racks: input.config.check.racks });
}

/** Fails `hosts` at once and host-evacuates them in order; returns the stranded count. */
function failAndEvacuate(s: ComputeState, scheduler: Scheduler, hosts: number[], hook: ReturnType<typeof hookParams>): number {
  for (const h of hosts) {
    s.alive[h] = 0;
    s.setServiceUp(h, false);
    for (let i = s.head[h]; i >= 0; i = s.next[i]) s.state[i] = DOWN;
  }
  if (hook !== undefined) {
    if (hook.releaseToMb !== undefined) s.setReservedAll(hook.releaseToMb);
    if (hook.enableSpares) {
      let need = hosts.length;
      for (let h = 0; h < s.hostCount && need > 0; h++) if (s.isSpare[h] && !s.enabled[h] && s.alive[h]) { s.setEnabled(h, true); need--; }
    }
  }
  let strandedCount = 0;
  const list: number[] = [];
  for (const h of hosts) {
    list.length = 0;
    for (let i = s.head[h]; i >= 0; i = s.next[i]) if (s.state[i] === DOWN) list.push(i);
    for (const i of list) {
      const dest = scheduler.select(s.ramMb[i], s.vcpusOf[i], h, s.groupOf[i], s.azReq[i], i);
      if (dest < 0) { s.state[i] = STRANDED; strandedCount++; continue; }
      s.detach(i, true);
      s.attach(i, dest);
      s.state[i] = RUNNING;
    }
  }
  return strandedCount;
}
