import { grown } from '../../engine/grow.js';
import type { Simulation } from '../../engine/simulation.js';
import { Exponential, type Distribution } from '../../random/distributions.js';
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
  /** Further failure domains (power domains, partial racks, …); none when absent. */
  domains?: DomainConfig[];
  /** Two failures closer than this are a burst (burstShare). */
  burstWindow?: number;
}

/**
 * A kind of correlated failure: a partition of the hosts into domains (each domain `racks`
 * consecutive racks, e.g. a PDU feeding two racks), each failing at `rate`; an event takes down
 * `hostShare` of its domain's hosts (chosen at random: a partial-rack event when < 1), each at a
 * uniform offset within `stagger` of the event's start (hosts failing over minutes, e.g. a
 * cooling or power-supply cascade), all restored `duration` after the start.
 */
export interface DomainConfig {
  name: string;
  racks: number;
  /** Events per domain per second. */
  rate: number;
  duration: Distribution;
  hostShare: number;
  /** Seconds over which an event's hosts go down (0 = all at once). */
  stagger: number;
}

const OWN = 1, RACK = 2;
/** Cause bit of domain kind k. */
const domainBit = (k: number): number => 4 << k;
/** Most domain kinds (cause bits of a Uint16Array beyond OWN and RACK). */
export const MAX_DOMAIN_KINDS = 14;

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
  /** Events per domain kind over the horizon. */
  readonly domainEvents: Int32Array;
  private lastT = 0;
  /** Times at which a host went down (any cause), for the burst share. */
  private downTimes = new Float64Array(256);
  private downCount = 0;

  private readonly causes: Uint16Array;
  private readonly queue: Int32Array;
  private qHead = 0;
  private qLen = 0;
  private busyCrews = 0;
  private readonly ttfRng: Rng;
  private readonly repairRng: Rng;
  private readonly rackRng: Rng;
  /** Gaps between a rack's failures (Poisson, rate rackRate); undefined without rack failures. */
  private readonly rackGaps: Exponential | undefined;
  private readonly rackRepairRng: Rng;
  private readonly hFail: number;
  private readonly hRepairDone: number;
  private readonly hRackFail: number;
  private readonly hRackRestore: number;
  private readonly domains: DomainConfig[];
  /** Per kind: first host of each domain, plus one past the end. */
  private readonly domainStart: Int32Array[];
  private readonly domainRngs: Rng[];
  /** Per domain kind, gaps between a domain's failures (Poisson at the kind's rate); undefined at rate 0. */
  private readonly domainGaps: (Exponential | undefined)[];
  private readonly domainRepairRngs: Rng[];
  private readonly domainHostRngs: Rng[];
  private readonly hDomainFail: number;
  private readonly hDomainHost: number;
  private readonly hDomainRestore: number;
  /** Per kind and host: 1 + the incident of its domain's current event taking it down, 0 = none. */
  private readonly chosen: Int32Array[];
  private readonly pick: Int32Array;

  constructor(
    private readonly sim: Simulation,
    private readonly hostCount: number,
    /** First host of each rack, plus one past the end. */
    private readonly rackStart: Int32Array,
    private readonly cfg: FailureConfig,
    streams: Streams,
    private readonly listener: FailureListener,
  ) {
    this.causes = new Uint16Array(hostCount);
    this.queue = new Int32Array(hostCount);
    this.atLeastArea = new Float64Array(hostCount + 1);
    this.ttfRng = streams.stream('host-failures');
    this.repairRng = streams.stream('repair');
    this.rackRng = streams.stream('rack-failures');
    this.rackGaps = cfg.rackRate > 0 ? new Exponential(1 / cfg.rackRate) : undefined;
    this.rackRepairRng = streams.stream('rack-repair');
    this.hFail = sim.addHandler('host-failure', (h) => this.ownFailure(h));
    this.hRepairDone = sim.addHandler('host-repaired', (h) => this.repairDone(h));
    this.hRackFail = sim.addHandler('rack-failure', (r) => this.rackFailure(r));
    this.hRackRestore = sim.addHandler('rack-restored', (r) => this.rackRestore(r));
    this.domains = cfg.domains ?? [];
    if (this.domains.length > MAX_DOMAIN_KINDS) throw new Error(`at most ${MAX_DOMAIN_KINDS} failure domain kinds`);
    this.domainEvents = new Int32Array(this.domains.length);
    const racks = rackStart.length - 1;
    this.domainStart = this.domains.map((d) => {
      const starts: number[] = [];
      for (let r = 0; r < racks; r += d.racks) starts.push(rackStart[r]);
      starts.push(hostCount);
      return Int32Array.from(starts);
    });
    this.domainRngs = this.domains.map((d) => streams.stream(`domain/${d.name}`));
    this.domainGaps = this.domains.map((d) => (d.rate > 0 ? new Exponential(1 / d.rate) : undefined));
    this.domainRepairRngs = this.domains.map((d) => streams.stream(`domain-repair/${d.name}`));
    this.domainHostRngs = this.domains.map((d) => streams.stream(`domain-hosts/${d.name}`));
    this.chosen = this.domains.map(() => new Int32Array(hostCount));
    this.pick = new Int32Array(hostCount);
    const K = Math.max(1, this.domains.length);
    // Payloads: domain index × K + kind for events, host × K + kind for a host of an event.
    this.hDomainFail = sim.addHandler('domain-failure', (x) => this.domainFailure(x % K, Math.floor(x / K)));
    this.hDomainHost = sim.addHandler('domain-host-down', (x) => this.domainHostDown(x % K, Math.floor(x / K)));
    this.hDomainRestore = sim.addHandler('domain-restored', (x) => this.domainRestore(x % K, Math.floor(x / K)));
  }

  /** Draws the first failure of every host (in host order) and rack (in rack order). */
  start(): void {
    const ttf = this.cfg.timeToFailure;
    if (ttf !== undefined) for (let h = 0; h < this.hostCount; h++) this.sim.schedule(ttf.sample(this.ttfRng), this.hFail, h);
    if (this.cfg.rackRate > 0 && this.cfg.rackDuration !== undefined) {
      for (let r = 0; r + 1 < this.rackStart.length; r++) this.sim.schedule(this.nextRackGap(), this.hRackFail, r);
    }
    // Each kind in declaration order, its domains in order.
    this.domains.forEach((d, k) => {
      if (d.rate <= 0) return;
      for (let j = 0; j + 1 < this.domainStart[k].length; j++) this.sim.schedule(this.domainGap(k), this.hDomainFail, j * this.kinds() + k);
    });
  }

  private kinds(): number { return Math.max(1, this.domains.length); }

  private domainGap(k: number): number {
    return this.domainGaps[k]!.sample(this.domainRngs[k]);
  }

  /**
   * An event of kind k in domain j: draws its duration, then which hosts (a uniform random
   * subset of round(hostShare × size), at least one) and each one's offset, in host order.
   */
  private domainFailure(k: number, j: number): void {
    const d = this.domains[k], K = this.kinds();
    this.domainEvents[k]++;
    const lo = this.domainStart[k][j], hi = this.domainStart[k][j + 1], size = hi - lo;
    const duration = d.duration.sample(this.domainRepairRngs[k]);
    const rng = this.domainHostRngs[k];
    const take = Math.max(1, Math.min(size, Math.round(d.hostShare * size)));
    // Partial Fisher–Yates over the domain's hosts: the first `take` are the chosen ones.
    for (let x = 0; x < size; x++) this.pick[x] = lo + x;
    for (let x = 0; x < take; x++) {
      const y = x + Math.floor(rng.next() * (size - x));
      const t = this.pick[x]; this.pick[x] = this.pick[y]; this.pick[y] = t;
    }
    const chosen = this.chosen[k];
    const incident = this.incidents++;
    for (let x = 0; x < take; x++) chosen[this.pick[x]] = incident + 1;
    for (let h = lo; h < hi; h++) {
      if (!chosen[h]) continue;
      const offset = d.stagger > 0 ? rng.next() * d.stagger : 0;
      if (offset >= duration) { chosen[h] = 0; continue; }
      if (offset === 0) this.down(h, domainBit(k), incident, -1);
      else this.sim.schedule(offset, this.hDomainHost, h * K + k);
    }
    this.sim.schedule(duration, this.hDomainRestore, j * K + k);
  }

  private domainHostDown(k: number, h: number): void {
    this.down(h, domainBit(k), this.chosen[k][h] - 1, -1);
  }

  private domainRestore(k: number, j: number): void {
    const chosen = this.chosen[k];
    for (let h = this.domainStart[k][j]; h < this.domainStart[k][j + 1]; h++) {
      if (!chosen[h]) continue;
      chosen[h] = 0;
      this.up(h, domainBit(k));
    }
    this.sim.schedule(this.domainGap(k), this.hDomainFail, j * this.kinds() + k);
  }

  /** Time-average number of hosts down so far (call advance() first). */
  meanHostsDown(): number {
    return this.sim.now > 0 ? this.downArea / this.sim.now : 0;
  }

  /**
   * Share of host failures (any cause) that have another within `window` before or after them:
   * the failures that arrive in bursts.
   */
  burstShare(window: number): number {
    const n = this.downCount, t = this.downTimes;
    if (n === 0) return 0;
    let inBurst = 0;
    for (let x = 0; x < n; x++) {
      if ((x > 0 && t[x] - t[x - 1] <= window) || (x + 1 < n && t[x + 1] - t[x] <= window)) inBurst++;
    }
    return inBurst / n;
  }

  /** A scripted failure (tests, what-if): host h fails at `at` and is repaired `repair` later. */
  inject(h: number, at: number, repair: number): void {
    const id = this.sim.addHandler('scripted-failure', () => this.down(h, OWN, -1, repair));
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
    return this.rackGaps!.sample(this.rackRng);
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
    if (this.downCount === this.downTimes.length) this.downTimes = grown(this.downTimes, this.downCount * 2);
    this.downTimes[this.downCount++] = this.sim.now;
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
