import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Deterministic, Lognormal } from '../../sim/random/distributions.js';
import { Streams } from '../../sim/random/streams.js';
import { SnapshotFleet } from '../../sim/openstack/guest/snapshot.js';
import { ANSWERS, ENABLED, NOT_ENABLED, SILENT, params, run } from './fleet.js';
import { snapshotsSchema, snapshotsStudy } from '../../sim/studies/snapshots.js';
import { cloudSchema } from '../../sim/openstack/cloud.js';
import { replicateFlat } from '../flat.js';
import { Memo } from '../../sim/studies/memo.js';

test('kilo, agent answers: frozen across the whole block copy (flush + copy = 40.2 s), app-consistent', () => {
  const r = run(params(), ENABLED, ANSWERS);
  assert.deepEqual(r.log, ['0 requested', '0 guest-sync answered: fsfreeze', '40.2 thawed', '40.2 extract and upload', '90.2 image ready: app-consistent']);
  assert.deepEqual([...r.freezes].map((x) => +x.toFixed(6)), [40.2]);
  assert.equal(r.app, 1);
});

test('kilo, agent silent: guest-sync times out after 5 s and the snapshot is aborted', () => {
  const r = run(params(), ENABLED, SILENT);
  assert.deepEqual(r.log, ['0 requested', '0 guest-sync sent, no answer', '5 guest-sync timed out: snapshot aborted']);
  assert.equal(r.failed, 1);
  assert.equal(r.freezes.length, 0);
});

test('kilo, agent not enabled with os_require_quiesce: fails at once', () => {
  const r = run(params(), NOT_ENABLED, ANSWERS);
  assert.deepEqual(r.log, ['0 requested', '0 quiesce impossible, agent not enabled: snapshot fails']);
  assert.equal(r.failed, 1);
});

test('kilo without os_require_quiesce never quiesces, even with a working agent: crash-consistent', () => {
  const r = run(params({ requireQuiesce: false }), ENABLED, ANSWERS);
  assert.deepEqual(r.log, ['0 requested', '0 block copy, no quiesce (kilo quiesces only with os_require_quiesce)', '40 extract and upload', '90 image ready: crash-consistent']);
  assert.equal(r.crash, 1);
});

test('current, agent answers: freeze only after the mirror, flush + pivot = 1.2 s, app-consistent', () => {
  const r = run(params({ release: 'antelope' }), ENABLED, ANSWERS);
  assert.deepEqual(r.log, ['0 requested', '0 mirror started, guest running', '40 guest-sync answered: fsfreeze', '41.2 thawed',
    '41.2 extract and upload', '91.2 image ready: app-consistent']);
  assert.deepEqual([...r.freezes].map((x) => +x.toFixed(6)), [1.2]);
});

test('current, agent silent: 5 s guest-sync timeout, then continues unquiesced (crash-consistent), even with os_require_quiesce', () => {
  const r = run(params({ release: 'antelope' }), ENABLED, SILENT);
  assert.deepEqual(r.log, ['0 requested', '0 mirror started, guest running', '40 mirror complete, guest-sync sent, no answer',
    '45 guest-sync timed out: continuing unquiesced', '45 extract and upload', '95 image ready: crash-consistent']);
  assert.equal(r.crash, 1);
  assert.equal(r.failed, 0);
});

test('current: os_require_quiesce makes only the "agent not enabled" pre-check fatal', () => {
  const fatal = run(params({ release: 'antelope' }), NOT_ENABLED, ANSWERS);
  assert.deepEqual(fatal.log, ['0 requested', '0 pre-check: os_require_quiesce but agent not enabled: snapshot fails']);
  const relaxed = run(params({ release: 'antelope', requireQuiesce: false }), NOT_ENABLED, ANSWERS);
  assert.deepEqual(relaxed.log, ['0 requested', '0 mirror started, guest running', '40 mirror complete, agent not enabled: unquiesced',
    '40 extract and upload', '90 image ready: crash-consistent']);
});

test('on_freeze_failure overrides: current can be made to abort, kilo to continue', () => {
  const abort = run(params({ release: 'antelope', onFreezeFailure: 'abort' }), ENABLED, SILENT);
  assert.deepEqual(abort.log.slice(-1), ['45 guest-sync timed out: snapshot aborted']);
  const cont = run(params({ onFreezeFailure: 'continue' }), ENABLED, SILENT);
  assert.deepEqual(cont.log.slice(2), ['5 guest-sync timed out: continuing unquiesced', '45 extract and upload', '95 image ready: crash-consistent']);
});

test('RBD direct snapshot never quiesces, whatever the agent: crash-consistent in 5 s + flatten 25 s', () => {
  for (const answer of [ANSWERS, SILENT]) {
    const r = run(params({ release: 'antelope', storage: 'rbd' }), ENABLED, answer);
    assert.deepEqual(r.log, ['0 requested', '0 rbd direct snapshot, guest running: no quiesce', '30 image ready: crash-consistent']);
    assert.equal(r.freezes.length, 0);
  }
});

test('max_concurrent_snapshots: 7 requests at once on one compute with 5 slots, the last 2 wait one snapshot', () => {
  const r = run(params({ release: 'antelope', storage: 'rbd', instancesPerCompute: 7 }), ENABLED, ANSWERS);
  assert.deepEqual([...r.waits].sort((a, b) => a - b), [0, 0, 0, 0, 0, 30, 30]);
  assert.deepEqual([...r.durations].sort((a, b) => a - b), [30, 30, 30, 30, 30, 60, 60]);
  // two computes: each has its own 5 slots, nobody waits
  const two = run(params({ release: 'antelope', storage: 'rbd', computes: 2, instancesPerCompute: 5 }), ENABLED, ANSWERS);
  assert.deepEqual([...two.waits], new Array(10).fill(0));
});

test('kilo: concurrent block copies share the compute disk and stretch every freeze', () => {
  // 4 instances granted at 0, frozen, flushed at 0.2 s; 4 copies on a 500 MB/s disk run at 125 MB/s: 80 s
  const r = run(params({ instancesPerCompute: 4 }), ENABLED, ANSWERS);
  assert.deepEqual([...r.freezes].map((x) => +x.toFixed(6)), [80.2, 80.2, 80.2, 80.2]);
  // on four computes each copy is alone again: 40.2 s
  const spread = run(params({ computes: 4 }), ENABLED, ANSWERS);
  assert.deepEqual([...spread.freezes].map((x) => +x.toFixed(6)), [40.2, 40.2, 40.2, 40.2]);
  // current: the mirrors share the disk (80 s) but the freeze is still flush + pivot
  const cur = run(params({ release: 'antelope', instancesPerCompute: 4 }), ENABLED, ANSWERS);
  assert.deepEqual([...cur.freezes].map((x) => +x.toFixed(6)), [1.2, 1.2, 1.2, 1.2]);
  assert.deepEqual([...cur.durations].map((x) => +x.toFixed(6)), [131.2, 131.2, 131.2, 131.2]);
});

test('a request while the previous snapshot of the instance still runs is refused (409) and counts as failed', () => {
  // kilo snapshot takes 90.2 s; rounds every 60 s at 0 and 60 (horizon 100)
  const r = run(params({ interval: 60, horizon: 100 }), ENABLED, ANSWERS);
  assert.equal(r.requested, 2);
  assert.equal(r.refused, 1);
  assert.equal(r.failed, 1);
  assert.equal(r.app, 1);
  assert.ok(r.log.includes('60 refused: previous snapshot still running'));
});

const cloud = cloudSchema.parse({
  racks: [{ name: 'r1', hosts: 4, ram: '256GiB', vcpus: 32 }],
  flavors: [{ name: 'm1', ram: '4GiB', vcpus: 2, share: 1 }],
});

function input(release: 'kilo' | 'antelope', storage: 'local' | 'rbd', config: Record<string, unknown> = {}, live = true) {
  return {
    memo: new Memo(), scenarioName: 't', seed: 1, horizon: 3 * 86400, design: `${release}-${storage}`,
    cloud: { ...cloud, nova: { ...cloud.nova, release, disable_libvirt_livesnapshot: !live }, ephemeral_storage: storage,
      glance: { ...cloud.glance, store: 'rbd' as const } },
    config: snapshotsSchema.parse(config),
  };
}

function metricsOf(v: Float64Array): Record<string, number> {
  return Object.fromEntries(Object.keys(snapshotsStudy.metrics).map((n, i) => [n, v[i]]));
}

test('study: fractions sum to 1, series after metrics, live kilo freezes far longer than current, RBD never', () => {
  const ctx = (r: number) => ({ replication: r, streams: new Streams(5, r) });
  const kilo = metricsOf(replicateFlat(snapshotsStudy, input('kilo', 'local'), ctx(0)));
  const cur = metricsOf(replicateFlat(snapshotsStudy, input('antelope', 'local'), ctx(0)));
  const rbdV = replicateFlat(snapshotsStudy, input('antelope', 'rbd'), ctx(0));
  const rbd = metricsOf(rbdV);
  for (const m of [kilo, cur, rbd]) {
    assert.ok(Math.abs(m.failed_fraction + m.crash_consistent_fraction + m.app_consistent_fraction - 1) < 1e-12);
  }
  assert.equal(rbdV.length, Object.keys(snapshotsStudy.metrics).length + snapshotsStudy.series!(input('antelope', 'rbd')).freeze_seconds_quantiles.x.length);
  assert.ok(kilo.freeze_seconds_p50 > 10 * cur.freeze_seconds_p50, `kilo ${kilo.freeze_seconds_p50} vs current ${cur.freeze_seconds_p50}`);
  assert.equal(rbd.freeze_seconds_p95, 0);
  assert.equal(rbd.crash_consistent_fraction, 1);
  // common random numbers: the instances kilo fails on (agent disabled or silent) are exactly those current
  // fails on (disabled: pre-check) or finishes crash-consistent (silent); the agent-answers ones are app-consistent in both
  assert.ok(Math.abs(kilo.failed_fraction - (cur.failed_fraction + cur.crash_consistent_fraction)) < 1e-12);
  assert.ok(Math.abs(kilo.app_consistent_fraction - cur.app_consistent_fraction) < 1e-12);
  // 80 instances × 3 rounds: app-consistent ≈ 0.9 × 0.95
  assert.ok(Math.abs(cur.app_consistent_fraction - 0.855) < 0.08, `${cur.app_consistent_fraction}`);
  // kilo's default (live snapshots disabled): every snapshot cold, nothing frozen, the guest down instead
  const cold = metricsOf(replicateFlat(snapshotsStudy, input('kilo', 'local', {}, false), ctx(0)));
  assert.equal(cold.cold_fraction, 1);
  assert.equal(cold.freeze_seconds_max, 0);
  assert.ok(cold.guest_downtime_seconds_p95 > kilo.freeze_seconds_p95, `${cold.guest_downtime_seconds_p95} vs ${kilo.freeze_seconds_p95}`);
  assert.equal(cur.cold_fraction, 0);
  assert.equal(cur.guest_downtime_seconds_max, 0);
});

test('property: every request ends exactly once; kilo freeze = flush + copy, current freeze = flush + pivot', () => {
  fc.assert(fc.property(
    fc.record({
      release: fc.constantFrom('kilo' as const, 'antelope' as const),
      storage: fc.constantFrom('local' as const, 'rbd' as const),
      perCompute: fc.integer({ min: 1, max: 12 }),
      max: fc.integer({ min: 0, max: 6 }),
      window: fc.integer({ min: 0, max: 600 }),
      enabled: fc.double({ min: 0, max: 1, noNaN: true }),
      answers: fc.double({ min: 0, max: 1, noNaN: true }),
      require: fc.boolean(),
      seed: fc.integer({ min: 0, max: 1e6 }),
    }),
    (x) => {
      const p = params({
        release: x.release, storage: x.storage, computes: 2, instancesPerCompute: x.perCompute, maxConcurrent: x.max,
        window: x.window, interval: 3600, horizon: 3 * 3600, agentEnabledShare: x.enabled, agentAnswers: x.answers,
        requireQuiesce: x.require, dirtyData: Lognormal.fromMedian(64e6, 1), diskUsed: new Deterministic(10e9),
      });
      const r = new SnapshotFleet(p, new Streams(x.seed, 0)).run();
      assert.equal(r.requested, 3 * 2 * x.perCompute);
      assert.equal(r.failed + r.crash + r.app, r.requested);
      assert.equal(r.freezes.length, r.app);
      const hold = x.release === 'kilo' ? 40 : 1;
      for (const f of r.freezes) assert.ok(f >= hold - 1e-9, `freeze ${f} shorter than the hold ${hold}`);
      if (x.storage === 'rbd' || (x.release === 'kilo' && !x.require)) assert.equal(r.app, 0);
    },
  ), { numRuns: 40 });
});
