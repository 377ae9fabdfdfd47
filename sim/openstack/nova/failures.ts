import type { Simulation } from '../../engine/simulation.js';
import type { Distribution } from '../../random/distributions.js';
import type { Rng, Streams } from '../../random/streams.js';

/** Told when a host physically goes down (first cause) and comes back (last cause cleared). */
export interface FailureListener {
  hostDown(h: number, incident: number): void;
  hostUp(h: number): void;
}

export interface FailureConfig {
  /** Time to failure of a running host (renewed after each repair); undefined = no host failures. */
  timeToFailure: Distribution | undefined;
  repair: Distribution;
  /** Repair crews working in parallel (FIFO queue beyond); Infinity = every host repaired at once. */
  repairCrews: number;
  /** Outages per rack per second (power, top-of-rack switch); 0 = none. */
  rackRate: number;
  rackDuration: Distribution | undefined;
}

const OWN = 1, RACK = 2;

/**
 * Physical failures and repairs: per-host renewal processes (time to failure, then repair by
 * one of `repairCrews` crews, queueing FIFO when all are busy: the machine-repairman model of
 * docs/validation.md item 6) and correlated rack outages that take every host of a rack down for a
 * duration. Hosts already down when their rack fails stay down until both causes clear.
 *
 * Common random numbers: every draw comes from a dedicated stream (`host-failures`, `repair`,
 * `rack-failures`, `rack-repair`) and happens in events whose timing depends only on earlier
 * draws of these streams — never on scheduling — so every design of replication r sees the
 * same failures and repairs.
 */
export class FailureProcess {
  hostFailures = 0;
  rackFailures = 0;
  hostsDown = 0;
  maxHostsDown = 0;
  incidents = 0;
  /** Time-integral of hosts down (host·s), for validation. */
  downArea = 0;
  /** Time-integral of 1{hosts down ≥ k}, k = 0..hostCount (s). */
  readonly atLeastArea: Float64Array;
  private lastT = 0;

  private readonly causes: Uint8Array;
  private readonly queue: Int32Array;
  private qHead = 0;
  private qLen = 0;
  private busyCrews = 0;
  private readonly ttfRng: Rng;
  private readonly repairRng: Rng;
  private readonly rackRng: Rng;
  private readonly rackRepairRng: Rng;
  private readonly hFail: number;
  private readonly hRepairDone: number;
  private readonly hRackFail: number;
  private readonly hRackRestore: number;

  constructor(
    private readonly sim: Simulation,
    private readonly hostCount: number,
    /** First host of each rack, plus one past the end. */
    private readonly rackStart: Int32Array,
    private readonly cfg: FailureConfig,
    streams: Streams,
    private readonly listener: FailureListener,
  ) {
    this.causes = new Uint8Array(hostCount);
    this.queue = new Int32Array(hostCount);
    this.atLeastArea = new Float64Array(hostCount + 1);
    this.ttfRng = streams.stream('host-failures');
    this.repairRng = streams.stream('repair');
    this.rackRng = streams.stream('rack-failures');
    this.rackRepairRng = streams.stream('rack-repair');
    this.hFail = sim.register({ fire: (h) => this.ownFailure(h) }, 'host-failure');
    this.hRepairDone = sim.register({ fire: (h) => this.repairDone(h) }, 'host-repaired');
    this.hRackFail = sim.register({ fire: (r) => this.rackFailure(r) }, 'rack-failure');
    this.hRackRestore = sim.register({ fire: (r) => this.rackRestore(r) }, 'rack-restored');
  }

  /** Draws the first failure of every host (in host order) and rack (in rack order). */
  start(): void {
    const ttf = this.cfg.timeToFailure;
    if (ttf !== undefined) for (let h = 0; h < this.hostCount; h++) this.sim.schedule(ttf.sample(this.ttfRng), this.hFail, h);
    if (this.cfg.rackRate > 0 && this.cfg.rackDuration !== undefined) {
      for (let r = 0; r + 1 < this.rackStart.length; r++) this.sim.schedule(this.nextRackGap(), this.hRackFail, r);
    }
  }

  /** A scripted failure (tests, what-if): host h fails at `at` and is repaired `repair` later. */
  inject(h: number, at: number, repair: number): void {
    const id = this.sim.register({ fire: () => this.down(h, OWN, -1, repair) }, 'scripted-failure');
    this.sim.at(at, id, h);
  }

  isDown(h: number): boolean {
    return this.causes[h] !== 0;
  }

  /** Integrates the hosts-down statistics up to now (call before reading them). */
  advance(): void {
    const dt = this.sim.now - this.lastT;
    if (dt > 0) {
      this.downArea += this.hostsDown * dt;
      this.atLeastArea[this.hostsDown] += dt;
      this.lastT = this.sim.now;
    }
  }

  /** P(at least k hosts down) as time fractions so far. */
  probAtLeast(k: number): number {
    let s = 0, total = 0;
    for (let j = 0; j < this.atLeastArea.length; j++) { total += this.atLeastArea[j]; if (j >= k) s += this.atLeastArea[j]; }
    return total > 0 ? s / total : 0;
  }

  private nextRackGap(): number {
    return -Math.log(1 - this.rackRng.next()) / this.cfg.rackRate;
  }

  private ownFailure(h: number): void {
    this.hostFailures++;
    this.down(h, OWN, -1, -1);
    // Repair: a crew takes it now, or it queues.
    if (this.busyCrews < this.cfg.repairCrews) this.startRepair(h, -1);
    else this.queue[(this.qHead + this.qLen++) % this.hostCount] = h;
  }

  private startRepair(h: number, fixed: number): void {
    this.busyCrews++;
    const d = fixed >= 0 ? fixed : this.cfg.repair.sample(this.repairRng);
    this.sim.schedule(d, this.hRepairDone, h);
  }

  private repairDone(h: number): void {
    this.busyCrews--;
    if (this.qLen > 0) {
      const next = this.queue[this.qHead];
      this.qHead = (this.qHead + 1) % this.hostCount;
      this.qLen--;
      this.startRepair(next, -1);
    }
    // As good as new: the next time to failure starts now.
    const ttf = this.cfg.timeToFailure;
    if (ttf !== undefined) this.sim.schedule(ttf.sample(this.ttfRng), this.hFail, h);
    this.up(h, OWN);
  }

  private rackFailure(r: number): void {
    this.rackFailures++;
    const incident = this.incidents++;
    for (let h = this.rackStart[r]; h < this.rackStart[r + 1]; h++) this.down(h, RACK, incident, -1);
    this.sim.schedule(this.cfg.rackDuration!.sample(this.rackRepairRng), this.hRackRestore, r);
  }

  private rackRestore(r: number): void {
    for (let h = this.rackStart[r]; h < this.rackStart[r + 1]; h++) this.up(h, RACK);
    this.sim.schedule(this.nextRackGap(), this.hRackFail, r);
  }

  private down(h: number, cause: number, incident: number, scriptedRepair: number): void {
    const was = this.causes[h];
    this.causes[h] = was | cause;
    if (scriptedRepair >= 0) { this.hostFailures++; this.startRepair(h, scriptedRepair); }
    if (was !== 0) return;
    this.advance();
    this.hostsDown++;
    if (this.hostsDown > this.maxHostsDown) this.maxHostsDown = this.hostsDown;
    this.listener.hostDown(h, incident >= 0 ? incident : this.incidents++);
  }

  private up(h: number, cause: number): void {
    const was = this.causes[h];
    this.causes[h] = was & ~cause;
    if (was === 0 || this.causes[h] !== 0) return;
    this.advance();
    this.hostsDown--;
    this.listener.hostUp(h);
  }
}
