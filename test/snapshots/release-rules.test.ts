import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANSWERS, ENABLED, NOT_ENABLED, params, run, SILENT } from './fleet.js';
import { cloudSchema } from '../../sim/openstack/cloud.js';
import { liveSnapshotsDisabled, snapshotParams, snapshotsSchema } from '../../sim/studies/snapshots.js';
import { Memo } from '../../sim/studies/memo.js';

/*
 * One instance, one round at t = 0 (params() of snapshots.test.ts): dirty 100 MB flushed at
 * 500 MB/s = 0.2 s; root disk 10 GB copied at 250 MB/s = 40 s, uploaded at 200 MB/s = 50 s;
 * RBD direct 5 s + flatten at 400 MB/s 25 s = 30 s; guest RAM 4 GB saved and restored at
 * 500 MB/s = 8 s each.
 */

test('cold snapshot (live snapshots disabled): managedSave 8 s + extract 40 s + restore 8 s = 56 s down, then upload; never quiesced', () => {
  for (const answer of [ANSWERS, SILENT]) {
    const r = run(params({ liveSnapshot: false }), ENABLED, answer);
    assert.deepEqual(r.log, ['0 requested', '0 managedSave: guest stopped (cold snapshot)', '8 extract root disk', '56 guest restored',
      '56 extract and upload', '106 image ready: crash-consistent']);
    assert.deepEqual([...r.downtimes], [56]);
    assert.equal(r.freezes.length, 0);
    assert.equal(r.cold, 1);
  }
  // os_require_quiesce is irrelevant: an agent that is not enabled does not fail a cold snapshot
  assert.equal(run(params({ liveSnapshot: false }), NOT_ENABLED, ANSWERS).failed, 0);
});

test('quiesce rule Liberty | Mitaka: without os_require_quiesce Liberty never freezes, Mitaka tries and holds it over the copy', () => {
  const liberty = run(params({ release: 'liberty', requireQuiesce: false }), ENABLED, ANSWERS);
  assert.deepEqual(liberty.log.slice(1), ['0 block copy, no quiesce (kilo quiesces only with os_require_quiesce)', '40 extract and upload', '90 image ready: crash-consistent']);
  const mitaka = run(params({ release: 'mitaka', requireQuiesce: false }), ENABLED, ANSWERS);
  assert.deepEqual(mitaka.log.slice(1), ['0 guest-sync answered: fsfreeze', '40.2 thawed', '40.2 extract and upload', '90.2 image ready: app-consistent']);
  assert.deepEqual([...mitaka.freezes].map((x) => +x.toFixed(6)), [40.2]);
});

test('quiesce rule Mitaka–Xena: a failed freeze aborts only with os_require_quiesce; Liberty aborts on a silent agent', () => {
  const strict = run(params({ release: 'xena' }), ENABLED, SILENT);
  assert.deepEqual(strict.log.slice(-1), ['5 guest-sync timed out: snapshot aborted']);
  const relaxed = run(params({ release: 'xena', requireQuiesce: false }), ENABLED, SILENT);
  assert.deepEqual(relaxed.log.slice(1), ['0 guest-sync sent, no answer', '5 guest-sync timed out: continuing unquiesced', '45 extract and upload', '95 image ready: crash-consistent']);
  const notEnabled = run(params({ release: 'mitaka', requireQuiesce: false }), NOT_ENABLED, ANSWERS);
  assert.deepEqual(notEnabled.log.slice(1, 2), ['0 quiesce skipped, agent not enabled: block copy unquiesced']);
  assert.equal(notEnabled.crash, 1);
  assert.equal(run(params({ release: 'mitaka' }), NOT_ENABLED, ANSWERS).failed, 1);
  assert.equal(run(params({ release: 'liberty' }), ENABLED, SILENT).failed, 1);
});

test('quiesce rule Xena | Yoga: the freeze covers the whole copy (40.2 s) until Xena, only flush + pivot (1.2 s) from Yoga', () => {
  const xena = run(params({ release: 'xena' }), ENABLED, ANSWERS);
  const yoga = run(params({ release: 'yoga' }), ENABLED, ANSWERS);
  assert.deepEqual([...xena.freezes].map((x) => +x.toFixed(6)), [40.2]);
  assert.deepEqual([...yoga.freezes].map((x) => +x.toFixed(6)), [1.2]);
});

test('quiesce rule Icehouse | Kilo: Icehouse has no quiesce at all, Kilo freezes with os_require_quiesce', () => {
  const icehouse = run(params({ release: 'icehouse' }), ENABLED, ANSWERS);
  assert.deepEqual(icehouse.log.slice(1), ['0 block copy, no quiesce (no quiesce before kilo)', '40 extract and upload', '90 image ready: crash-consistent']);
  assert.equal(run(params({ release: 'kilo' }), ENABLED, ANSWERS).app, 1);
});

test('RBD Liberty | Mitaka | Newton: cold extract (56 s down), then a direct snapshot with the guest suspended (46 s down), then live (none)', () => {
  const liberty = run(params({ release: 'liberty', storage: 'rbd' }), ENABLED, ANSWERS);
  assert.deepEqual([...liberty.downtimes], [56]);
  assert.deepEqual(liberty.log.slice(-1), ['106 image ready: crash-consistent']);
  const mitaka = run(params({ release: 'mitaka', storage: 'rbd' }), ENABLED, ANSWERS);
  assert.deepEqual(mitaka.log, ['0 requested', '0 managedSave: guest stopped (cold snapshot)', '8 rbd direct snapshot, guest suspended', '46 guest restored', '46 image ready: crash-consistent']);
  assert.deepEqual([...mitaka.downtimes], [46]);
  const newton = run(params({ release: 'newton', storage: 'rbd' }), ENABLED, ANSWERS);
  assert.deepEqual(newton.log, ['0 requested', '0 rbd direct snapshot, guest running: no quiesce', '30 image ready: crash-consistent']);
  assert.equal(newton.downtimes.length, 0);
});

test('RBD direct snapshot falls back to a cold snapshot when Glance is not the same Ceph cluster', () => {
  const r = run(params({ release: 'antelope', storage: 'rbd', glanceSameCluster: false }), ENABLED, ANSWERS);
  assert.deepEqual(r.log, ['0 requested', '0 rbd direct snapshot refused: glance store is not this Ceph cluster (ImageUnacceptable)',
    '0 managedSave: guest stopped (cold snapshot)', '8 extract root disk', '56 guest restored', '56 extract and upload', '106 image ready: crash-consistent']);
  assert.deepEqual([...r.downtimes], [56]);
});

const cloud = (nova: Record<string, unknown>) => cloudSchema.parse({
  nova, racks: [{ name: 'r1', hosts: 2, ram: '64GiB', vcpus: 16 }], flavors: [{ name: 'm1', ram: '4GiB', vcpus: 2, share: 1 }],
  ephemeral_storage: 'local',
});

test('live-snapshot default Icehouse | Juno and Pike | Queens; the option is honoured from Kilo', () => {
  assert.equal(liveSnapshotsDisabled(cloud({ release: 'icehouse' })), false);
  assert.equal(liveSnapshotsDisabled(cloud({ release: 'juno' })), true);
  assert.equal(liveSnapshotsDisabled(cloud({ release: 'juno', disable_libvirt_livesnapshot: false })), true);
  assert.equal(liveSnapshotsDisabled(cloud({ release: 'pike' })), true);
  assert.equal(liveSnapshotsDisabled(cloud({ release: 'kilo', disable_libvirt_livesnapshot: false })), false);
  assert.equal(liveSnapshotsDisabled(cloud({ release: 'queens' })), false);
  assert.equal(liveSnapshotsDisabled(cloud({ release: 'queens', disable_libvirt_livesnapshot: true })), true);
});

test('max_concurrent_snapshots Ussuri | Victoria: no limit (0) before, 5 by default from Victoria; a set value is ignored before', () => {
  const p = (release: string, config: Record<string, unknown> = {}) => snapshotParams({
    memo: new Memo(), scenarioName: 't', seed: 1, horizon: 86400, design: 'd', cloud: cloud({ release }), config: snapshotsSchema.parse(config),
  }).maxConcurrent;
  assert.equal(p('ussuri'), 0);
  assert.equal(p('ussuri', { max_concurrent_snapshots: 2 }), 0);
  assert.equal(p('victoria'), 5);
  assert.equal(p('victoria', { max_concurrent_snapshots: 2 }), 2);
});
