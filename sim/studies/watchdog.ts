import { z } from 'zod';
import { distribution } from '../random/spec.js';
import { count, duration, fraction } from '../units/zod-units.js';
import { WatchdogFleet, type WatchdogParams } from '../openstack/guest/watchdog.js';
import type { MetricDef, StudyDefinition, StudyInput } from './study.js';

const YEAR = 365 * 86400;

/**
 * `studies.watchdog`: guests that hang, the image's `hw_watchdog_action`, and the monitoring and
 * operators behind them (docs/openstack-facts.md §3, §11). Designs usually differ only in `action`.
 */
export const watchdogSchema = z.object({
  guests: count(1).default(200).meta({ description: 'guests simulated (metrics are per guest-year)' }),
  action: z.enum(['disabled', 'reset', 'poweroff', 'pause', 'none']).default('disabled')
    .meta({ description: 'hw_watchdog_action of the image (disabled = no i6300esb device)' }),
  watchdog_daemon_share: fraction().default(0.5)
    .meta({ description: 'share of guests running a watchdog daemon that arms /dev/watchdog; the others never get an action' }),
  heartbeat: duration().prefault('30s').refine((v) => v >= 1 && v <= 2046, { message: 'heartbeat out of range (expected 1s to 2046s, the i6300esb driver limits)' })
    .meta({ description: 'i6300esb heartbeat: the action fires this long after the last ping (two stages of heartbeat/2)' }),
  time_to_hang: distribution('duration').prefault({ exponential: { rate: '2/y' } })
    .meta({ description: 'up time of a guest until it hangs or crashes (rate per guest-year for exponential)' }),
  boot_time: distribution('duration').prefault({ lognormal: { median: '45s', sigma: 0.5 } })
    .meta({ description: 'guest boot after a watchdog reset, a hard reboot or a start' }),
  lifecycle_event_delay: duration().prefault('15s')
    .meta({ description: 'libvirt STOPPED lifecycle events reach nova this late (nova swallows reboots)' }),
  monitoring: z.object({
    sees: z.enum(['guest', 'nova']).default('guest')
      .meta({ description: 'guest: checks the guest itself (ping, service) and sees every outage; nova: watches vm_state and sees only SHUTOFF' }),
    check_interval: duration().prefault('60s').meta({ description: 'time between two checks of one guest' }),
    detection_delay: distribution('duration').prefault('2m')
      .meta({ description: 'first failing check to alert (consecutive failures, routing)' }),
    user_report_after: distribution('duration').optional()
      .meta({ description: 'users report an outage this long after it starts (default: never)' }),
  }).strict().prefault({}),
  operator: z.object({
    reaction_time: distribution('duration').prefault({ lognormal: { median: '30m', sigma: 1 } })
      .meta({ description: 'alert to hard reboot / start (in working hours, or always when off_hours is absent)' }),
    off_hours: z.object({
      from: duration().meta({ description: 'working hours start (time of day; the simulation starts at midnight)' }),
      to: duration().meta({ description: 'working hours end' }),
      reaction_time: distribution('duration').meta({ description: 'alert to action outside working hours (on-call)' }),
    }).strict().refine((o) => o.from < o.to && o.to <= 86400, { message: 'working hours must satisfy from < to <= 24h (expected e.g. {from: 8h, to: 18h})' }).optional(),
  }).strict().prefault({}),
}).strict();

export type WatchdogConfig = z.output<typeof watchdogSchema>;

export function watchdogParams(c: WatchdogConfig): WatchdogParams {
  return {
    guests: c.guests,
    action: c.action,
    daemonShare: c.watchdog_daemon_share,
    heartbeat: c.heartbeat,
    timeToHang: c.time_to_hang,
    bootTime: c.boot_time,
    checkInterval: c.monitoring.check_interval,
    detectionDelay: c.monitoring.detection_delay,
    monitorSees: c.monitoring.sees,
    lifecycleEventDelay: c.lifecycle_event_delay,
    reaction: c.operator.reaction_time,
    userReport: c.monitoring.user_report_after,
    offHours: c.operator.off_hours && { from: c.operator.off_hours.from, to: c.operator.off_hours.to, reaction: c.operator.off_hours.reaction_time },
  };
}

const metrics = {
  downtime_minutes_per_guest_year: { label: 'Downtime per guest-year', unit: 'min/guest-year', kind: 'rate', description: 'guest downtime from hangs, per guest-year' },
  availability: { label: 'Availability', unit: 'fraction', kind: 'fraction', description: 'share of guest time up' },
  incidents_needing_operator: { label: 'Incidents needing an operator', unit: '1/guest-year', kind: 'rate', description: 'outages ended by an operator (hard reboot or start), per guest-year' },
  watchdog_actions: { label: 'Watchdog actions', unit: '1/guest-year', kind: 'rate', description: 'times the watchdog fired, per guest-year' },
  mean_outage_minutes: { label: 'Mean outage', unit: 'min', kind: 'duration', description: 'mean length of the outages that ended within the horizon' },
  down_at_horizon: { label: 'Guests down at the horizon', unit: 'guests', kind: 'count', description: 'guests still down at the horizon (outages nobody noticed end there)' },
} as const satisfies Record<string, MetricDef>;

export const watchdogStudy: StudyDefinition<WatchdogConfig, keyof typeof metrics> = {
  name: 'watchdog',
  title: 'Guest watchdog actions',
  question: 'What availability do guests get with hw_watchdog_action reset / poweroff / pause / none / disabled, given hang rates and operator reaction times?',
  schema: watchdogSchema,
  metrics,
  keyMetrics: ['availability', 'downtime_minutes_per_guest_year', 'incidents_needing_operator'],
  charts: [
    { kind: 'design', metric: 'availability' },
    { kind: 'design', metric: 'downtime_minutes_per_guest_year' },
    { kind: 'design', metric: 'incidents_needing_operator' },
  ],

  /**
   * Every outage ends with a boot, so a guest's hang-to-hang cycle lasts at least time_to_hang +
   * boot_time on average: over the horizon, about horizon / (E[time_to_hang] + E[boot_time])
   * hangs per guest at most (renewal), each at most 6 events (hang, watchdog, two alerts,
   * operator, boot). Counted as 8 per hang plus 4 hangs per guest, so that an unlucky year
   * (more hangs than average) stays under it: test/watchdog checks it against runs.
   */
  events(input: StudyInput<WatchdogConfig>) {
    const c = input.config, cycle = c.time_to_hang.mean + c.boot_time.mean;
    const hangs = cycle > 0 ? input.horizon / cycle : Infinity;
    return {
      events: 8 * c.guests * (hangs + 4),
      what: `time_to_hang (mean ${c.time_to_hang.mean} s, with a boot_time of mean ${c.boot_time.mean} s: up to ${hangs.toExponential(1)} hangs per guest over a horizon of ${input.horizon} s, ${c.guests} guests)`,
    };
  },

  warnings(input: StudyInput<WatchdogConfig>): string[] {
    const c = input.config, w: string[] = [];
    if (c.monitoring.sees === 'nova' && !c.monitoring.user_report_after) {
      w.push(`nova-state monitoring sees only SHUTOFF: hung${c.action === 'pause' ? ' and paused' : ''} guests stay down until the horizon (set monitoring.user_report_after)`);
    }
    if (c.action !== 'disabled' && c.watchdog_daemon_share === 0) w.push(`action ${c.action} never acts: no guest runs a watchdog daemon`);
    return w;
  },
  replicate(input, ctx) {
    const fleet = new WatchdogFleet(watchdogParams(input.config), ctx.streams);
    if (ctx.tracer) fleet.sim.tracer = ctx.tracer;
    const t = fleet.run(input.horizon);
    const guestSeconds = input.config.guests * input.horizon;
    const guestYears = guestSeconds / YEAR;
    return {
      metrics: {
        downtime_minutes_per_guest_year: t.downtime / 60 / guestYears,
        availability: 1 - t.downtime / guestSeconds,
        incidents_needing_operator: t.operatorIncidents / guestYears,
        watchdog_actions: t.watchdogFires / guestYears,
        mean_outage_minutes: t.outagesEnded > 0 ? t.outageSeconds / t.outagesEnded / 60 : 0,
        down_at_horizon: t.downAtHorizon,
      },
      events: fleet.sim.eventsFired,
    };
  },
};
