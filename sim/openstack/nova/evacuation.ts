import type { Simulation } from '../../engine/simulation.js';
import { Exponential, Shares, type Distribution } from '../../random/distributions.js';
import type { Rng, Streams } from '../../random/streams.js';
import type { Cloud } from '../cloud.js';
import { ComputeState, DOWN, EVACUATING, RUNNING, STRANDED } from './compute-state.js';
import type { FailureListener } from './failures.js';
import { MB } from './placement.js';
import { memoryCommit, type HostOverhead } from './host-memory.js';
import { rule } from './releases.js';
import { LocalRebuilds } from './local-rebuild.js';
import { Scheduler } from './scheduler.js';
import { grown } from '../../engine/grow.js';

export interface HookParams {
  /** reserved_host_memory_mb while a failure is active; undefined = leave it. */
  releaseToMb: number | undefined;
  enableSpares: boolean;
  after: Distribution;
  wait: boolean;
  restoreAfterRepair: boolean;
}

export interface EvacuationParams {
  detection: 'heartbeat' | 'fencing';
  /** Fencing + forced-down delay (fencing mode). */
  fenceDelay: Distribution;
  /** Operator / HA tool reaction between "service down" and `nova host-evacuate`. */
  reaction: Distribution;
  /** Restart of an instance whose disk survives (rbd, nfs; also a restart on its own host). */
  restartShared: Distribution;
  /** Rebuild of the root disk from the image on a local-storage destination (when no images are given). */
  restartLocal: Distribution;
  sharedStorage: boolean;
  /**
   * Local storage with `cloud.images`: rebuilds run through the boot model on this cloud
   * (sim/openstack/nova/local-rebuild.ts) instead of drawing `restartLocal`.
   */
  localRebuild: Cloud | undefined;
  /** Delay after repair before the operator live-migrates evacuated instances home; undefined = never. */
  moveBack: Distribution | undefined;
  /** The failure hook, or undefined when the design has none (or it would do nothing). */
  hook: HookParams | undefined;
  /** Churn replacements per second (0 = none). */
  churnRate: number;
  /** The operator re-runs host-evacuate for stranded instances; undefined = never. */
  retry: { after: Distribution; attempts: number } | undefined;
  /** Host OS and QEMU memory (host-memory.ts), for the commit metrics. */
  overhead: HostOverhead;
}

/**
 * What nova and its operators do when computes die (docs/openstack-facts.md §1, §8):
 *
 * crash → the service is seen down after the heartbeat timeout (service_down_time − phase of
 * the last report, 50–60 s with defaults) or after fencing + forced-down → after the reaction
 * delay the operator runs `nova host-evacuate`: one evacuate per server on the host, in list
 * order, each through the scheduler with the source ignored, no alternates and no retry (§8.2,
 * §13.5). A destination is claimed at once; the source keeps the allocation (doubled) until its
 * nova-compute restarts. NoValidHost strands the instance (vm_state ERROR on antelope, unchanged
 * on kilo) until its source is repaired and it is restarted there.
 *
 * The IoOpsWeigher (§7) sees each evacuation's rebuild on its destination from the moment the
 * scheduler places it until it runs (ComputeState.ioStart / ioEnd): a burst of evacuations
 * spreads over hosts that are not already rebuilding. Churn creates are instant in this model,
 * so their builds never show in num_io_ops.
 *
 * The failure hook (Han, §1) lowers the reservation of every host and/or enables spare hosts a
 * config-management run after detection, and restores both once every host is back and the
 * evacuated instances went home; host-evacuate waits for it or races it.
 *
 * nova never retries a failed evacuation, but operators do: with `retry` the stranded instances
 * of a failed host are evacuated again `after` a delay, up to `attempts` times while the host is
 * down (they are in ERROR from Queens, ACTIVE on the dead host before; the evacuate API accepts
 * both, releases.ts evacuateChecks). An instance whose rebuild was under way on a host that dies
 * keeps task_state rebuilding: before Zed the evacuate API refuses it (409), so it waits for that
 * host's repair.
 */
export class EvacuationModel implements FailureListener {
  readonly scheduler: Scheduler;
  readonly counts = new Int32Array(4);
  // Metrics.
  evacuated = 0;
  strandings = 0;
  strandedSeconds = 0;
  buildFailures = 0;
  recoveryMax = 0;
  downtimeCount = 0;
  /** The downtimes recorded (the first downtimeCount), in a buffer reused across replications. */
  get downtimes(): Float64Array { return this.buffers.downtimes; }
  heldBackArea = 0;
  runningArea = 0;
  /** Highest guest RAM allocated on one host / its physical RAM (above 1: overcommitted memory). */
  peakCommit = 0;
  /** Highest (guest RAM + host OS + QEMU overhead) / physical RAM of a running host. */
  peakMemoryCommit = 0;
  /** Least physical RAM left for the host OS and QEMU (total − guest RAM) on a running host, MB. */
  minMemoryLeftMb = Infinity;
  /** Stranded instances that a re-run of host-evacuate placed. */
  rescuedByRetry = 0;
  /** Re-runs of host-evacuate for stranded instances. */
  retryRuns = 0;
  /** Evacuations that rebuilt the root disk from the image (local storage): the disk's data is gone. */
  dataLost = 0;
  /** Evacuate calls refused because the instance was mid-rebuild (task_state not None, before Zed). */
  refusedCalls = 0;
  /** vm_state of a stranded instance, by release (for logs). */
  readonly strandedVmState: string;
  /** Called with one line per decision when set (tests, traces). */
  log: ((line: string) => void) | undefined;
  /** Local-storage rebuilds through the boot model, or undefined (restart distributions). */
  readonly rebuilds: LocalRebuilds | undefined;

  private readonly totalRamMb: number;
  private runningMb = 0;
  private heldBackMb = 0;
  private lastT = 0;
  private released = false;
  private restoreToken = -1;
  private hostsDownCount = 0;
  private pendingMoveBacks = 0;

  private readonly detectToken: Float64Array;
  private readonly evacToken: Float64Array;
  private readonly moveBackToken: Float64Array;
  private readonly hookToken: Float64Array;
  private readonly hookDone: Uint8Array;
  private readonly waiting: Uint8Array;
  private readonly away: number[][];
  private readonly buffers: InstanceBuffers;
  private readonly restartToken: Float64Array;
  private readonly downSince: Float64Array;
  private readonly strandedSince: Float64Array;
  private readonly incidentOf: Int32Array;
  private readonly incidentStart: number[] = [];
  private readonly incidentPending: number[] = [];
  private readonly scratch: Int32Array;
  private readonly refused: Uint8Array;
  private readonly retryLeft: Int32Array;
  private readonly retryToken: Float64Array;
  private readonly taskStateMustBeNone: boolean;

  private readonly detectionRng: Rng;
  private readonly reactionRng: Rng;
  private readonly operatorRng: Rng;
  private readonly moveBackRng: Rng;
  private readonly restartRng: Rng;
  private readonly hookRng: Rng;
  private readonly churnRng: Rng;
  /** Gaps between tenant churn events (a Poisson process of rate churnRate); undefined without churn. */
  private readonly churnGaps: Exponential | undefined;
  private readonly retryRng: Rng;
  private readonly hDetect: number;
  private readonly hEvacuate: number;
  private readonly hRestarted: number;
  private readonly hRebuild: number;
  private readonly hHook: number;
  private readonly hRestore: number;
  private readonly hMoveBack: number;
  private readonly hChurn: number;
  /** The flavor mix churn creates draw from (as the fill draws them). */
  private readonly flavorMix: Shares;
  private readonly hRetry: number;

  constructor(
    private readonly sim: Simulation,
    readonly s: ComputeState,
    private readonly p: EvacuationParams,
    streams: Streams,
    buffers = new InstanceBuffers(s.instanceCount, s.hostCount),
  ) {
    const H = s.hostCount, N = s.instanceCount;
    this.scheduler = new Scheduler(s, streams.stream('scheduler'), { placement: streams.stream('placement') });
    this.detectionRng = streams.stream('detection');
    // 'reaction' is drawn once per detection only, so it stays aligned across designs (CRN);
    // draws whose number depends on the design (restarts in place, move-backs) use their own.
    this.reactionRng = streams.stream('reaction');
    this.operatorRng = streams.stream('operator-restart');
    this.moveBackRng = streams.stream('move-back');
    this.restartRng = streams.stream('restart');
    this.hookRng = streams.stream('hook');
    this.churnRng = streams.stream('churn');
    this.churnGaps = p.churnRate > 0 ? new Exponential(1 / p.churnRate) : undefined;
    this.flavorMix = new Shares(s.flavors.map((f) => f.share));
    this.retryRng = streams.stream('retry-stranded');
    this.strandedVmState = rule('noValidHostOnEvacuate', s.nova.release) === 'error' ? 'ERROR' : 'vm_state unchanged';
    this.taskStateMustBeNone = rule('evacuateChecks', s.nova.release).taskStateMustBeNone;
    this.retryLeft = new Int32Array(H);
    this.retryToken = new Float64Array(H).fill(-1);
    this.detectToken = new Float64Array(H).fill(-1);
    this.evacToken = new Float64Array(H).fill(-1);
    this.moveBackToken = new Float64Array(H).fill(-1);
    this.hookToken = new Float64Array(H).fill(-1);
    this.hookDone = new Uint8Array(H);
    this.waiting = new Uint8Array(H);
    if (buffers.restartToken.length !== N || buffers.away.length !== H) {
      throw new RangeError(`buffers for ${buffers.restartToken.length} instances and ${buffers.away.length} hosts, the state has ${N} and ${H}`);
    }
    this.buffers = buffers;
    this.away = buffers.away;
    for (let h = 0; h < H; h++) this.away[h].length = 0;
    this.restartToken = buffers.restartToken.fill(-1);
    this.downSince = buffers.downSince.fill(0);
    this.strandedSince = buffers.strandedSince.fill(-1);
    this.incidentOf = buffers.incidentOf.fill(-1);
    this.scratch = buffers.scratch;
    this.refused = buffers.refused.fill(0);
    this.totalRamMb = s.totalRamMb();
    for (let i = 0; i < N; i++) { this.counts[s.state[i]]++; if (s.state[i] === RUNNING) this.runningMb += s.ramMb[i]; }
    this.heldBackMb = this.computeHeldBack();
    for (let h = 0; h < s.hostCount; h++) this.noteCommit(h);
    this.hDetect = sim.addHandler('service-down', (h) => this.detect(h));
    this.hEvacuate = sim.addHandler('host-evacuate', (h) => this.hostEvacuate(h));
    this.hRestarted = sim.addHandler('instance-running', (i) => this.restarted(i));
    this.hRebuild = sim.addHandler('rebuild-in-place', (i) => this.rebuildInPlace(i));
    this.rebuilds = p.localRebuild !== undefined && !p.sharedStorage
      ? new LocalRebuilds(sim, s, p.localRebuild, streams, this.hRestarted) : undefined;
    this.hHook = sim.addHandler('hook-release', (h) => this.hookApply(h));
    this.hRestore = sim.addHandler('hook-restore', () => this.hookRestore());
    this.hMoveBack = sim.addHandler('move-back', (h) => this.moveBack(h));
    this.hChurn = sim.addHandler('churn', () => this.churn());
    this.hRetry = sim.addHandler('retry-stranded', (h) => this.retryStranded(h));
    if (p.churnRate > 0) sim.schedule(this.churnGap(), this.hChurn);
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  /** Integrates the time-weighted metrics up to now. */
  advance(): void {
    const dt = this.sim.now - this.lastT;
    if (dt > 0) {
      this.heldBackArea += this.heldBackMb * dt;
      this.runningArea += this.runningMb * dt;
      this.lastT = this.sim.now;
    }
  }

  /** Capacity held back: every host's reservation plus the RAM of disabled spares. */
  private computeHeldBack(): number {
    const s = this.s;
    let mb = s.reservedSumMb;
    for (let k = 0; k < s.spares.length; k++) {
      const h = s.spares[k];
      if (!s.enabled[h]) mb += s.totalMb[h] - s.reservedMb[h];
    }
    return mb;
  }

  private noteCommit(h: number): void {
    const s = this.s;
    const c = s.residentMb[h] / s.totalMb[h];
    if (c > this.peakCommit) this.peakCommit = c;
    if (!s.alive[h]) return;
    const m = memoryCommit(this.p.overhead, s.totalMb[h], s.residentCount[h], s.residentVcpu[h], s.residentMb[h]);
    if (m > this.peakMemoryCommit) this.peakMemoryCommit = m;
    const left = s.totalMb[h] - s.residentMb[h];
    if (left < this.minMemoryLeftMb) this.minMemoryLeftMb = left;
  }

  private setState(i: number, st: number): void {
    const old = this.s.state[i];
    this.counts[old]--;
    this.counts[st]++;
    this.s.state[i] = st;
    if (old === RUNNING) this.runningMb -= this.s.ramMb[i];
    if (st === RUNNING) this.runningMb += this.s.ramMb[i];
  }

  /**
   * A line for the trace. Per-instance paths test `this.log` first: an argument's template is
   * built before the call, traced or not (~5 % of a 1,000-host replication, bench/results.md).
   */
  private note(line: string): void {
    if (this.log !== undefined) this.log(`${fmt(this.sim.now)} ${line}`);
  }

  // ---- failures -------------------------------------------------------------------------------

  hostDown(h: number, incident: number): void {
    this.advance();
    const s = this.s;
    s.alive[h] = 0;
    this.hostsDownCount++;
    if (this.restoreToken >= 0) { this.sim.cancel(this.restoreToken); this.restoreToken = -1; }
    if (this.moveBackToken[h] >= 0) { this.sim.cancel(this.moveBackToken[h]); this.moveBackToken[h] = -1; this.pendingMoveBacks--; }
    this.note(`host ${s.hostNames[h]} down`);
    s.ioFreeze(h);
    // Incidents may arrive out of id order (a staggered domain event's later hosts).
    if (this.incidentStart[incident] === undefined) { this.incidentStart[incident] = this.sim.now; this.incidentPending[incident] = 0; }
    for (let i = s.head[h]; i >= 0; i = s.next[i]) {
      const st = s.state[i];
      if (st === RUNNING) {
        this.setState(i, DOWN);
        this.downSince[i] = this.sim.now;
        this.incidentOf[i] = incident;
        this.incidentPending[incident]++;
      } else if (st === EVACUATING) {
        // Its rebuild (or restart) on this host dies with it; it stays in its first incident.
        if (this.restartToken[i] >= 0) this.sim.cancel(this.restartToken[i]);
        this.restartToken[i] = -1;
        this.rebuilds?.abort(i);
        this.setState(i, DOWN);
        if (this.taskStateMustBeNone) this.refused[i] = 1;
      }
    }
    if (s.serviceUp[h]) {
      const p = this.p, n = s.nova;
      let delay: number;
      if (p.detection === 'fencing') delay = p.fenceDelay.sample(this.detectionRng);
      else {
        // servicegroup db driver: down once now − last_seen > service_down_time; the last
        // heartbeat was a uniform phase of report_interval before the crash (§8.1).
        const sdt = n.serviceDownTime <= n.reportInterval ? Math.floor(n.reportInterval * 2.5) : n.serviceDownTime;
        delay = sdt - this.detectionRng.next() * n.reportInterval;
      }
      this.detectToken[h] = this.sim.schedule(delay, this.hDetect, h);
    }
  }

  private detect(h: number): void {
    const s = this.s;
    this.detectToken[h] = -1;
    s.setServiceUp(h, false);
    this.note(`service ${s.hostNames[h]} down`);
    if (this.restoreToken >= 0) { this.sim.cancel(this.restoreToken); this.restoreToken = -1; }
    if (this.p.hook !== undefined) this.hookToken[h] = this.sim.schedule(this.p.hook.after.sample(this.hookRng), this.hHook, h);
    this.evacToken[h] = this.sim.schedule(this.p.reaction.sample(this.reactionRng), this.hEvacuate, h);
  }

  private hostEvacuate(h: number): void {
    this.evacToken[h] = -1;
    const hook = this.p.hook;
    if (hook !== undefined && hook.wait && !this.hookDone[h]) { this.waiting[h] = 1; return; }
    this.evacuateHost(h);
  }

  /** `nova host-evacuate`: one evacuate call per server still down on the host, in list order. */
  evacuateHost(h: number): void {
    this.advance();
    const s = this.s;
    this.note(`host-evacuate ${s.hostNames[h]}`);
    let n = 0;
    for (let i = s.head[h]; i >= 0; i = s.next[i]) {
      if (s.state[i] !== DOWN) continue;
      if (this.refused[i]) { this.refusedCalls++; this.note(`evacuate i${i}: refused, task_state rebuilding (409)`); continue; }
      this.scratch[n++] = i;
    }
    let stranded = 0;
    for (let k = 0; k < n; k++) if (!this.evacuate(this.scratch[k], h)) stranded++;
    if (stranded > 0 && this.p.retry !== undefined) {
      this.retryLeft[h] = this.p.retry.attempts;
      this.scheduleRetry(h);
    }
  }

  private scheduleRetry(h: number): void {
    if (this.retryToken[h] >= 0 || this.retryLeft[h] <= 0) return;
    this.retryLeft[h]--;
    this.retryToken[h] = this.sim.schedule(this.p.retry!.after.sample(this.retryRng), this.hRetry, h);
  }

  /** The operator re-runs host-evacuate on a failed host for its stranded instances. */
  private retryStranded(h: number): void {
    this.retryToken[h] = -1;
    const s = this.s;
    if (s.alive[h]) return;
    this.advance();
    this.retryRuns++;
    this.note(`host-evacuate ${s.hostNames[h]} again (stranded instances)`);
    let n = 0;
    for (let i = s.head[h]; i >= 0; i = s.next[i]) if (s.state[i] === STRANDED) this.scratch[n++] = i;
    let left = 0;
    for (let k = 0; k < n; k++) {
      if (this.evacuate(this.scratch[k], h)) this.rescuedByRetry++;
      else left++;
    }
    if (left > 0) this.scheduleRetry(h);
  }

  /** One evacuate call; false when it got NoValidHost (the instance is stranded, counted once per failure). */
  private evacuate(i: number, src: number): boolean {
    const s = this.s;
    const dest = this.scheduler.select(s.ramMb[i], s.vcpusOf[i], src, s.groupOf[i], s.azReq[i], i);
    if (dest < 0) {
      if (s.state[i] !== STRANDED) {
        this.setState(i, STRANDED);
        this.strandings++;
        this.strandedSince[i] = this.sim.now;
      }
      if (this.log !== undefined) this.note(`evacuate i${i} from ${s.hostNames[src]}: NoValidHost, stranded (${this.strandedVmState})`);
      return false;
    }
    s.detach(i, true);
    // consume_from_request: one more I/O operation on the destination, even a dead one the
    // scheduler still sees up (its frozen record keeps it until the compute restarts).
    s.attachBuilding(i, dest);
    this.noteCommit(dest);
    this.away[src].push(i);
    this.rebuilds?.left(i, src);
    this.evacuated++;
    // Local storage: the destination rebuilds the root disk from the image (§8.2 instance_on_disk
    // false) and the source's copy is destroyed when its compute restarts: the data is lost.
    if (!this.p.sharedStorage) this.dataLost++;
    if (this.log !== undefined) this.note(`evacuate i${i} ${s.hostNames[src]} -> ${s.hostNames[dest]}`);
    if (s.state[i] === STRANDED) {
      this.strandedSeconds += this.sim.now - this.strandedSince[i];
      this.strandedSince[i] = -1;
      this.setState(i, DOWN);
    }
    if (!s.alive[dest]) {
      // Dead but not yet seen down: the rebuild RPC reaches no compute and task_state stays
      // rebuilding; it waits for that host's evacuation (refused before Zed).
      if (this.taskStateMustBeNone) this.refused[i] = 1;
      return true;
    }
    this.setState(i, EVACUATING);
    // Local storage: rebuild_instance rebuilds the root disk from the image on the destination
    // (§8.2 instance_on_disk false), a boot that competes with the other rebuilds (§9.1).
    if (this.rebuilds !== undefined) { this.rebuilds.start(i, dest); return true; }
    const d = this.p.sharedStorage ? this.p.restartShared : this.p.restartLocal;
    this.restartToken[i] = this.sim.schedule(d.sample(this.restartRng), this.hRestarted, i);
    return true;
  }

  private restarted(i: number): void {
    this.advance();
    this.restartToken[i] = -1;
    this.s.ioEnd(i);
    this.setState(i, RUNNING);
    const now = this.sim.now;
    this.recordDowntime(now - this.downSince[i]);
    if (this.strandedSince[i] >= 0) { this.strandedSeconds += now - this.strandedSince[i]; this.strandedSince[i] = -1; }
    const inc = this.incidentOf[i];
    this.incidentOf[i] = -1;
    if (inc >= 0 && --this.incidentPending[inc] === 0) {
      const rec = now - this.incidentStart[inc];
      if (rec > this.recoveryMax) this.recoveryMax = rec;
    }
    if (this.log !== undefined) this.note(`i${i} running on ${this.s.hostNames[this.s.hostOf[i]]}`);
  }

  private recordDowntime(d: number): void {
    const b = this.buffers;
    if (this.downtimeCount === b.downtimes.length) b.downtimes = grown(b.downtimes, b.downtimes.length * 2);
    b.downtimes[this.downtimeCount++] = d;
  }

  hostUp(h: number): void {
    this.advance();
    const s = this.s;
    s.alive[h] = 1;
    s.setServiceUp(h, true);
    this.hostsDownCount--;
    if (this.detectToken[h] >= 0) { this.sim.cancel(this.detectToken[h]); this.detectToken[h] = -1; }
    if (this.evacToken[h] >= 0) { this.sim.cancel(this.evacToken[h]); this.evacToken[h] = -1; }
    // A hook run still pending for this host's failure is moot: the host is back.
    if (this.hookToken[h] >= 0) { this.sim.cancel(this.hookToken[h]); this.hookToken[h] = -1; }
    if (this.retryToken[h] >= 0) { this.sim.cancel(this.retryToken[h]); this.retryToken[h] = -1; }
    this.retryLeft[h] = 0;
    this.waiting[h] = 0;
    this.hookDone[h] = 0;
    // nova-compute starts: it destroys the evacuated guests and drops their allocations (§8.2).
    s.releaseHeld(h);
    s.ioReset(h);
    this.rebuilds?.hostUp(h);
    this.note(`host ${s.hostNames[h]} up`);
    // Instances never evacuated (or stranded) are restarted here by the operator.
    for (let i = s.head[h]; i >= 0; i = s.next[i]) {
      const st = s.state[i];
      this.refused[i] = 0;
      if (st === DOWN || st === STRANDED) {
        this.setState(i, EVACUATING);
        if (this.rebuilds !== undefined && this.rebuilds.needsRebuild(i, h)) {
          // Sent here while the host was dead (or its rebuild died with it): no disk to restart
          // from, so the operator's restart is a rebuild from the image.
          this.restartToken[i] = this.sim.schedule(this.p.reaction.sample(this.operatorRng), this.hRebuild, i);
          continue;
        }
        const d = this.p.reaction.sample(this.operatorRng) + this.p.restartShared.sample(this.restartRng);
        this.restartToken[i] = this.sim.schedule(d, this.hRestarted, i);
      }
    }
    this.noteCommit(h);
    if (this.p.moveBack !== undefined && this.away[h].length > 0) {
      this.moveBackToken[h] = this.sim.schedule(this.p.moveBack.sample(this.moveBackRng), this.hMoveBack, h);
      this.pendingMoveBacks++;
    } else {
      this.away[h].length = 0;
      this.maybeRestore();
    }
  }

  private rebuildInPlace(i: number): void {
    this.restartToken[i] = -1;
    // A rebuild (task_state rebuilding) on the repaired host: its compute's stats count it.
    this.s.ioStart(i, this.s.hostOf[i]);
    this.rebuilds!.start(i, this.s.hostOf[i]);
  }

  // ---- operations: move back, the hook, churn ------------------------------------------------

  private moveBack(h: number): void {
    const s = this.s;
    this.moveBackToken[h] = -1;
    this.pendingMoveBacks--;
    const list = this.away[h];
    let moved = 0;
    // No scheduling happens during the moves: the index is brought up to date once per touched
    // host afterwards instead of once per move.
    const moves = (): void => {
      for (let k = 0; k < list.length; k++) {
        const i = list[k];
        if (s.homeOf[i] !== h || s.state[i] !== RUNNING || s.hostOf[i] === h) continue;
        if (!s.fits(h, s.ramMb[i], s.vcpusOf[i])) continue;
        moved++;
        s.detach(i, false);
        s.attach(i, h);
        this.rebuilds?.moved(i, h);
        this.noteCommit(h);
      }
    };
    if (s.index === undefined) moves(); else s.index.batch(moves);
    list.length = 0;
    this.note(`moved ${moved} instances back to ${s.hostNames[h]}`);
    this.maybeRestore();
  }

  private maybeRestore(): void {
    const hook = this.p.hook;
    if (hook === undefined || !hook.restoreAfterRepair || this.hostsDownCount > 0 || this.pendingMoveBacks > 0) return;
    if (!this.released && !this.anySpareEnabled()) return;
    if (this.restoreToken < 0) this.restoreToken = this.sim.schedule(hook.after.sample(this.hookRng), this.hRestore);
  }

  private anySpareEnabled(): boolean {
    const s = this.s;
    for (let k = 0; k < s.spares.length; k++) if (s.enabled[s.spares[k]]) return true;
    return false;
  }

  private hookApply(h: number): void {
    this.advance();
    const s = this.s, hook = this.p.hook!;
    this.hookToken[h] = -1;
    if (hook.releaseToMb !== undefined && !this.released) {
      this.released = true;
      s.setReservedAll(hook.releaseToMb);
      this.note(`hook: reserved_host_memory_mb = ${hook.releaseToMb}`);
    }
    if (hook.enableSpares) {
      // One spare per host currently seen down.
      const down = s.servicesDown;
      let enabledSpares = 0;
      for (let k = 0; k < s.spares.length; k++) if (s.enabled[s.spares[k]]) enabledSpares++;
      for (let k = 0; k < s.spares.length && enabledSpares < down; k++) {
        const x = s.spares[k];
        if (!s.enabled[x] && s.alive[x]) {
          s.setEnabled(x, true);
          enabledSpares++;
          this.note(`hook: spare ${s.hostNames[x]} enabled`);
        }
      }
    }
    this.heldBackMb = this.computeHeldBack();
    this.hookDone[h] = 1;
    if (this.waiting[h] && !s.alive[h]) { this.waiting[h] = 0; this.evacuateHost(h); }
  }

  private hookRestore(): void {
    this.advance();
    this.restoreToken = -1;
    const s = this.s;
    if (this.released) {
      this.released = false;
      s.restoreReservedAll();
    }
    for (let k = 0; k < s.spares.length; k++) if (s.enabled[s.spares[k]]) s.setEnabled(s.spares[k], false);
    this.heldBackMb = this.computeHeldBack();
    this.note(`hook: restored`);
  }


  private churnGap(): number {
    return this.churnGaps!.sample(this.churnRng);
  }

  /** A tenant deletes a random running instance and creates one of a random flavor (§7 build path). */
  private churn(): void {
    this.sim.schedule(this.churnGap(), this.hChurn);
    const s = this.s;
    const i = Math.min(s.instanceCount - 1, Math.floor(this.churnRng.next() * s.instanceCount));
    const v = this.churnRng.next();
    if (s.instanceCount === 0 || s.state[i] !== RUNNING) return;
    this.advance();
    const oldHost = s.hostOf[i], oldFlavor = s.flavorOf[i];
    this.runningMb -= s.ramMb[i];
    s.detach(i, false);
    s.setFlavor(i, this.flavorMix.pick(v));
    s.groupOf[i] = -1;
    s.azReq[i] = -1;
    const dest = this.scheduler.select(s.ramMb[i], s.vcpusOf[i], -1, -1, -1, i);
    // The scheduler still sees a crashed compute as up for 50–60 s (§8.1), so it may pick a dead
    // host. The build RPC then reaches no nova-compute: the server sits in BUILD (evacuate refuses
    // that vm_state, §8.2) and goes to ERROR when the compute restarts — a build failure, like
    // NoValidHost.
    if (dest < 0 || s.alive[dest] === 0) {
      // NoValidHost at build: the new server goes to ERROR; the population stays as it was.
      this.buildFailures++;
      s.setFlavor(i, oldFlavor);
      s.attach(i, oldHost);
    } else {
      s.attach(i, dest);
      this.noteCommit(dest);
      s.homeOf[i] = dest;
      this.rebuilds?.moved(i, dest);
    }
    this.runningMb += s.ramMb[i];
  }

  // ---- end of run -----------------------------------------------------------------------------

  /** Censors what is still open at the horizon (downtimes, strandings, incidents). */
  finish(): void {
    this.advance();
    const s = this.s, now = this.sim.now;
    for (let i = 0; i < s.instanceCount; i++) {
      if (s.state[i] === RUNNING) continue;
      this.recordDowntime(now - this.downSince[i]);
      if (this.strandedSince[i] >= 0) this.strandedSeconds += now - this.strandedSince[i];
    }
    for (let inc = 0; inc < this.incidentPending.length; inc++) {
      if (this.incidentPending[inc] > 0) this.recoveryMax = Math.max(this.recoveryMax, now - this.incidentStart[inc]);
    }
  }

  /** Time-average of the capacity held back (reservations + disabled spares), as a share of RAM. */
  heldBackFraction(horizon: number): number {
    return horizon > 0 ? this.heldBackArea / horizon / this.totalRamMb : this.heldBackMb / this.totalRamMb;
  }

  reservedGibHours(): number {
    return this.heldBackArea * MB / 2 ** 30 / 3600;
  }

  meanRamUtilisation(horizon: number): number {
    return horizon > 0 ? this.runningArea / horizon / this.totalRamMb : this.runningMb / this.totalRamMb;
  }
}

/**
 * The model's per-instance arrays and per-host lists, which a caller running many replications
 * on one working state passes to each model in turn (the evacuation study keeps them with the
 * fixed layout's working copy): 400,000 instances are 13 MB that would otherwise be allocated,
 * zeroed and collected every replication. The model resets them itself.
 */
export class InstanceBuffers {
  /** Downtimes recorded (grown by doubling, kept at their largest size). */
  downtimes = new Float64Array(1024);
  /** Per host: the instances evacuated from it, to move back. */
  readonly away: number[][];
  readonly restartToken: Float64Array;
  readonly downSince: Float64Array;
  readonly strandedSince: Float64Array;
  readonly incidentOf: Int32Array;
  readonly scratch: Int32Array;
  readonly refused: Uint8Array;
  constructor(instances: number, hosts: number) {
    this.away = Array.from({ length: hosts }, () => []);
    this.restartToken = new Float64Array(instances);
    this.downSince = new Float64Array(instances);
    this.strandedSince = new Float64Array(instances);
    this.incidentOf = new Int32Array(instances);
    this.scratch = new Int32Array(instances);
    this.refused = new Uint8Array(instances);
  }
}

function fmt(t: number): string {
  return `t=${Math.round(t * 1000) / 1000}`;
}
