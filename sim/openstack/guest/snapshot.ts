import { Simulation, type Handler } from '../../engine/simulation.js';
import type { Distribution } from '../../random/distributions.js';
import type { Rng, Streams } from '../../random/streams.js';
import { Limiter } from '../../resources/limiter.js';
import { SharedLink } from '../../resources/shared-link.js';
import { grown } from '../../engine/grow.js';

/**
 * Scheduled image snapshots (`nova image-create`) of running instances, and how long their
 * guests stay frozen by the qemu guest agent's fsfreeze (docs/openstack-facts.md §4, §12, §8.3).
 *
 * Every `interval` each instance asks for a snapshot at a random offset inside `window`. On its
 * compute, `max_concurrent_snapshots` (§8.3) snapshots run at once; the rest wait FIFO. A
 * request for an instance whose previous snapshot is still running is refused (nova answers 409:
 * task_state image_snapshot) and counts as failed.
 *
 * What happens once a slot is granted depends on the path (§12):
 *
 *   kilo, local/NFS file   Quiesce only when the image has os_require_quiesce. libvirt sends
 *     guest-sync first (5 s timeout); an agent that is not enabled or does not answer ABORTS the
 *     snapshot. Otherwise fsfreeze flushes the guest's dirty data and the freeze is held across
 *     the whole block copy of the root disk, then thawed; the image is extracted and uploaded.
 *     Without os_require_quiesce nova never quiesces: crash-consistent.
 *   current, local/NFS     os_require_quiesce without the agent enabled (hw_qemu_guest_agent) fails
 *     the pre-check at once. The mirror copies the root disk unfrozen; only when it is complete
 *     does nova quiesce (Yoga+), hold the freeze while it ends the job, and thaw. An agent that
 *     does not answer costs the guest-sync timeout and the snapshot CONTINUES unquiesced
 *     (crash-consistent). Without the agent enabled it is crash-consistent.
 *   current, RBD           direct snapshot inside Ceph (snap, clone, flatten): never quiesced,
 *     crash-consistent (§12, §13.9).
 *
 * Freeze length = dirty bytes ÷ the guest disk's write bandwidth (the FIFREEZE sync) + the time
 * the freeze is held (kilo: the block copy; current: `pivotTime`). Block copies read and write
 * the compute's local disk, so the copies running at once on one compute share `diskBandwidth`
 * (processor sharing, each at most `copyBandwidth`): under kilo, concurrent snapshots on a compute
 * stretch each other's freezes.
 *
 * Common random numbers: the agent-enabled flag per instance comes from stream `agent-enabled`
 * in instance order; request offsets from `snapshot-schedule` in instance order each round; each
 * request of instance i draws (dirty bytes, disk used, agent answers) from `snapshot/i` in that
 * order, whether the design uses them or not, so every design sees the same workload.
 */
export type SnapshotRelease = 'kilo' | 'current';
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
  release: SnapshotRelease;
  storage: SnapshotStorage;
  /** Share of instances whose image has hw_qemu_guest_agent=yes (agent enabled). */
  agentEnabledShare: number;
  /** Probability that an enabled agent answers guest-sync (running and responsive). */
  agentAnswers: number;
  /** Image property os_require_quiesce. */
  requireQuiesce: boolean;
  /** libvirt guest-sync timeout (5 s). */
  guestSyncTimeout: number;
  /** What a failed freeze does: by release (kilo aborts, current continues), or forced. */
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
}

class Fire implements Handler {
  constructor(private readonly fn: (i: number) => void) {}
  fire(i: number): void { this.fn(i); }
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
  private readonly freezes = new Samples();
  private readonly durations = new Samples();
  private readonly waits = new Samples();
  private counts = { requested: 0, failed: 0, crash: 0, app: 0, refused: 0 };

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
    this.hRound = sim.register(new Fire(() => this.round()), 'snapshot-round');
    this.hRequest = sim.register(new Fire((i) => this.request(i)), 'snapshot-requested');
    this.hGranted = sim.register(new Fire((i) => this.granted(i)), 'snapshot-slot-granted');
    this.hSyncTimeout = sim.register(new Fire((i) => this.syncTimedOut(i)), 'guest-sync-timeout');
    this.hFlushed = sim.register(new Fire((i) => this.startCopy(i)), 'flushed');
    this.hCopied = sim.register(new Fire((i) => this.copied(i)), 'block-copy-complete');
    this.hThawed = sim.register(new Fire((i) => this.thawed(i)), 'thawed');
    this.hDone = sim.register(new Fire((i) => this.done(i)), 'snapshot-done');
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
    this.scheduleRng = streams.stream('snapshot-schedule');
    sim.schedule(0, this.hRound, 0);
  }

  /** Runs every round that starts before the horizon, and lets the last snapshots finish. */
  run(): SnapshotResults {
    this.sim.run();
    return { ...this.counts, freezes: this.freezes.values(), durations: this.durations.values(), waits: this.waits.values() };
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
    if (p.storage === 'rbd') {
      if (this.tracing()) this.note('rbd direct snapshot: no quiesce', i);
      sim.schedule(p.rbdOverhead + this.used[i] / p.rbdFlattenBandwidth, this.hDone, i);
      return;
    }
    if (p.release === 'kilo') {
      if (!p.requireQuiesce) {
        if (this.tracing()) this.note('block copy, no quiesce (kilo quiesces only with os_require_quiesce)', i);
        this.startCopy(i);
      } else if (!this.agentEnabled[i]) {
        this.fail(i, 'quiesce impossible, agent not enabled: snapshot fails');
      } else if (!this.answers[i]) {
        if (this.tracing()) this.note('guest-sync sent, no answer', i);
        sim.schedule(p.guestSyncTimeout, this.hSyncTimeout, i);
      } else {
        // §12 kilo: frozen (fsfreeze flushes first) before the block copy and held across all of it.
        this.freeze(i);
        sim.schedule(this.flushTime(i), this.hFlushed, i);
      }
      return;
    }
    if (p.requireQuiesce && !this.agentEnabled[i]) {
      this.fail(i, 'pre-check: os_require_quiesce but agent not enabled: snapshot fails');
      return;
    }
    if (this.tracing()) this.note('mirror started, guest running', i);
    this.startCopy(i);
  }

  private startCopy(i: number): void {
    this.disks[this.compute(i)].start(this.used[i], this.p.copyBandwidth, this.hCopied, i);
  }

  private copied(i: number): void {
    const p = this.p, sim = this.sim;
    if (p.release === 'kilo') {
      if (this.frozen[i]) this.thawed(i);
      else this.upload(i);
      return;
    }
    // current: quiesce only now that the mirror is complete (Yoga+).
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
    const p = this.p;
    const abort = p.onFreezeFailure === 'abort' || (p.onFreezeFailure === 'release' && p.release === 'kilo');
    if (abort) {
      this.fail(i, 'guest-sync timed out: snapshot aborted');
      return;
    }
    if (this.tracing()) this.note('guest-sync timed out: continuing unquiesced', i);
    if (p.release === 'kilo') this.startCopy(i);
    else this.upload(i);
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
