import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { studies } from '../../sim/studies/registry.js';
import { valueShape, type Replication } from '../../sim/studies/study.js';
import { Streams } from '../../sim/random/streams.js';

// Values returned under the wrong name (a swap) pass every packing check; these relations between
// the metrics of one real replication of each bundled scenario's designs do not.
/** One replication of each design of a bundled scenario, by name. */
function replicationsOf(file: string, study: string): { design: string; horizon: number; v: Replication; series: string[] }[] {
  const loaded = loadScenarioFile(file, { replications: 1 });
  const plan = loaded.studies.find((p) => p.name === study)!;
  return plan.variants.filter((v) => !v.sweep).map((v) => ({
    design: v.design, horizon: v.input.horizon,
    v: plan.definition.replicate(v.input, { replication: 0, streams: new Streams(loaded.seed, 0) }),
    series: valueShape(plan.definition, v.input).series.map((s) => s.name),
  }));
}

test('a value written under another metric\'s name would break these relations between metrics of real runs', () => {
  for (const { design, horizon, v, series } of replicationsOf('scenarios/rbd.yaml', 'rbd')) {
    const m = v.metrics;
    assert.equal(m.reached_nearfull, m.time_to_nearfull < horizon ? 1 : 0, design);
    assert.equal(m.reached_full, m.time_to_full < horizon ? 1 : 0, design);
    assert.equal(m.writes_blocked_time, horizon - m.time_to_full, design);
    assert.ok(m.time_to_nearfull <= m.time_to_full, `${design}: nearfull before full`);
    assert.ok(m.reached_full <= m.reached_nearfull, design);
    assert.ok(m.fullest_osd_fraction_end >= m.used_fraction_end, `${design}: the fullest OSD is at least the mean`);
    assert.ok(m.provisioned_bytes_end >= m.allocated_bytes_end && m.allocated_bytes_end >= 0, design);
    for (const s of series) assert.ok(v.series && s in v.series, `${design}: series ${s}`);
    // The chart request names a series the study really returns.
    const st = studies.find((x) => x.name === 'rbd')!;
    for (const c of st.charts ?? []) if (c.kind === 'series') assert.ok(series.includes(c.series), c.series);
  }
  for (const { design, v } of replicationsOf('scenarios/boot.yaml', 'boot')) {
    const m = v.metrics;
    assert.ok(m.boot_time_p50 <= m.boot_time_p95 && m.boot_time_p95 <= m.boot_time_p99 && m.boot_time_p99 <= m.storm_completion, design);
    assert.ok(m.bytes_downloaded <= m.bytes_transferred && m.cache_hit_ratio >= 0 && m.cache_hit_ratio <= 1, design);
  }
  for (const { design, v } of replicationsOf('scenarios/snapshots.yaml', 'snapshots')) {
    const m = v.metrics;
    assert.ok(m.freeze_seconds_p50 <= m.freeze_seconds_p95 && m.freeze_seconds_p95 <= m.freeze_seconds_max, design);
    assert.ok(m.failed_fraction + m.crash_consistent_fraction + m.app_consistent_fraction <= 1 + 1e-9, design);
  }
  for (const { design, v } of replicationsOf('scenarios/watchdog.yaml', 'watchdog')) {
    const m = v.metrics;
    assert.ok(Math.abs((1 - m.availability) * 365 * 24 * 60 - m.downtime_minutes_per_guest_year) < 1e-6 * Math.max(1, m.downtime_minutes_per_guest_year), design);
  }
  for (const { design, v } of replicationsOf('scenarios/evacuation.yaml', 'evacuation')) {
    const m = v.metrics;
    assert.equal(m.any_stranded, m.stranded_instances > 0 ? 1 : 0, design);
    assert.ok(m.max_hosts_down <= m.host_failures + 1000 * m.rack_failures && m.held_back_fraction >= 0 && m.held_back_fraction < 1, design);
    assert.ok(m.downtime_p95 <= m.recovery_time_max + 1e-9 || m.instances_evacuated + m.stranded_instances === 0, design);
  }
});
