import { ComputeState, DOWN, RUNNING, STRANDED } from '../openstack/nova/compute-state.js';
import { Scheduler } from '../openstack/nova/scheduler.js';
import { fixedFill, fullestHost, hookParams, type EvacuationConfig } from './evacuation.js';
import type { StudyInput } from './study.js';

export interface CheckResult {
  lines: string[];
  /** Every failure checked that strands instances, with how many. */
  stranded: { failure: string; instances: number }[];
  /** A failure within the declared level strands instances. */
  failed: boolean;
  /** Failures checked, and those host-evacuated through the scheduler (the others provably strand nothing). */
  runs: number;
  evacuated: number;
  /** Per kind of failure (N+1, N+2, rack): how many were checked, how many strand, the worst. */
  kinds: { kind: string; failures: number; stranding: number; worst: string; worstInstances: number }[];
}

export interface CheckOptions {
  /** Also fail every rack (default: the scenario's `check.racks`). */
  racks?: boolean;
  /** Most stranding failures listed one per line (default 20). */
  maxLines?: number;
  /** Skip failures that provably strand nothing (default true; false evacuates every one: the tests' reference). */
  prune?: boolean;
  /** Fail every single host (default true; false with racks: true checks the racks alone). */
  singles?: boolean;
}

type Hook = ReturnType<typeof hookParams>;

interface Tally { count: number; failing: number; instances: number; label: string }

/**
 * `headroom check`: deterministic N+k test of the initial placement (docs/openstack-facts.md §1, §8.2).
 * For every single host, every pair (level 2) and every rack (when asked), the hosts fail at
 * once, the failure hook runs first if the design evacuates after it (`evacuation: wait`;
 * a racing hook is assumed to lose), and `host-evacuate` runs host after host through the
 * scheduler (source ignored, no retry), every rebuild placed still in flight for the
 * IoOpsWeigher. host_subset_size > 1 takes the best host (no draw), so the answer is a pure
 * function of the scenario.
 *
 * Most failures need no evacuation to be answered: `StrandingBound` proves that they strand
 * nothing (on the 1,000-host scenario every single host and every pair), so only the others
 * are host-evacuated, each from a copy of the initial state.
 */
export function checkNPlusK(input: StudyInput<EvacuationConfig>, level: 1 | 2, opts: CheckOptions = {}): CheckResult {
  const cloud = input.cloud;
  const built = fixedFill(input);
  const s = new ComputeState(cloud, built.state.instanceCount, built.state.groups.length);
  s.copyFrom(built.state);
  const scheduler = new Scheduler(s, undefined);
  const racks = opts.racks ?? input.config.check.racks;
  const maxLines = opts.maxLines ?? 20;
  const H = s.hostCount;
  const stranded: { failure: string; instances: number }[] = [];
  const lines: string[] = [];
  const hook = hookParams(cloud);
  const runHook = hook !== undefined && hook.wait ? hook : undefined;
  const bound = opts.prune === false ? undefined : new StrandingBound(s, built.state, runHook);
  let runs = 0, evacuated = 0;
  const worst = new Map<string, Tally>();
  /** One failure of `hosts`; `label` names it (only built when it shows in the output). */
  const check = (kind: string, hosts: number[], label: (hosts: number[]) => string): void => {
    runs++;
    let n = 0;
    if (bound === undefined || !bound.strandsNothing(hosts)) {
      evacuated++;
      n = failAndEvacuate(s, scheduler, hosts, runHook);
      s.copyFrom(built.state);
    }
    let w = worst.get(kind);
    if (w === undefined) worst.set(kind, w = { count: 0, failing: 0, instances: -1, label: '' });
    w.count++;
    if (n > 0) {
      w.failing++;
      stranded.push({ failure: label(hosts), instances: n });
    }
    if (n > w.instances) { w.instances = n; w.label = label(hosts); }
  };
  const active: number[] = [];
  for (let h = 0; h < H; h++) if (s.enabled[h]) active.push(h);
  const one = [0], two = [0, 0];
  const hostLabel = (x: number[]) => s.hostNames[x[0]];
  const pairLabel = (x: number[]) => `${s.hostNames[x[0]]} + ${s.hostNames[x[1]]}`;
  if (opts.singles !== false) for (const h of active) { one[0] = h; check('N+1', one, hostLabel); }
  if (level === 2) {
    for (let a = 0; a < active.length; a++) for (let b = a + 1; b < active.length; b++) {
      two[0] = active[a]; two[1] = active[b];
      check('N+2', two, pairLabel);
    }
  }
  if (racks) {
    s.rackNames.forEach((name, r) => {
      const hosts: number[] = [];
      for (let h = s.rackStart[r]; h < s.rackStart[r + 1]; h++) hosts.push(h);
      check('rack', hosts, () => `rack ${name}`);
    });
  }
  const failed = stranded.length > 0;
  let own = 0;
  for (let h = 0; h < H; h++) if (s.baseReservedMb[h] !== s.nova.reservedMb || s.ramRatio[h] !== s.nova.ramRatio || s.cpuRatio[h] !== s.nova.cpuRatio) own++;
  lines.push(`${input.scenarioName} / ${input.design}: ${H} hosts, ${s.instanceCount} instances, nova ${s.nova.release}`
    + `, reserved_host_memory_mb ${s.nova.reservedMb}, ram_allocation_ratio ${s.nova.ramRatio}`
    + (own > 0 ? ` (${own} hosts with their own reservation or ratios)` : '')
    + (hook ? `, failure hook${hook.releaseToMb !== undefined ? ` (reservation → ${hook.releaseToMb} MB)` : ''}${hook.enableSpares ? ' (spares)' : ''}` : ''));
  if (built.fillFailures > 0) lines.push(`  note: ${built.fillFailures} instances of the fill got NoValidHost at build and are not counted`);
  for (const [kind, w] of worst) {
    lines.push(w.failing === 0
      ? `  ${kind}: ${w.count} failures, none strands an instance`
      : `  ${kind}: ${w.failing} of ${w.count} failures strand instances; worst ${w.label}: ${w.instances} stranded`);
  }
  for (const x of stranded.slice(0, maxLines)) lines.push(`    ${x.failure}: ${x.instances} stranded`);
  if (stranded.length > maxLines) lines.push(`    … and ${stranded.length - maxLines} more`);
  // Surviving by overcommitting memory is not the same as surviving: say what a full host commits.
  const full = fullestHost(cloud, hook?.releaseToMb ?? s.nova.reservedMb);
  const commit = (full.capMb + full.needMb) / full.totalMb;
  const commits = commit > 1
    ? ` — but a host filled to its placement capacity (guest RAM ${pct(full.capMb / full.totalMb)} % of physical${hook?.releaseToMb !== undefined ? ' after the hook' : ''}) would commit up to ${pct(commit)} % of its physical RAM with its host OS and QEMU overhead: the OOM killer, not the scheduler, then decides`
    : '';
  lines.push(failed ? `FAIL: the cloud does not survive N+${level}${racks ? ' and rack failures' : ''}` : `OK: the cloud survives N+${level}${racks ? ' and every rack failure' : ''}${commits}`);
  const kinds = [...worst].map(([kind, w]) => ({ kind, failures: w.count, stranding: w.failing, worst: w.label, worstInstances: Math.max(0, w.instances) }));
  return { lines, stranded, failed, runs, evacuated, kinds };
}

function pct(x: number): string {
  return String(Math.round(x * 100));
}

/**
 * A sufficient condition for a failure to strand nothing, checked in O(failed hosts).
 *
 * Take instance i of a failed host, and P_i the hosts that pass the scheduler's filters for it
 * before anything fails (after the hook's reservation change, which every host gets alike):
 * ComputeFilter (service up, enabled), placement RAM/VCPU fit and max_unit, its availability
 * zone — the predicate of Scheduler.passes. When
 * host-evacuate asks for i, a host of P_i fails the filters only if it is one of the failed
 * hosts (service down), holds another member of i's anti-affinity group (at most group size − 1
 * hosts), or took one of the instances placed before i in this failure (each placement fills
 * one host; nothing else changes, and enabled spares only add hosts). So with X the failed
 * hosts and n their instances, i finds a host whenever |P_i| − (group size − 1) − |X| ≥ n.
 * Per host h: `instances[h]` and `margin[h]` = min over its instances of |P_i| − (group size −
 * 1); a failure of X strands nothing if min over X of margin − |X| ≥ Σ instances. Which host
 * wins (the weighers) does not matter to the argument.
 */
export class StrandingBound {
  readonly instances: Int32Array;
  readonly margin: Float64Array;
  /** max_placement_results, and the largest anti-affinity group (see strandsNothing). */
  private readonly limit: number;
  private largestGroup = 1;

  constructor(s: ComputeState, initial: ComputeState, hook: Hook) {
    const H = s.hostCount;
    s.copyFrom(initial);
    if (hook?.releaseToMb !== undefined) s.setReservedAll(hook.releaseToMb);
    // The ComputeFilter and placement's fit, per host: −∞ when the service is down or disabled.
    const slackRam = new Float64Array(H), slackCpu = new Float64Array(H);
    for (let d = 0; d < H; d++) {
      const up = s.serviceUp[d] !== 0 && s.enabled[d] !== 0;
      slackRam[d] = up ? s.ramCap[d] - s.usedMb(d) : -Infinity;
      slackCpu[d] = up ? s.vcpuCap[d] - (s.residentVcpu[d] + s.heldVcpu[d]) : -Infinity;
    }
    this.limit = s.nova.maxPlacementResults;
    for (const g of s.groups) this.largestGroup = Math.max(this.largestGroup, g.length);
    const passing = new Map<string, number>();
    this.instances = new Int32Array(H);
    this.margin = new Float64Array(H).fill(Infinity);
    for (let h = 0; h < H; h++) {
      for (let i = s.head[h]; i >= 0; i = s.next[i]) {
        this.instances[h]++;
        const ram = s.ramMb[i], cpu = s.vcpusOf[i], az = s.azReq[i];
        const key = `${ram}/${cpu}/${az}`;
        let p = passing.get(key);
        if (p === undefined) {
          p = 0;
          for (let d = 0; d < H; d++) {
            if (slackRam[d] >= ram && slackCpu[d] >= cpu && (az < 0 || s.azOf[d] === az) && ram <= s.maxUnitMb[d]) p++;
          }
          passing.set(key, p);
        }
        const g = s.groupOf[i];
        const m = p - (g >= 0 ? s.groups[g].length - 1 : 0);
        if (m < this.margin[h]) this.margin[h] = m;
      }
    }
    s.copyFrom(initial);
  }

  /** True when failing `hosts` at once provably strands no instance (false: evacuate to know). */
  strandsNothing(hosts: readonly number[]): boolean {
    let n = 0, margin = Infinity;
    for (let k = 0; k < hosts.length; k++) {
      const h = hosts[k];
      n += this.instances[h];
      if (this.margin[h] < margin) margin = this.margin[h];
    }
    // Placement hands over at most `limit` candidates: the failed hosts and the group's other
    // hosts can take |X| + group size − 1 of them, so the argument also needs one left over.
    if (hosts.length + this.largestGroup - 1 >= this.limit) return n === 0;
    return n === 0 || margin - hosts.length >= n;
  }
}

/** The scenario's declared level (`studies.evacuation.check`). */
export function checkScenario(input: StudyInput<EvacuationConfig>): CheckResult {
  return checkNPlusK(input, input.config.check.level, { racks: input.config.check.racks });
}

/** Fails `hosts` at once and host-evacuates them in order; returns the stranded count. */
function failAndEvacuate(s: ComputeState, scheduler: Scheduler, hosts: number[], hook: Hook): number {
  for (const h of hosts) {
    s.alive[h] = 0;
    s.ioFreeze(h);
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
      // consume_from_request (§7): the rebuild counts in the destination's num_io_ops for the
      // IoOpsWeigher, as in the study's host-evacuate; host-evacuate issues every evacuate call
      // in a burst, so all of them are still in flight when the next one is scheduled.
      s.attachBuilding(i, dest);
      s.state[i] = RUNNING;
    }
  }
  return strandedCount;
}
