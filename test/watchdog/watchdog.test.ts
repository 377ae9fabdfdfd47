import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Deterministic, Exponential, Lognormal } from '../../sim/random/distributions.js';
import { Streams, type Rng } from '../../sim/random/streams.js';
import type { Tracer } from '../../sim/engine/simulation.js';
import { WatchdogFleet, watchdogClosedForm, type WatchdogAction, type WatchdogParams } from '../../sim/openstack/guest/watchdog.js';
import { watchdogStudy, watchdogSchema } from '../../sim/studies/watchdog.js';
import { cloudSchema } from '../../sim/openstack/cloud.js';
import { summarize } from '../../sim/stats/summary.js';
import { replicateFlat } from '../flat.js';
import { Memo } from '../../sim/studies/memo.js';

const YEAR = 365 * 86400;
const ACTIONS: WatchdogAction[] = ['disabled', 'reset', 'poweroff', 'pause', 'none'];

/** Streams with fixed draws, for hand-worked logs: daemon present iff daemonDraw < share, check phase = 0.5·interval. */
function fixedStreams(daemonDraw = 0): Streams {
  const constant = (v: number): Rng => ({ next: () => v });
  return { stream: (name: string) => constant(name === 'watchdog-daemon' ? daemonDraw : 0.5) } as unknown as Streams;
}

/** One guest, hang at 1000 s; heartbeat 30 s, boot 50 s, checks every 60 s at phase 30 s, alert 120 s after, operator 600 s. */
function handParams(over: Partial<WatchdogParams> = {}): WatchdogParams {
  return {
    guests: 1, action: 'reset', daemonShare: 1, heartbeat: 30,
    timeToHang: new Deterministic(1000), bootTime: new Deterministic(50),
    checkInterval: 60, detectionDelay: new Deterministic(120), monitorSees: 'guest',
    lifecycleEventDelay: 15, reaction: new Deterministic(600), ...over,
  };
}

function logOf(params: WatchdogParams, horizon = 2000, daemonDraw = 0): { log: string[]; downtime: number; incidents: number; down: number } {
  const log: string[] = [];
  const tracer: Tracer = { event() {}, note(t, what) { log.push(`${t} ${what}`); } };
  const fleet = new WatchdogFleet(params, fixedStreams(daemonDraw));
  fleet.sim.tracer = tracer;
  const tot = fleet.run(horizon);
  return { log, downtime: tot.downtime, incidents: tot.operatorIncidents, down: tot.downAtHorizon };
}

test('reset: fires one heartbeat after the hang, the guest reboots by itself; the later alert is dropped', () => {
  // first failing check: 30 + ceil(970/60)·60 = 1050; alert due at 1170, but the guest is up at 1080
  const r = logOf(handParams({ action: 'reset' }));
  assert.deepEqual(r.log, ['1000 guest hangs', '1030 watchdog fires', '1080 guest up']);
  assert.equal(r.downtime, 80);
  assert.equal(r.incidents, 0);
});

test('reset with a slow boot: the alert finds the guest rebooting and pages nobody', () => {
  const r = logOf(handParams({ action: 'reset', bootTime: new Deterministic(500) }));
  assert.deepEqual(r.log, ['1000 guest hangs', '1030 watchdog fires', '1170 alert: guest rebooting by itself, no action', '1530 guest up']);
  assert.equal(r.incidents, 0);
});

test('poweroff: SHUTOFF after the 15 s lifecycle delay, then nobody restarts it until the operator starts it', () => {
  const r = logOf(handParams({ action: 'poweroff' }));
  assert.deepEqual(r.log, ['1000 guest hangs', '1030 watchdog fires', '1045 nova stops instance: vm_state SHUTOFF',
    '1170 alert: operator paged', '1770 operator starts instance', '1820 guest up']);
  assert.equal(r.downtime, 820);
  assert.equal(r.incidents, 1);
});

test('pause, none and disabled: hung (or paused) until the alert, then a hard reboot', () => {
  const tail = ['1170 alert: operator paged', '1770 operator hard-reboots instance', '1820 guest up'];
  assert.deepEqual(logOf(handParams({ action: 'pause' })).log, ['1000 guest hangs', '1030 watchdog fires', ...tail]);
  assert.deepEqual(logOf(handParams({ action: 'none' })).log, ['1000 guest hangs', '1030 watchdog fires', ...tail]);
  assert.deepEqual(logOf(handParams({ action: 'disabled' })).log, ['1000 guest hangs', ...tail]);
  for (const action of ['pause', 'none', 'disabled'] as const) assert.equal(logOf(handParams({ action })).downtime, 820);
});

test('a guest without a watchdog daemon never gets the action: reset behaves like disabled', () => {
  const r = logOf(handParams({ action: 'reset', daemonShare: 0.5 }), 2000, 0.9);
  assert.deepEqual(r.log, ['1000 guest hangs', '1170 alert: operator paged', '1770 operator hard-reboots instance', '1820 guest up']);
  assert.equal(r.incidents, 1);
});

test('nova-state monitoring sees poweroff (SHUTOFF) but never a paused guest (vm_state stays ACTIVE)', () => {
  const off = logOf(handParams({ action: 'poweroff', monitorSees: 'nova' }));
  // SHUTOFF at 1045, next check 1050, alert 1170
  assert.deepEqual(off.log.slice(2, 4), ['1045 nova stops instance: vm_state SHUTOFF', '1170 alert: operator paged']);
  const paused = logOf(handParams({ action: 'pause', monitorSees: 'nova' }), 5000);
  assert.deepEqual(paused.log, ['1000 guest hangs', '1030 watchdog fires']);
  assert.equal(paused.down, 1);
  assert.equal(paused.downtime, 4000);
  // users notice after an hour
  const reported = logOf(handParams({ action: 'pause', monitorSees: 'nova', userReport: new Deterministic(3600) }), 6000);
  assert.deepEqual(reported.log, ['1000 guest hangs', '1030 watchdog fires', '4600 alert: operator paged',
    '5200 operator hard-reboots instance', '5250 guest up']);
});

test('off hours: an alert outside working hours waits for the on-call reaction time', () => {
  const offHours = { from: 8 * 3600, to: 18 * 3600, reaction: new Deterministic(7200) };
  // hang at 1000 s (night): alert 1170, on-call acts 2 h later
  const night = logOf(handParams({ action: 'disabled', offHours }), 9000);
  assert.deepEqual(night.log, ['1000 guest hangs', '1170 alert: on-call operator paged', '8370 operator hard-reboots instance', '8420 guest up']);
  // hang at 10 h (working hours): first check 36030, alert 36150, the day reaction of 600 s
  const day = logOf(handParams({ action: 'disabled', offHours, timeToHang: new Deterministic(36000) }), 40000);
  assert.deepEqual(day.log.slice(1, 3), ['36150 alert: operator paged', '36750 operator hard-reboots instance']);
});

test('an operator faster than the watchdog hard-reboots first, and the pending firing is void', () => {
  const r = logOf(handParams({ action: 'reset', checkInterval: 0, detectionDelay: new Deterministic(0), reaction: new Deterministic(5) }));
  assert.deepEqual(r.log, ['1000 guest hangs', '1000 alert: operator paged', '1005 operator hard-reboots instance', '1055 guest up']);
});

test('the next hang comes one up time after recovery (renewal), and an outage open at the horizon counts up to it', () => {
  const r = logOf(handParams({ action: 'reset' }), 2150);
  assert.deepEqual(r.log.slice(3), ['2080 guest hangs', '2110 watchdog fires']);
  assert.equal(r.downtime, 80 + 70);
  assert.equal(r.down, 1);
});

/** Per-replication availability of each action over `reps` replications. */
function simulate(base: WatchdogParams, reps: number, horizon: number): Record<WatchdogAction, number[]> {
  const out = {} as Record<WatchdogAction, number[]>;
  for (const action of ACTIONS) {
    out[action] = [];
    for (let r = 0; r < reps; r++) {
      const t = new WatchdogFleet({ ...base, action }, new Streams(7, r)).run(horizon);
      out[action].push(1 - t.downtime / (base.guests * horizon));
    }
  }
  return out;
}

test('long-run availability matches renewal–reward (mean up ÷ mean cycle) within the 95 % CI, every action', () => {
  const base: WatchdogParams = {
    guests: 200, action: 'disabled', daemonShare: 0.6, heartbeat: 30,
    timeToHang: new Exponential(YEAR / 24), bootTime: new Deterministic(60),
    checkInterval: 60, detectionDelay: new Deterministic(120), monitorSees: 'guest',
    lifecycleEventDelay: 15, reaction: new Deterministic(1800),
  };
  const sims = simulate(base, 20, YEAR);
  for (const action of ACTIONS) {
    const exact = watchdogClosedForm({ ...base, action }).availability;
    const s = summarize(sims[action]);
    assert.ok(s.ci95[0] <= exact && exact <= s.ci95[1], `${action}: exact ${exact} outside CI ${s.ci95} (mean ${s.mean})`);
    // the interval is informative: its half-width is under 5 % of the unavailability
    assert.ok((s.ci95[1] - s.ci95[0]) / 2 < 0.05 * (1 - exact), `${action}: CI too wide ${s.ci95}`);
  }
  // reset cuts the mean outage for the 60 % with a daemon from 2010 s to 90 s
  assert.ok(Math.abs(watchdogClosedForm({ ...base, action: 'reset' }).meanOutage - (0.6 * 90 + 0.4 * 2010)) < 1e-9);
});

test('renewal–reward also holds with random delays (only their means matter) and with off-hours reactions', () => {
  const base: WatchdogParams = {
    guests: 200, action: 'reset', daemonShare: 0.5, heartbeat: 30,
    timeToHang: new Exponential(YEAR / 24), bootTime: Lognormal.fromMedian(45, 0.5),
    checkInterval: 300, detectionDelay: new Exponential(120), monitorSees: 'guest',
    lifecycleEventDelay: 15, reaction: Lognormal.fromMedian(1800, 1),
  };
  const offHours = { from: 8 * 3600, to: 18 * 3600, reaction: Lognormal.fromMedian(7200, 0.7) };
  for (const [action, off] of [['reset', undefined], ['poweroff', undefined], ['disabled', offHours]] as const) {
    const av: number[] = [];
    for (let r = 0; r < 20; r++) av.push(1 - new WatchdogFleet({ ...base, action, offHours: off }, new Streams(11, r)).run(YEAR).downtime / (200 * YEAR));
    const exact = watchdogClosedForm({ ...base, action, offHours: off }).availability;
    const s = summarize(av);
    assert.ok(s.ci95[0] <= exact && exact <= s.ci95[1], `${action}: exact ${exact} outside CI ${s.ci95}`);
  }
});

test('common random numbers: every design sees the same up times and the same daemons', () => {
  const base: WatchdogParams = { ...handParams(), guests: 30, daemonShare: 0.5, timeToHang: new Exponential(30 * 86400), bootTime: Lognormal.fromMedian(45, 0.5), reaction: new Exponential(3600) };
  const upTimes = (action: WatchdogAction): string => {
    const lastUp = new Float64Array(30);
    const seq: number[][] = Array.from({ length: 30 }, () => []);
    const fleet = new WatchdogFleet({ ...base, action }, new Streams(3, 0));
    fleet.sim.tracer = {
      event() {},
      note(t, what, d) {
        const g = (d as { guest: number }).guest;
        if (what === 'guest hangs') seq[g].push(t - lastUp[g]);
        if (what === 'guest up') lastUp[g] = t;
      },
    };
    fleet.run(YEAR);
    // compare the first 5 up times of each guest (all designs get at least that many within a year)
    return JSON.stringify(seq.map((s) => s.slice(0, 5).map((x) => x.toFixed(6))));
  };
  const ref = upTimes('disabled');
  for (const a of ACTIONS) assert.equal(upTimes(a), ref, a);
});

test('property: reset never loses to disabled; poweroff, pause and none equal disabled under guest monitoring', () => {
  fc.assert(fc.property(
    fc.record({
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      perYear: fc.double({ min: 1, max: 50, noNaN: true }),
      heartbeat: fc.integer({ min: 1, max: 2046 }),
      check: fc.integer({ min: 0, max: 600 }),
      delay: fc.double({ min: 0, max: 600, noNaN: true }),
      react: fc.double({ min: 1, max: 7200, noNaN: true }),
      seed: fc.integer({ min: 0, max: 1000 }),
    }),
    (x) => {
      const p: WatchdogParams = {
        guests: 10, action: 'disabled', daemonShare: x.share, heartbeat: x.heartbeat,
        timeToHang: new Exponential(YEAR / x.perYear), bootTime: Lognormal.fromMedian(45, 0.7),
        checkInterval: x.check, detectionDelay: new Exponential(x.delay + 1e-9), monitorSees: 'guest',
        lifecycleEventDelay: 15, reaction: new Exponential(x.react),
      };
      const down = (action: WatchdogAction) => new WatchdogFleet({ ...p, action }, new Streams(x.seed, 0)).run(YEAR).downtime;
      const d = down('disabled');
      assert.ok(down('reset') <= d + 1e-6 * d);
      for (const a of ['poweroff', 'pause', 'none'] as const) assert.ok(Math.abs(down(a) - d) <= 1e-9 * d + 1e-9, a);
    },
  ), { numRuns: 25 });
});

test('study: schema defaults, metrics in order, availability and downtime agree', () => {
  const cloud = cloudSchema.parse({ racks: [{ name: 'r1', hosts: 2, ram: '256GiB', vcpus: 32 }], flavors: [{ name: 'small', ram: '4GiB', vcpus: 2, share: 1 }] });
  const config = watchdogSchema.parse({ guests: 50, action: 'reset' });
  assert.equal(config.heartbeat, 30);
  assert.equal(config.monitoring.check_interval, 60);
  const input = { memo: new Memo(), scenarioName: 't', seed: 1, horizon: YEAR, design: 'reset', cloud, config };
  const v = replicateFlat(watchdogStudy, input, { replication: 0, streams: new Streams(1, 0) });
  const names = Object.keys(watchdogStudy.metrics);
  assert.equal(v.length, names.length);
  const m = Object.fromEntries(names.map((n, i) => [n, v[i]]));
  assert.ok(Math.abs(m.downtime_minutes_per_guest_year - (1 - m.availability) * 365 * 1440) < 1e-6);
  assert.ok(m.watchdog_actions > 0 && m.incidents_needing_operator > 0);
  assert.throws(() => watchdogSchema.parse({ heartbeat: '3000s' }));
  assert.deepEqual(watchdogStudy.warnings!({ ...input, config: watchdogSchema.parse({ action: 'pause', monitoring: { sees: 'nova' } }) }).length, 1);
});

test('events estimate: no replication fires more events than watchdogStudy.events says, whatever the action and the hang rate (property)', () => {
  const cloud = cloudSchema.parse({ racks: [{ name: 'r1', hosts: 1, ram: '256GiB', vcpus: 32 }], flavors: [{ name: 'small', ram: '4GiB', vcpus: 2, share: 1 }] });
  fc.assert(fc.property(
    fc.constantFrom('reset', 'poweroff', 'pause', 'none', 'disabled'), fc.constantFrom('guest', 'nova'),
    fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 1, max: 600, noNaN: true }), fc.integer({ min: 1, max: 20 }), fc.nat(1000),
    (action, sees, hangMean, boot, guests, r) => {
      const config = watchdogSchema.parse({
        guests, action, time_to_hang: { exponential: { mean: `${hangMean}s` } }, boot_time: `${boot}s`,
        monitoring: { sees, user_report_after: '2h' },
      });
      const input = { memo: new Memo(), scenarioName: 't', seed: 1, horizon: 86400, design: action, cloud, config };
      const fired = watchdogStudy.replicate(input, { replication: r, streams: new Streams(1, r) }).events!;
      assert.ok(fired <= watchdogStudy.events!(input).events, `${fired} events fired, estimate ${watchdogStudy.events!(input).events}`);
    }), { numRuns: 60, seed: 11 });
  // Not loose beyond use: guests hanging every ~10 s and reset by their watchdog fire within a small factor of it.
  const config = watchdogSchema.parse({ guests: 20, action: 'reset', watchdog_daemon_share: 1, time_to_hang: { exponential: { mean: '10s' } }, boot_time: '10s' });
  const input = { memo: new Memo(), scenarioName: 't', seed: 1, horizon: 86400, design: 'reset', cloud, config };
  const fired = watchdogStudy.replicate(input, { replication: 0, streams: new Streams(1, 0) }).events!;
  assert.ok(watchdogStudy.events!(input).events < 10 * fired, `estimate ${watchdogStudy.events!(input).events}, ${fired} fired`);
});
