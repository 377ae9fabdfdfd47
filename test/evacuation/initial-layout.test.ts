import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { Streams } from '../../sim/random/streams.js';
import { evacuationStudy, metrics } from '../../sim/studies/evacuation.js';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { replicateFlat } from '../flat.js';

const INSTANCES = Object.keys(metrics).indexOf('instances');

function instancesPerReplication(text: string, design: number, n: number): number[] {
  const s = loadScenarioText(text, 'evacuation.yaml', { replications: n });
  const v = s.studies[0].variants[design];
  return Array.from({ length: n }, (_, r) => replicateFlat(evacuationStudy, v.input as never, { replication: r, streams: new Streams(s.seed, r) })[INSTANCES]);
}

const base = readFileSync('scenarios/evacuation.yaml', 'utf8');

test('initial_layout per-replication (the default): each replication packs the cloud anew; designs of one replication share the packing', () => {
  const s = loadScenarioText(base, 'evacuation.yaml');
  const cloud = s.studies[0].variants[0].input.cloud;
  const a = buildCloud(cloud, s.seed, 0), b = buildCloud(cloud, s.seed, 1), a2 = buildCloud(cloud, s.seed, 0);
  assert.deepEqual(Array.from(a2.state.hostOf), Array.from(a.state.hostOf), 'same replication, same layout');
  assert.notDeepEqual(Array.from(b.state.hostOf.subarray(0, 200)), Array.from(a.state.hostOf.subarray(0, 200)), 'another replication, another layout');
  const counts = instancesPerReplication(base, 0, 12);
  assert.ok(new Set(counts).size > 1, `the fill varies between replications: ${counts.join(', ')}`);
  // no-reserve and overcommit (ratio 1.2, fill 0.75) are different clouds, but the same flavor
  // draws: the same replication gives the same count in no-reserve whichever design ran before.
  assert.deepEqual(instancesPerReplication(base, 0, 12), counts);
});

test('initial_layout fixed: one packing per scenario seed, identical in every replication', () => {
  const fixed = base.replace(/^(\s+)check: /m, '$1initial_layout: fixed\n$1check: ');
  assert.notEqual(fixed, base);
  const counts = instancesPerReplication(fixed, 0, 8);
  assert.equal(new Set(counts).size, 1, `fixed layout: ${counts.join(', ')}`);
});
