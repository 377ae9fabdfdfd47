import { Simulation } from '../../engine/simulation.js';
import type { Distribution } from '../../random/distributions.js';
import type { Rng, Streams } from '../../random/streams.js';
import { Limiter } from '../../resources/limiter.js';
import { SharedLink } from '../../resources/shared-link.js';
import { grown } from '../../engine/grow.js';
import { rule, type QuiesceRule, type RbdSnapshot, type Release } from '../nova/releases.js';

/**
 * Scheduled image snapshots (`nova image-create`) of running instances: how long their guests
 * stay frozen by the qemu guest agent's fsfreeze, or stopped by a cold snapshot (docs/openstack-facts.md
 * §4, §12, §8.3; the release of every rule below: sim/openstack/nova/releases.ts, docs/nova-releases.md).
 *
 * Every `interval` each instance asks for a snapshot at a random offset inside `window`. On its
 * compute, `max_concurrent_snapshots` (Victoria+; 0 = unlimited, as before Victoria) snapshots
 * run at once; the rest wait FIFO. A request for an instance whose previous snapshot is still
 * running is refused (nova answers 409: task_state image_snapshot) and counts as failed.
 *
 * Once a slot is granted, the path depends on the release, the storage and
 * `[workarounds] disable_libvirt_livesnapshot` (`liveSnapshot` = not disabled):
 *
 *   cold (live snapshots disabled: the default Juno–Pike)   managedSave writes the guest's RAM to
 *     disk and stops it; the root disk is extracted (qemu-img convert, on the compute's disk);
 *     the guest is restored; then the image is uploaded. Quiesce is never called (os_require_quiesce
 *     is irrelevant): crash-consistent, the guest down from save to restore.
 *   live, local/NFS file, by the release's quiesce rule:
 *     none (Icehouse)   block copy, never quiesced.
 *     require (Kilo, Liberty)   quiesce only with os_require_quiesce; guest-sync first (5 s
 *       timeout); an agent not enabled or silent ABORTS the snapshot; otherwise the freeze is held
 *       across the whole block copy. Without os_require_quiesce: crash-consistent.
 *     try (Mitaka–Xena)   quiesce tried whenever the agent is enabled and held across the whole
 *       copy; a failure (agent not enabled, silent) aborts only with os_require_quiesce, otherwise
 *       the copy goes on unquiesced.
 *     after (Yoga on)   os_require_quiesce without the agent enabled fails the pre-check at once;
 *       the mirror copies unfrozen; only when it is complete does nova quiesce, hold the freeze
 *       while it ends the job (`pivotTime`), and thaw; a silent agent costs the guest-sync timeout
 *       and the snapshot continues unquiesced.
 *   RBD, by the release's RBD rule:
 *     cold-extract (Icehouse–Liberty)   always cold, extracted from RBD (qemu-img convert).
 *     direct-cold (Mitaka)   always cold; a direct snapshot inside Ceph (snap, clone, flatten)
 *       while the guest is suspended.
 *     direct-live (Newton on)   the direct snapshot with the guest running (cold when live
 *       snapshots are disabled). Never quiesced: crash-consistent.
 *     When Glance's store is not the same Ceph cluster the direct snapshot fails
 *     (ImageUnacceptable) and nova falls back to the standard snapshot, COLD for RBD: suspend,
 *     extract, resume, upload.
 *
 * Freeze length = dirty bytes ÷ the guest disk's write bandwidth (the FIFREEZE sync) + the time
 * the freeze is held (require/try: the block copy; after: `pivotTime`). Block copies and
 * extracts read and write the compute's local disk, so those running at once on one compute
 * share `diskBandwidth` (processor sharing, each at most `copyBandwidth`). managedSave writes and
 * restore reads the guest's RAM at `saveBandwidth`.
 *
 * Common random numbers: the agent-enabled flag per instance comes from stream `agent-enabled`
 * in instance order, the guest RAM from `guest-ram` in instance order; request offsets from
 * `snapshot-schedule` in instance order each round; each request of instance i draws (dirty bytes,
 * disk used, agent answers) from `snapshot/i` in that order, whether the design uses them or not,
 * so every design sees the same workload.
 */
export type SnapshotStorage = 'local' | 'rbd';
export type Consistency = 'failed' | 'crash' | 'app';

export interface SnapshotParams {
  computes: number;
  instancesPerCompute: number;
  /** Seconds between two snapshots of one instance (a round). */
  interval: number;
  /** Requests of a round are spread uniformly over [0, window). */
  window: number;
  /** Rounds start at 0, interval, … while before this time. */
  horizon: number;
  /** max_concurrent_snapshots per compute (§8.3). */
  maxConcurrent: number;
  /** The nova release: its quiesce and RBD rules (releases.ts). */
  release: Release;
  /** Live snapshots allowed (`disable_libvirt_livesnapshot` false). */
  liveSnapshot: boolean;
  storage: SnapshotStorage;
  /** RBD: Glance stores images in the same Ceph cluster (else the direct snapshot falls back, cold). */
  glanceSameCluster: boolean;
  /** Guest RAM that managedSave writes and restore reads back. */
  guestRam: Distribution;
  /** managedSave / restore bandwidth. */
  saveBandwidth: number;
  /** Share of instances whose image has hw_qemu_guest_agent=yes (agent enabled). */
  agentEnabledShare: number;
  /** Probability that an enabled agent answers guest-sync (running and responsive). */
  agentAnswers: number;
  /** Image property os_require_quiesce. */
  requireQuiesce: boolean;
  /** libvirt guest-sync timeout (5 s). */
  guestSyncTimeout: number;
  /** What a failed freeze does: by the release's quiesce rule, or forced. */
  onFreezeFailure: 'release' | 'abort' | 'continue';
  dirtyData: Distribution;
  /** Guest disk write bandwidth: how fast fsfreeze's sync flushes dirty data. */
  flushBandwidth: number;
  /** Allocated bytes of the root disk (what the block copy, the upload and the flatten move). */
  diskUsed: Distribution;
  /** Most one block copy can reach alone. */
  copyBandwidth: number;
  /** The compute's local disk, shared by its concurrent block copies. */
  diskBandwidth: number;
  /** current: how long the freeze is held after the flush while nova ends the mirror job. */
  pivotTime: number;
  /** qemu-img extract + upload to Glance. */
  uploadBandwidth: number;
  /** RBD direct snapshot: fixed part (snap, protect, clone, image record). */
  rbdOverhead: number;
  /** RBD direct snapshot: flatten of the clone inside Ceph. */
  rbdFlattenBandwidth: number;
}

export interface SnapshotResults {
  requested: number;
  failed: number;
  crash: number;
  app: number;
  /** Freeze lengths of snapshots that froze their guest (seconds). */
  freezes: Float64Array;
  /** Request → image ready, for snapshots that completed (seconds). */
  durations: Float64Array;
  /** Request → slot granted, for every granted request. */
  waits: Float64Array;
  /** Requests refused because the instance's previous snapshot was still running. */
  refused: number;
  /** Snapshots taken cold (guest stopped by managedSave). */
  cold: number;
  /** Guest stopped, save to restore, of every cold snapshot (seconds). */
  downtimes: Float64Array;
}

/** Growable Float64Array list (amortised, no per-push allocation). */
class Samples {
  private a = new Float64Array(64);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) this.a = grown(this.a, this.n * 2);
    this.a[this.n++] = v;
  }
  values(): Float64Array { return this.a.slice(0, this.n); }
}

export class SnapshotFleet {
  readonly sim: Simulation;
  private readonly p: SnapshotParams;
  private readonly n: number;
  private readonly limiters: Limiter[] = [];
  private readonly disks: SharedLink[] = [];
  private readonly agentEnabled: Uint8Array;
  private readonly busy: Uint8Array;
  private readonly frozen: Uint8Array;
  private readonly answers: Uint8Array;
  private readonly requestedAt: Float64Array;
  private readonly frozeAt: Float64Array;
  private readonly dirty: Float64Array;
  private readonly used: Float64Array;
  private readonly ram: Float64Array;
  private readonly coldMode: Uint8Array;
  private readonly stoppedAt: Float64Array;
  private readonly quiesce: QuiesceRule;
  private readonly rbd: RbdSnapshot;
  private readonly snapRng: Rng[] = [];
  private readonly scheduleRng: Rng;
  private readonly hRound: number;
  private readonly hRequest: number;
  private readonly hGranted: number;
  private readonly hSyncTimeout: number;
  private readonly hFlushed: number;
  private readonly hCopied: number;
  private readonly hThawed: number;
  private readonly hDone: number;
  private readonly hSaved: number;
  private readonly hResumed: number;
  private readonly hRbdDone: number;
  private readonly freezes = new Samples();
  private readonly durations = new Samples();
  private readonly waits = new Samples();
  private readonly downtimes = new Samples();
  private counts = { requested: 0, failed: 0, crash: 0, app: 0, refused: 0, cold: 0 };

  constructor(params: SnapshotParams, streams: Streams, sim = new Simulation()) {
    this.sim = sim;
    this.p = params;
    const n = this.n = params.computes * params.instancesPerCompute;
    this.agentEnabled = new Uint8Array(n);
    this.busy = new Uint8Array(n);
    this.frozen = new Uint8Array(n);
    this.answers = new Uint8Array(n);
    this.requestedAt = new Float64Array(n);
    this.frozeAt = new Float64Array(n);
    this.dirty = new Float64Array(n);
    this.used = new Float64Array(n);
    this.ram = new Float64Array(n);
    this.coldMode = new Uint8Array(n);
    this.stoppedAt = new Float64Array(n);
    this.quiesce = rule('quiesce', params.release);
    this.rbd = rule('rbdSnapshot', params.release);
    this.hRound = sim.addHandler('snapshot-round', () => this.round());
    this.hRequest = sim.addHandler('snapshot-requested', (i) => this.request(i));
    this.hGranted = sim.addHandler('snapshot-slot-granted', (i) => this.granted(i));
    this.hSyncTimeout = sim.addHandler('guest-sync-timeout', (i) => this.syncTimedOut(i));
    this.hFlushed = sim.addHandler('flushed', (i) => this.startCopy(i));
    this.hCopied = sim.addHandler('block-copy-complete', (i) => this.copied(i));
    this.hThawed = sim.addHandler('thawed', (i) => this.thawed(i));
    this.hDone = sim.addHandler('snapshot-done', (i) => this.done(i));
    this.hSaved = sim.addHandler('managed-save-complete', (i) => this.saved(i));
    this.hResumed = sim.addHandler('guest-restored', (i) => this.resumed(i));
    this.hRbdDone = sim.addHandler('rbd-direct-snapshot-complete', (i) => this.rbdDirectDone(i));
    const cap = params.maxConcurrent > 0 ? params.maxConcurrent : params.instancesPerCompute; // 0 = unlimited in nova
    for (let c = 0; c < params.computes; c++) {
      this.limiters.push(new Limiter(sim, Math.max(1, cap), `snapshots@${c}`));
      this.disks.push(new SharedLink(sim, params.diskBandwidth, `disk@${c}`, 8));
    }
    const enabled = streams.stream('agent-enabled');
    for (let i = 0; i < n; i++) {
      this.agentEnabled[i] = enabled.next() < params.agentEnabledShare ? 1 : 0;
      this.snapRng.push(streams.stream(`snapshot/${i}`));
    }
    const ram = streams.stream('guest-ram');
    for (let i = 0; i < n; i++) this.ram[i] = params.guestRam.sample(ram);
    this.scheduleRng = streams.stream('snapshot-schedule');
    sim.schedule(0, this.hRound, 0);
  }

  /** Runs every round that starts before the horizon, and lets the last snapshots finish. */
  run(): SnapshotResults {
    this.sim.run();
    return { ...this.counts, freezes: this.freezes.values(), durations: this.durations.values(), waits: this.waits.values(), downtimes: this.downtimes.values() };
  }

  private tracing(): boolean { return this.sim.tracer !== undefined; }
  private note(what: string, i: number): void { this.sim.tracer!.note(this.sim.now, what, { instance: i }); }
  private compute(i: number): number { return Math.floor(i / this.p.instancesPerCompute); }

  private round(): void {
    const p = this.p, sim = this.sim;
    for (let i = 0; i < this.n; i++) sim.schedule(this.scheduleRng.next() * p.window, this.hRequest, i);
    if (sim.now + p.interval < p.horizon) sim.schedule(p.interval, this.hRound, 0);
  }

  private request(i: number): void {
    const p = this.p, rng = this.snapRng[i];
    // Fixed draw order per request (common random numbers), even if refused below.
    const dirty = p.dirtyData.sample(rng);
    const used = p.diskUsed.sample(rng);
    const answers = rng.next() < p.agentAnswers ? 1 : 0;
    this.counts.requested++;
    if (this.busy[i]) {
      this.counts.refused++;
      this.counts.failed++;
      if (this.tracing()) this.note('refused: previous snapshot still running', i);
      return;
    }
    this.busy[i] = 1;
    this.dirty[i] = dirty;
    this.used[i] = used;
    this.answers[i] = answers;
    this.frozen[i] = 0;
    this.requestedAt[i] = this.sim.now;
    if (this.tracing()) this.note('requested', i);
    this.limiters[this.compute(i)].request(this.hGranted, i);
  }

  private granted(i: number): void {
    const p = this.p, sim = this.sim;
    this.waits.push(sim.now - this.requestedAt[i]);
    this.coldMode[i] = 0;
    if (p.storage === 'rbd') {
      const direct = this.rbd !== 'cold-extract' && p.glanceSameCluster;
      const live = this.rbd === 'direct-live' && p.liveSnapshot && direct;
      if (live) {
        if (this.tracing()) this.note('rbd direct snapshot, guest running: no quiesce', i);
        sim.schedule(this.rbdDirectTime(i), this.hRbdDone, i);
      } else {
        if (this.tracing() && this.rbd !== 'cold-extract' && !p.glanceSameCluster) this.note('rbd direct snapshot refused: glance store is not this Ceph cluster (ImageUnacceptable)', i);
        this.suspend(i);
      }
      return;
    }
    if (!p.liveSnapshot) { this.suspend(i); return; }
    const q = this.quiesce;
    if (q === 'none') {
      if (this.tracing()) this.note('block copy, no quiesce (no quiesce before kilo)', i);
      this.startCopy(i);
    } else if (q === 'require' || q === 'try') {
      if (q === 'require' && !p.requireQuiesce) {
        if (this.tracing()) this.note('block copy, no quiesce (kilo quiesces only with os_require_quiesce)', i);
        this.startCopy(i);
      } else if (!this.agentEnabled[i]) {
        if (this.abortsOnFreezeFailure()) this.fail(i, 'quiesce impossible, agent not enabled: snapshot fails');
        else {
          if (this.tracing()) this.note('quiesce skipped, agent not enabled: block copy unquiesced', i);
          this.startCopy(i);
        }
      } else if (!this.answers[i]) {
        if (this.tracing()) this.note('guest-sync sent, no answer', i);
        sim.schedule(p.guestSyncTimeout, this.hSyncTimeout, i);
      } else {
        // Frozen (fsfreeze flushes first) before the block copy and held across all of it.
        this.freeze(i);
        sim.schedule(this.flushTime(i), this.hFlushed, i);
      }
    } else {
      if (p.requireQuiesce && !this.agentEnabled[i]) {
        this.fail(i, 'pre-check: os_require_quiesce but agent not enabled: snapshot fails');
        return;
      }
      if (this.tracing()) this.note('mirror started, guest running', i);
      this.startCopy(i);
    }
  }

  /** A failed freeze aborts: forced, or by the quiesce rule (require: always; try: with os_require_quiesce). */
  private abortsOnFreezeFailure(): boolean {
    const p = this.p;
    if (p.onFreezeFailure !== 'release') return p.onFreezeFailure === 'abort';
    return this.quiesce === 'require' || (this.quiesce === 'try' && p.requireQuiesce);
  }

  private rbdDirectTime(i: number): number {
    return this.p.rbdOverhead + this.used[i] / this.p.rbdFlattenBandwidth;
  }

  /** Cold snapshot: managedSave stops the guest (its RAM written to disk). */
  private suspend(i: number): void {
    this.coldMode[i] = 1;
    this.stoppedAt[i] = this.sim.now;
    if (this.tracing()) this.note('managedSave: guest stopped (cold snapshot)', i);
    this.sim.schedule(this.ram[i] / this.p.saveBandwidth, this.hSaved, i);
  }

  private saved(i: number): void {
    const p = this.p;
    if (p.storage === 'rbd' && this.rbd !== 'cold-extract' && p.glanceSameCluster) {
      if (this.tracing()) this.note('rbd direct snapshot, guest suspended', i);
      this.sim.schedule(this.rbdDirectTime(i), this.hRbdDone, i);
      return;
    }
    if (this.tracing()) this.note('extract root disk', i);
    this.startCopy(i);
  }

  private rbdDirectDone(i: number): void {
    if (this.coldMode[i]) this.restore(i);
    else this.done(i);
  }

  /** Restore from the managed save image: the guest runs again once its RAM is read back. */
  private restore(i: number): void {
    this.sim.schedule(this.ram[i] / this.p.saveBandwidth, this.hResumed, i);
  }

  private resumed(i: number): void {
    this.downtimes.push(this.sim.now - this.stoppedAt[i]);
    if (this.tracing()) this.note('guest restored', i);
    // The direct RBD snapshot is the image already; an extract still has to be uploaded.
    if (this.p.storage === 'rbd' && this.rbd !== 'cold-extract' && this.p.glanceSameCluster) this.done(i);
    else this.upload(i);
  }

  private startCopy(i: number): void {
    this.disks[this.compute(i)].start(this.used[i], this.p.copyBandwidth, this.hCopied, i);
  }

  private copied(i: number): void {
    const p = this.p, sim = this.sim;
    if (this.coldMode[i]) { this.restore(i); return; }
    if (this.quiesce !== 'after') {
      if (this.frozen[i]) this.thawed(i);
      else this.upload(i);
      return;
    }
    // after (Yoga+): quiesce only now that the mirror is complete.
    if (!this.agentEnabled[i]) {
      if (this.tracing()) this.note('mirror complete, agent not enabled: unquiesced', i);
      this.upload(i);
    } else if (!this.answers[i]) {
      if (this.tracing()) this.note('mirror complete, guest-sync sent, no answer', i);
      sim.schedule(p.guestSyncTimeout, this.hSyncTimeout, i);
    } else {
      this.freeze(i);
      sim.schedule(this.flushTime(i) + p.pivotTime, this.hThawed, i);
    }
  }

  private syncTimedOut(i: number): void {
    if (this.abortsOnFreezeFailure()) {
      this.fail(i, 'guest-sync timed out: snapshot aborted');
      return;
    }
    if (this.tracing()) this.note('guest-sync timed out: continuing unquiesced', i);
    if (this.quiesce === 'after') this.upload(i);
    else this.startCopy(i);
  }

  private freeze(i: number): void {
    this.frozen[i] = 1;
    this.frozeAt[i] = this.sim.now;
    if (this.tracing()) this.note('guest-sync answered: fsfreeze', i);
  }

  private flushTime(i: number): number { return this.dirty[i] / this.p.flushBandwidth; }

  private thawed(i: number): void {
    this.freezes.push(this.sim.now - this.frozeAt[i]);
    if (this.tracing()) this.note('thawed', i);
    this.upload(i);
  }

  private upload(i: number): void {
    if (this.tracing()) this.note('extract and upload', i);
    this.sim.schedule(this.used[i] / this.p.uploadBandwidth, this.hDone, i);
  }

  private done(i: number): void {
    if (this.frozen[i]) this.counts.app++;
    else this.counts.crash++;
    if (this.coldMode[i]) this.counts.cold++;
    this.durations.push(this.sim.now - this.requestedAt[i]);
    if (this.tracing()) this.note(this.frozen[i] ? 'image ready: app-consistent' : 'image ready: crash-consistent', i);
    this.finish(i);
  }

  private fail(i: number, why: string): void {
    this.counts.failed++;
    if (this.tracing()) this.note(why, i);
    this.finish(i);
  }

  private finish(i: number): void {
    this.busy[i] = 0;
    this.limiters[this.compute(i)].release();
  }
}
