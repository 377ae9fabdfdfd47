import { Deterministic } from '../../sim/random/distributions.js';
import type { Rng, Streams } from '../../sim/random/streams.js';
import type { Tracer } from '../../sim/engine/simulation.js';
import { SnapshotFleet, type SnapshotParams } from '../../sim/openstack/guest/snapshot.js';

// The snapshot tests' tiny fleet, shared by snapshots.test.ts and release-rules.test.ts (a test
// file imported by another runs its tests again in that process).

/** Fixed draws: agent enabled iff enabledDraw < share; agent answers iff answerDraw < agentAnswers. */
export function fixedStreams(enabledDraw: number, answerDraw: number): Streams {
  const constant = (v: number): Rng => ({ next: () => v });
  return {
    stream: (name: string) => constant(name === 'agent-enabled' ? enabledDraw : name.startsWith('snapshot/') ? answerDraw : 0),
  } as unknown as Streams;
}

/**
 * One instance, one round at t = 0. Dirty 100 MB at 500 MB/s: flush 0.2 s. Root disk 10 GB:
 * block copy at 250 MB/s (alone on a 500 MB/s disk) 40 s, upload at 200 MB/s 50 s, RBD 5 s + flatten at 400 MB/s 25 s.
 */
export function params(over: Partial<SnapshotParams> = {}): SnapshotParams {
  return {
    computes: 1, instancesPerCompute: 1, interval: 86400, window: 0, horizon: 1, maxConcurrent: 5,
    release: 'kilo', liveSnapshot: true, storage: 'local', glanceSameCluster: true, guestRam: new Deterministic(4e9), saveBandwidth: 500e6,
    agentEnabledShare: 0.5, agentAnswers: 0.5, requireQuiesce: true,
    guestSyncTimeout: 5, onFreezeFailure: 'release',
    dirtyData: new Deterministic(100e6), flushBandwidth: 500e6, diskUsed: new Deterministic(10e9),
    copyBandwidth: 250e6, diskBandwidth: 500e6, pivotTime: 1, uploadBandwidth: 200e6, rbdOverhead: 5, rbdFlattenBandwidth: 400e6,
    ...over,
  };
}

export const ENABLED = 0, NOT_ENABLED = 0.9, ANSWERS = 0, SILENT = 0.9;

export function run(p: SnapshotParams, enabled: number, answer: number) {
  const log: string[] = [];
  const tracer: Tracer = { event() {}, note(t, what) { log.push(`${+t.toFixed(6)} ${what}`); } };
  const fleet = new SnapshotFleet(p, fixedStreams(enabled, answer));
  fleet.sim.tracer = tracer;
  const r = fleet.run();
  return { log, ...r };
}
