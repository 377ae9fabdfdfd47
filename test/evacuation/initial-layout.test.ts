import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { Streams } from '../../sim/random/streams.js';
import { evacuationStudy, metrics } from '../../sim/studies/evacuation.js';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { replicateFlat } from '../flat.js';
import fc from 'fast-check';
import { ComputeState } from '../../sim/openstack/nova/compute-state.js';
import { cloud, smallRack } from './fixtures.js';

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

/** Each host's instances in list order, as (flavor, group, zone, state), and whether the numbers run consecutively host after host. */
function layoutByHost(s: ComputeState): { lists: string[][]; consecutive: boolean } {
  const lists: string[][] = [];
  let expected = 0, consecutive = true;
  for (let h = 0; h < s.hostCount; h++) {
    const list: string[] = [];
    for (let i = s.head[h]; i >= 0; i = s.next[i]) {
      if (i !== expected++) consecutive = false;
      assert.equal(s.hostOf[i], h);
      assert.equal(s.prev[i] < 0 ? s.head[h] : s.next[s.prev[i]], i, 'prev and next agree');
      list.push(`${s.flavorOf[i]}/${s.groupOf[i]}/${s.azReq[i]}/${s.state[i]}/${s.ramMb[i]}/${s.vcpusOf[i]}`);
    }
    lists.push(list);
  }
  return { lists, consecutive };
}

test('the fill numbers instances host by host, each host in its list order (host-evacuate then reads consecutive instances)', () => {
  const s = loadScenarioText(base, 'evacuation.yaml');
  const built = buildCloud(s.studies[0].variants[0].input.cloud, s.seed, 0).state;
  assert.ok(layoutByHost(built).consecutive);
  // A fill where some requests get NoValidHost (anti-affinity groups of 3 on 2 hosts) takes the
  // other path (a smaller state): the same numbering.
  const over = cloud(smallRack(2, { fill: 0.9, server_groups: { anti_affinity_share: 1, size: 3 } }));
  const partial = buildCloud(over, 1, 0);
  assert.ok(partial.fillFailures > 0, 'some requests fail');
  assert.ok(layoutByHost(partial.state).consecutive);
  // Listed instances keep the numbers of their lines (traces and logs name them so), NoValidHost or not.
  const listed = buildCloud(cloud(smallRack(2, { instances: [{ flavor: 'l', count: 3 }, { flavor: 's', count: 3 }, { flavor: 'l', count: 3 }] })), 1, 0);
  assert.ok(listed.fillFailures > 0);
  assert.equal(listed.state.instanceCount, 9 - listed.fillFailures);
  // The kept instances in line order: their flavors are the lines' in order, and the 2 GiB
  // guests (which all fit) come after the first line's survivors and before the last line's.
  const flavors = Array.from(listed.state.flavorOf).map((f) => listed.state.flavors[f].name).join('');
  assert.match(flavors, /^l*sssl*$/);
});

test('renumberByHost is a relabelling: every host keeps its instances, in order, with their groups and links (property)', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ host: fc.integer({ min: -1, max: 5 }), flavor: fc.nat(2), group: fc.integer({ min: -1, max: 3 }) }), { maxLength: 60 }),
    (rows) => {
      const c = cloud(smallRack(6, { racks: [{ name: 'r1', hosts: 6, ram: '1TiB', vcpus: 512 }] }));
      const st = new ComputeState(c, rows.length, 4);
      rows.forEach((r, i) => { st.setFlavor(i, r.flavor); st.groupOf[i] = r.group; st.azReq[i] = r.flavor - 1; if (r.host >= 0) st.attach(i, r.host); st.homeOf[i] = r.host; });
      for (let g = 0; g < 4; g++) st.groups[g] = Int32Array.from(rows.flatMap((r, i) => (r.group === g ? [i] : [])));
      const before = layoutByHost(st).lists;
      const groupFlavors = st.groups.map((m) => Array.from(m, (i) => `${st.hostOf[i]}/${st.flavorOf[i]}`).sort());
      st.renumberByHost();
      const after = layoutByHost(st);
      assert.deepEqual(after.lists, before);
      assert.ok(after.consecutive);
      for (let i = 0; i < rows.length; i++) assert.equal(st.homeOf[i], st.hostOf[i]);
      // Instances on no host (a fill's NoValidHost) come last, in no list.
      const unplaced = rows.filter((r) => r.host < 0).length;
      for (let i = rows.length - unplaced; i < rows.length; i++) assert.deepEqual([st.hostOf[i], st.next[i], st.prev[i]], [-1, -1, -1]);
      st.groups.forEach((m, g) => {
        assert.deepEqual(Array.from(m, (i) => `${st.hostOf[i]}/${st.flavorOf[i]}`).sort(), groupFlavors[g]);
        for (const i of m) assert.equal(st.groupOf[i], g);
      });
    }), { numRuns: 200 });
});
