import { Simulation } from '../../engine/simulation.js';
import type { Distribution } from '../../random/distributions.js';
import type { Rng, Streams } from '../../random/streams.js';

/**
 * A fleet of guests that hang now and then, and what the i6300esb watchdog action
 * (`hw_watchdog_action`, docs/openstack-facts.md §3, §11) and the people watching do about it.
 *
 * Each guest alternates up time (drawn from `timeToHang`) and an outage. A hang (or a crash
 * that leaves the kernel stuck) stops the guest's watchdog daemon from pinging /dev/watchdog.
 * The device counts two stages of ≈ heartbeat/2 each, so the action fires ≈ `heartbeat` after
 * the last ping (docs/openstack-facts.md §11, linux i6300esb.c). Only guests whose daemon armed the device get
 * an action; the others stay hung whatever the image says (the timer only runs once armed).
 *
 *   reset     the guest reboots by itself: down for heartbeat + boot time, no operator.
 *   poweroff  QEMU stops; libvirt's STOPPED lifecycle event is delayed 15 s, then nova's power
 *             sync calls stop → vm_state SHUTOFF, and nothing restarts it until an operator does.
 *   pause     the guest is paused; nova logs "paused unexpectedly" and keeps vm_state ACTIVE, so
 *             a monitor that watches nova never sees it. The guest is still hung inside, and
 *             QEMU reset the watchdog after acting, so the operator must hard-reboot it.
 *   none      the device fires and nothing happens: the same as disabled.
 *   disabled  no device: hung until noticed, then a hard reboot.
 *
 * Monitoring checks every guest every `checkInterval` (each guest at its own phase); the first
 * failing check plus `detectionDelay` raises the alert, and the operator acts after `reaction`.
 * A guest-level monitor (ping, service check) sees every outage; a nova-state monitor sees only
 * vm_state changes, i.e. only `poweroff`'s SHUTOFF. `userReport`, when given, is how long until
 * users report an outage nobody's monitor caught (the earlier of the two alerts wins). With
 * `offHours`, alerts outside working hours wait for the on-call operator instead.
 *
 * Common random numbers: guest g's k-th up time comes from stream `hangs/g` and its k-th
 * outage's boot, reaction, detection delay, user report and off-hours reaction from `recovery/g`, drawn in that fixed
 * order for every outage whether the design uses them or not; so every design sees the same
 * hang sequence and the same recovery draws.
 */
export type WatchdogAction = 'disabled' | 'reset' | 'poweroff' | 'pause' | 'none';
export type MonitorSees = 'guest' | 'nova';

export interface WatchdogParams {
  guests: number;
  action: WatchdogAction;
  /** Share of guests running a watchdog daemon that arms the device. */
  daemonShare: number;
  /** i6300esb heartbeat, seconds (linux default 30). */
  heartbeat: number;
  timeToHang: Distribution;
  /** Guest boot time after a reset, a hard reboot or a start. */
  bootTime: Distribution;
  /** Seconds between two checks of the same guest (0: continuous). */
  checkInterval: number;
  /** From the first failing check to the alert (consecutive failures, alert routing). */
  detectionDelay: Distribution;
  monitorSees: MonitorSees;
  /** libvirt STOPPED lifecycle events are delayed this long before nova acts on them (15 s). */
  lifecycleEventDelay: number;
  /** From the alert to the operator's hard reboot / start. */
  reaction: Distribution;
  /** Users report an outage after this long (undefined: never). */
  userReport?: Distribution;
  /**
   * Outside working hours [from, to) (seconds of the day; the simulation starts at midnight) an
   * alert waits for the on-call operator: `reaction` is replaced by this distribution.
   */
  offHours?: { from: number; to: number; reaction: Distribution };
}

export interface WatchdogTotals {
  /** Guest-seconds down within the horizon. */
  downtime: number;
  hangs: number;
  watchdogFires: number;
  /** Outages ended by an operator's hard reboot or start. */
  operatorIncidents: number;
  /** Outages that ended within the horizon, and their summed length. */
  outagesEnded: number;
  outageSeconds: number;
  /** Guests still down at the horizon. */
  downAtHorizon: number;
}

const UP = 0, HUNG = 1, PAUSED = 2, SHUTOFF = 3, REBOOTING = 4, BOOTING = 5;
const STATE_NAMES = ['up', 'hung', 'paused', 'shutoff', 'rebooting', 'booting'];

export class WatchdogFleet {
  readonly sim: Simulation;
  private readonly p: WatchdogParams;
  private readonly state: Uint8Array;
  private readonly hasDaemon: Uint8Array;
  private readonly phase: Float64Array;
  private readonly outageStart: Float64Array;
  /** This outage's draws, made when it starts (fixed order: boot, reaction, delay, report). */
  private readonly boot: Float64Array;
  private readonly react: Float64Array;
  private readonly reactOffHours: Float64Array;
  private readonly delay: Float64Array;
  private readonly report: Float64Array;
  /** Pending events to cancel when the outage ends (-1: none). */
  private readonly wdToken: Float64Array;
  private readonly detectToken: Float64Array;
  private readonly reportToken: Float64Array;
  private readonly operatorToken: Float64Array;
  private readonly noticed: Uint8Array;
  private readonly hangRng: Rng[] = [];
  private readonly recoveryRng: Rng[] = [];
  private readonly hHang: number;
  private readonly hFires: number;
  private readonly hNovaSync: number;
  private readonly hAlert: number;
  private readonly hOperator: number;
  private readonly hBooted: number;
  readonly totals: WatchdogTotals = {
    downtime: 0, hangs: 0, watchdogFires: 0, operatorIncidents: 0, outagesEnded: 0, outageSeconds: 0, downAtHorizon: 0,
  };

  constructor(params: WatchdogParams, streams: Streams, sim = new Simulation(Math.max(64, params.guests * 2))) {
    this.sim = sim;
    this.p = params;
    const n = params.guests;
    this.state = new Uint8Array(n);
    this.hasDaemon = new Uint8Array(n);
    this.phase = new Float64Array(n);
    this.outageStart = new Float64Array(n);
    this.boot = new Float64Array(n);
    this.react = new Float64Array(n);
    this.reactOffHours = new Float64Array(n);
    this.delay = new Float64Array(n);
    this.report = new Float64Array(n);
    this.wdToken = new Float64Array(n).fill(-1);
    this.detectToken = new Float64Array(n).fill(-1);
    this.reportToken = new Float64Array(n).fill(-1);
    this.operatorToken = new Float64Array(n).fill(-1);
    this.noticed = new Uint8Array(n);
    this.hHang = sim.addHandler('hang', (g) => this.hang(g));
    this.hFires = sim.addHandler('watchdog-fires', (g) => this.watchdogFires(g));
    this.hNovaSync = sim.addHandler('nova-power-sync', (g) => this.novaPowerSync(g));
    this.hAlert = sim.addHandler('alert', (g) => this.alert(g));
    this.hOperator = sim.addHandler('operator-acts', (g) => this.operatorActs(g));
    this.hBooted = sim.addHandler('guest-up', (g) => this.booted(g));
    const daemon = streams.stream('watchdog-daemon');
    const phase = streams.stream('monitor-phase');
    for (let g = 0; g < n; g++) {
      // Drawn in guest order for every guest, so the same guests have a daemon in every design.
      this.hasDaemon[g] = daemon.next() < params.daemonShare ? 1 : 0;
      this.phase[g] = phase.next() * params.checkInterval;
      this.hangRng.push(streams.stream(`hangs/${g}`));
      this.recoveryRng.push(streams.stream(`recovery/${g}`));
      sim.schedule(params.timeToHang.sample(this.hangRng[g]), this.hHang, g);
    }
  }

  /** Runs to `horizon` seconds and closes the books on outages still open. */
  run(horizon: number): WatchdogTotals {
    this.sim.run(horizon);
    const t = this.totals;
    for (let g = 0; g < this.p.guests; g++) {
      if (this.state[g] !== UP) {
        t.downtime += horizon - this.outageStart[g];
        t.downAtHorizon++;
      }
    }
    return t;
  }

  /** Whether guest g's daemon arms the watchdog (for tests and traces). */
  daemon(g: number): boolean { return this.hasDaemon[g] === 1; }

  stateOf(g: number): string { return STATE_NAMES[this.state[g]]; }

  /** Trace lines for hand-worked tests; callers check `sim.tracer` first so untraced runs allocate nothing. */
  private note(what: string, g: number, detail?: Record<string, unknown>): void {
    this.sim.tracer!.note(this.sim.now, what, { guest: g, ...detail });
  }

  /** First check of guest g at or after time t (checks run at phase + k·interval). */
  private nextCheck(g: number, t: number): number {
    const c = this.p.checkInterval;
    if (c <= 0) return t;
    const ph = this.phase[g];
    return ph + Math.max(0, Math.ceil((t - ph) / c)) * c;
  }

  private hang(g: number): void {
    const p = this.p, sim = this.sim, now = sim.now;
    this.state[g] = HUNG;
    this.outageStart[g] = now;
    this.noticed[g] = 0;
    this.totals.hangs++;
    const rng = this.recoveryRng[g];
    this.boot[g] = p.bootTime.sample(rng);
    this.react[g] = p.reaction.sample(rng);
    this.delay[g] = p.detectionDelay.sample(rng);
    this.report[g] = p.userReport ? p.userReport.sample(rng) : Infinity;
    this.reactOffHours[g] = p.offHours ? p.offHours.reaction.sample(rng) : NaN;
    const armed = this.hasDaemon[g] === 1 && p.action !== 'disabled';
    if (this.sim.tracer) this.note('guest hangs', g, { watchdog: armed ? 'armed' : this.hasDaemon[g] ? 'no device' : 'no daemon' });
    // §11: two stages of ≈ heartbeat/2 after the last ping; the daemon pinged just before the hang.
    if (armed) this.wdToken[g] = sim.schedule(p.heartbeat, this.hFires, g);
    // A guest-level monitor sees the service stop at the hang itself, whatever the action.
    if (p.monitorSees === 'guest') this.detectToken[g] = sim.at(this.nextCheck(g, now) + this.delay[g], this.hAlert, g);
    if (this.report[g] !== Infinity) this.reportToken[g] = sim.schedule(this.report[g], this.hAlert, g);
  }

  private watchdogFires(g: number): void {
    const p = this.p, sim = this.sim;
    this.wdToken[g] = -1;
    this.totals.watchdogFires++;
    if (this.sim.tracer) this.note('watchdog fires', g, { action: p.action });
    switch (p.action) {
      case 'reset':
        this.state[g] = REBOOTING;
        sim.schedule(this.boot[g], this.hBooted, g);
        break;
      case 'poweroff':
        this.state[g] = SHUTOFF;
        // §11: the STOPPED event reaches nova after the 15 s lifecycle delay; power sync then stops the instance.
        sim.schedule(p.lifecycleEventDelay, this.hNovaSync, g);
        break;
      case 'pause':
        this.state[g] = PAUSED;
        break;
      default:
        // 'none': the device fires and QEMU does nothing; the guest stays hung.
        break;
    }
  }

  private novaPowerSync(g: number): void {
    if (this.state[g] !== SHUTOFF) return;
    if (this.sim.tracer) this.note('nova stops instance: vm_state SHUTOFF', g);
    if (this.p.monitorSees === 'nova' && this.detectToken[g] < 0) {
      this.detectToken[g] = this.sim.at(this.nextCheck(g, this.sim.now) + this.delay[g], this.hAlert, g);
    }
  }

  private alert(g: number): void {
    const s = this.state[g];
    if (this.noticed[g] || s === UP) return;
    if (s === REBOOTING) {
      // The watchdog already reset the guest: it comes back without anyone.
      if (this.sim.tracer) this.note('alert: guest rebooting by itself, no action', g);
      return;
    }
    this.noticed[g] = 1;
    const off = this.p.offHours;
    const tod = this.sim.now % 86400;
    const offHours = off !== undefined && !(tod >= off.from && tod < off.to);
    if (this.sim.tracer) this.note(offHours ? 'alert: on-call operator paged' : 'alert: operator paged', g, { state: STATE_NAMES[s] });
    this.operatorToken[g] = this.sim.schedule(offHours ? this.reactOffHours[g] : this.react[g], this.hOperator, g);
  }

  private operatorActs(g: number): void {
    const s = this.state[g];
    this.operatorToken[g] = -1;
    if (s === REBOOTING || s === BOOTING || s === UP) {
      if (this.sim.tracer) this.note('operator finds guest recovering, no action', g);
      return;
    }
    // Hung, paused (still hung inside) or SHUTOFF: nova reboot --hard / nova start. A new QEMU
    // process means a new, unarmed watchdog, so a pending firing is void.
    this.cancel(this.wdToken, g);
    this.totals.operatorIncidents++;
    if (this.sim.tracer) this.note(s === SHUTOFF ? 'operator starts instance' : 'operator hard-reboots instance', g, { state: STATE_NAMES[s] });
    this.state[g] = BOOTING;
    this.sim.schedule(this.boot[g], this.hBooted, g);
  }

  private booted(g: number): void {
    const now = this.sim.now, t = this.totals;
    const d = now - this.outageStart[g];
    t.downtime += d;
    t.outageSeconds += d;
    t.outagesEnded++;
    this.state[g] = UP;
    this.cancel(this.detectToken, g);
    this.cancel(this.reportToken, g);
    this.cancel(this.operatorToken, g);
    if (this.sim.tracer) this.note('guest up', g, { down: d });
    this.sim.schedule(this.p.timeToHang.sample(this.hangRng[g]), this.hHang, g);
  }

  private cancel(tokens: Float64Array, g: number): void {
    if (tokens[g] >= 0) this.sim.cancel(tokens[g]);
    tokens[g] = -1;
  }
}

/**
 * Long-run availability by renewal–reward: mean up ÷ (mean up + mean outage). Exact for any
 * up-time distribution in the limit; the check wait is taken as interval/2 (exact when up times
 * are long against the interval; with off hours, alerts are taken to fall at a uniform time of
 * day, exact when up times are long against a day). Valid for a guest-level monitor without user reports, and for
 * `reset` only when detection + reaction never beat the watchdog (heartbeat).
 */
export function watchdogClosedForm(p: WatchdogParams): { meanUp: number; meanOutage: number; availability: number } {
  if (p.monitorSees !== 'guest' || p.userReport) throw new RangeError('closed form: guest-level monitoring without user reports only');
  // With off hours, alerts fall at a uniform time of day (up times much longer than a day).
  const inHours = p.offHours ? (p.offHours.to - p.offHours.from) / 86400 : 1;
  const reaction = inHours * p.reaction.mean + (p.offHours ? (1 - inHours) * p.offHours.reaction.mean : 0);
  const operator = p.checkInterval / 2 + p.detectionDelay.mean + reaction + p.bootTime.mean;
  const byWatchdog = p.action === 'reset' ? p.heartbeat + p.bootTime.mean : operator;
  const share = p.action === 'disabled' ? 0 : p.daemonShare;
  const meanOutage = share * byWatchdog + (1 - share) * operator;
  const meanUp = p.timeToHang.mean;
  return { meanUp, meanOutage, availability: meanUp / (meanUp + meanOutage) };
}
