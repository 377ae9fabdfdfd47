import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildCloud } from '../../sim/openstack/nova/cloud-build.js';
import { Scheduler, placementOrder } from '../../sim/openstack/nova/scheduler.js';
import { Streams } from '../../sim/random/streams.js';
import { evacuationStudy } from '../../sim/studies/evacuation.js';
import { cloud, config, input } from './fixtures.js';

/**
 * [scheduler] max_placement_results (docs/scale.md): placement hands the scheduler at most that
 * many candidates, the first it offers in its order; only those are filtered and weighed.
 */

/** Hosts r-1 … r-n of 16 GiB / 8 vCPUs; host r-k holds k − 1 instances of 2 GiB (r-1 emptiest). */
function graded(n: number, nova: Record<string, unknown> = {}) {
  const instances = [];
  for (let k = 2; k <= n; k++) instances.push({ flavor: 's', count: k - 1, host: `r-${k}` });
  return buildCloud(cloud({
    nova: { cpu_weight_multiplier: 0, io_ops_weight_multiplier: 0, ...nova },
    racks: [{ name: 'r', hosts: n, ram: '16GiB', vcpus: 8 }],
    flavors: [{ name: 's', ram: '2GiB', vcpus: 1, share: 1 }],
    instances,
  }), 1).state;
}

test('placementOrder: a permutation of the hosts, the same for the same key and shape, another for another shape or key', () => {
  const a = placementOrder(0, 50, 2048, 1);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(a, placementOrder(0, 50, 2048, 1));
  assert.notDeepEqual(a, placementOrder(0, 50, 4096, 1));
  assert.notDeepEqual(a, placementOrder(0, 50, 2048, 2));
  assert.notDeepEqual(a, placementOrder(12345, 50, 2048, 1));
});

/** The order placementOrder's radix sort must give: hosts by the 32-bit hash, ties by host (a plain comparison sort). */
function referenceOrder(key: number, hostCount: number, ramMb: number, vcpus: number): number[] {
  const hash = (h: number): number => {
    let x = key ^ Math.imul(h + 1, 0x9e3779b1) ^ Math.imul(ramMb | 0, 0x85ebca6b) ^ Math.imul(vcpus | 0, 0xc2b2ae35);
    x ^= x >>> 16; x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15; x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    return x >>> 0;
  };
  return Array.from({ length: hostCount }, (_, h) => h).sort((a, b) => hash(a) - hash(b) || a - b);
}

test('placementOrder equals a comparison sort by (hash, host) (differential, property)', () => {
  fc.assert(fc.property(fc.integer(), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 1 << 20 }), fc.integer({ min: 1, max: 128 }),
    (key, n, ram, vcpus) => assert.deepEqual(Array.from(placementOrder(key, n, ram, vcpus)), referenceOrder(key, n, ram, vcpus))), { numRuns: 60 });
  assert.deepEqual(Array.from(placementOrder(7, 20_000, 2048, 1)), referenceOrder(7, 20_000, 2048, 1));
});

test('hand-worked: the limit changes the chosen host — limit 1 takes placement\'s first candidate, no limit the emptiest host', () => {
  // 6 hosts; r-1 is the emptiest, so the RAM weigher picks it when every host is weighed.
  const order = placementOrder(0, 6, 2048, 1);
  const first = order[0];
  assert.notEqual(first, 0, 'the test needs placement\'s first candidate not to be r-1');
  const unlimited = graded(6);
  assert.equal(new Scheduler(unlimited, undefined).select(2048, 1, -1, -1, -1), 0);
  const s = graded(6, { max_placement_results: 1 });
  assert.equal(new Scheduler(s, undefined).select(2048, 1, -1, -1, -1), first);
  // Limit 2: the better weighed of placement's first two.
  const s2 = graded(6, { max_placement_results: 2 });
  assert.equal(new Scheduler(s2, undefined).select(2048, 1, -1, -1, -1), Math.min(order[0], order[1]));
});

test('hand-worked: a full host is not offered and takes no slot; a down host is offered and takes one (then the ComputeFilter rejects it)', () => {
  const order = placementOrder(0, 6, 2048, 1);
  // Fill placement's first candidate: it no longer fits, so the first slot goes to the second.
  const s = graded(6, { max_placement_results: 1 });
  const sch = new Scheduler(s, undefined);
  s.setReserved(order[0], 16384);
  assert.equal(sch.select(2048, 1, -1, -1, -1), order[1]);
  assert.equal(sch.selectScan(2048, 1, -1, -1, -1), order[1]);
  s.setReserved(order[0], 512);
  // Its service down: placement still offers it (it knows nothing of heartbeats) — NoValidHost.
  s.setServiceUp(order[0], false);
  assert.equal(sch.select(2048, 1, -1, -1, -1), -1);
  assert.equal(sch.selectScan(2048, 1, -1, -1, -1), -1);
  // Disabled instead: the COMPUTE_STATUS_DISABLED trait keeps it out of placement's answer.
  s.setServiceUp(order[0], true);
  s.setEnabled(order[0], false);
  assert.equal(sch.select(2048, 1, -1, -1, -1), order[1]);
  assert.equal(sch.selectScan(2048, 1, -1, -1, -1), order[1]);
});

test('hand-worked: ignore_hosts and anti-affinity exclude after placement, so they too take slots', () => {
  const order = placementOrder(0, 6, 2048, 1);
  const s = graded(6, { max_placement_results: 2 });
  const sch = new Scheduler(s, undefined);
  // Ignoring the better of the first two leaves the other; ignoring a host outside them changes nothing.
  const better = Math.min(order[0], order[1]), other = Math.max(order[0], order[1]);
  assert.equal(sch.select(2048, 1, better, -1, -1), other);
  const outside = order[5];
  assert.equal(sch.select(2048, 1, outside, -1, -1), better);
});

test('hand-worked: the availability zone is a placement pre-filter — the candidates are the first of the zone', () => {
  const s = buildCloud(cloud({
    nova: { cpu_weight_multiplier: 0, io_ops_weight_multiplier: 0, max_placement_results: 1 },
    racks: [{ name: 'a', hosts: 4, ram: '16GiB', vcpus: 8, availability_zone: 'az1' }, { name: 'b', hosts: 4, ram: '16GiB', vcpus: 8, availability_zone: 'az2' }],
    flavors: [{ name: 's', ram: '2GiB', vcpus: 1, share: 1 }],
    instances: [],
  }), 1).state;
  const order = placementOrder(0, 8, 2048, 1);
  const firstAz2 = Array.from(order).find((h) => h >= 4)!;
  const sch = new Scheduler(s, undefined);
  assert.equal(sch.select(2048, 1, -1, -1, s.azNames.indexOf('az2')), firstAz2);
  assert.equal(sch.selectScan(2048, 1, -1, -1, s.azNames.indexOf('az2')), firstAz2);
});

test('hand-worked: randomize_allocation_candidates samples the candidates (limit 1: the draw decides)', () => {
  // Offered: all 6. Partial Fisher–Yates with u = 0 keeps the first (r-1); u → 1 swaps in the last (r-6).
  const s = graded(6, { max_placement_results: 1, randomize_allocation_candidates: true });
  assert.equal(new Scheduler(s, undefined, { placement: { next: () => 0 } }).select(2048, 1, -1, -1, -1), 0);
  assert.equal(new Scheduler(s, undefined, { placement: { next: () => 0.999 } }).select(2048, 1, -1, -1, -1), 5);
});

test('kilo has no placement: the limit does not apply', () => {
  const s = graded(6, { release: 'kilo', max_placement_results: 1 });
  assert.equal(new Scheduler(s, undefined).select(2048, 1, -1, -1, -1), 0);
});

test('property: at or under the limit nothing changes — every host is a candidate, whatever the order or the sampling', () => {
  fc.assert(fc.property(
    fc.record({
      hosts: fc.integer({ min: 1, max: 60 }),
      extra: fc.integer({ min: 0, max: 1000 }),
      randomize: fc.boolean(),
      fill: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
    }),
    ({ hosts, extra, randomize, fill, picks }) => {
      const mk = (nova: Record<string, unknown>) => buildCloud(cloud({
        nova: { host_subset_size: 2, ...nova },
        racks: [{ name: 'r', hosts, ram: '64GiB', vcpus: 16 }],
        flavors: [{ name: 'a', ram: '4GiB', vcpus: 2, share: 1 }, { name: 'b', ram: '8GiB', vcpus: 2, share: 1 }],
        fill,
        server_groups: { anti_affinity_share: 0.3, size: 2 },
      }), 5).state;
      const a = mk({}), b = mk({ max_placement_results: hosts + extra, randomize_allocation_candidates: randomize });
      assert.deepEqual(Array.from(a.hostOf), Array.from(b.hostOf));
      const sa = new Scheduler(a, { next: () => 0.5 }), sb = new Scheduler(b, { next: () => 0.5 }, { placement: { next: () => 0.3 } });
      for (const p of picks) {
        const down = p % hosts;
        a.setServiceUp(down, false); b.setServiceUp(down, false);
        for (const ram of [4096, 8192]) assert.equal(sb.select(ram, 2, down, -1, -1), sa.select(ram, 2, down, -1, -1));
        a.setServiceUp(down, true); b.setServiceUp(down, true);
      }
    },
  ), { numRuns: 60 });
});

test('property: with a limit below the host count, select agrees with the host-by-host reference (changes to one host, and to every host at once as the failure hook makes them)', () => {
  fc.assert(fc.property(
    fc.record({
      hosts: fc.integer({ min: 2, max: 300 }),
      limitShare: fc.double({ min: 0, max: 0.99, noNaN: true }),
      zones: fc.boolean(),
      ramMult: fc.constantFrom(1, -1),
      cpuMult: fc.constantFrom(1, 0, -1),
      ioMult: fc.constantFrom(-1, 0, 1),
      subset: fc.integer({ min: 1, max: 3 }),
      spares: fc.integer({ min: 0, max: 3 }),
      fill: fc.double({ min: 0.05, max: 0.97, noNaN: true }),
      ops: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 25 }),
    }),
    ({ hosts, limitShare, zones, ramMult, cpuMult, ioMult, subset, spares, fill, ops }) => {
      const limit = Math.max(1, Math.floor(limitShare * hosts));
      const half = Math.ceil(hosts / 2);
      const c = cloud({
        nova: { ram_weight_multiplier: ramMult, cpu_weight_multiplier: cpuMult, io_ops_weight_multiplier: ioMult, host_subset_size: subset, max_placement_results: limit },
        racks: [{ name: 'r', hosts: half, ram: '16GiB', vcpus: 4, availability_zone: zones ? 'a' : undefined },
          ...(hosts > half ? [{ name: 'q', hosts: hosts - half, ram: '32GiB', vcpus: 16, availability_zone: zones ? 'b' : undefined }] : [])],
        flavors: [{ name: 's', ram: '1GiB', vcpus: 1, share: 2 }, { name: 'l', ram: '6GiB', vcpus: 2, share: 1 }],
        fill,
        spare_hosts: spares,
        server_groups: { anti_affinity_share: 0.3, size: 2 },
      });
      const s = buildCloud(c, 3).state;
      const sch = new Scheduler(s, { next: () => 0.7 }, { placement: { next: () => 0.123 } });
      for (const [a, b, k] of ops) {
        const h = a % s.hostCount;
        if (k % 5 === 0) s.setServiceUp(h, !s.serviceUp[h]);
        else if (k % 5 === 1 && s.instanceCount > 0) {
          const i = b % s.instanceCount;
          const d = sch.select(s.ramMb[i], s.vcpusOf[i], s.hostOf[i], s.groupOf[i], -1, i);
          assert.equal(d, sch.selectScan(s.ramMb[i], s.vcpusOf[i], s.hostOf[i], s.groupOf[i], -1, i));
          if (d >= 0) { s.detach(i, b % 2 === 0); s.attach(i, d); s.ioEnd(i); s.ioStart(i, d); }
        } else if (k % 5 === 2 && s.instanceCount > 0) s.ioEnd(b % s.instanceCount);
        else if (k % 5 === 3) s.setEnabled(h, !s.enabled[h]);
        else if (b % 7 === 0) s.setReservedAll((a % 3) * 1024);
        else if (b % 7 === 1) s.restoreReservedAll();
        else if (b % 7 === 2) s.index!.batch(() => { s.setReservedAll(2048); s.setReserved(h, 0); });
        else s.setReserved(h, (b % 4) * 1024);
        const ram = [1024, 6144, 20000][b % 3];
        const az = zones ? (a % 3) - 1 : -1;
        assert.equal(sch.select(ram, 1, -1, -1, az), sch.selectScan(ram, 1, -1, -1, az));
        assert.equal(sch.select(ram, 2, h, -1, -1), sch.selectScan(ram, 2, h, -1, -1));
        // The counts kept for the failure hook (held-back RAM, one spare per host seen down).
        assert.equal(s.reservedSumMb, s.reservedMb.reduce((x, y) => x + y, 0));
        assert.equal(s.servicesDown, s.serviceUp.filter((x) => x === 0).length);
      }
    },
  ), { numRuns: 150 });
});

/** Placement's candidates' end for a shape's index, host by host: the position after its `limit`-th offered host. */
function referenceEnd(s: ReturnType<typeof buildCloud>['state'], hostAt: Int32Array, ramMb: number, vcpus: number, limit: number): number {
  let n = 0;
  for (let p = 0; p < s.hostCount; p++) {
    const h = hostAt[p];
    const offered = s.enabled[h] !== 0 && ramMb <= s.maxUnitMb[h] && s.ramCap[h] - (s.residentMb[h] + s.heldMb[h]) >= ramMb
      && s.vcpuCap[h] - (s.residentVcpu[h] + s.heldVcpu[h]) >= vcpus;
    if (offered && ++n === limit) return p + 1;
  }
  return s.hostCount;
}

test('property: a shape\'s candidates\' end, carried from placement to placement, equals the host-by-host count as it moves back and on over many superblocks', () => {
  fc.assert(fc.property(
    fc.record({
      hosts: fc.integer({ min: 300, max: 1400 }),
      limit: fc.integer({ min: 1, max: 400 }),
      fill: fc.double({ min: 0.3, max: 0.97, noNaN: true }),
      ops: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 5 })), { minLength: 1, maxLength: 30 }),
    }),
    ({ hosts, limit: asked, fill, ops }) => {
      const limit = Math.min(asked, hosts - 1);
      const c = cloud({
        nova: { max_placement_results: limit },
        racks: [{ name: 'r', hosts, ram: '32GiB', vcpus: 16 }],
        flavors: [{ name: 's', ram: '2GiB', vcpus: 1, share: 2 }, { name: 'l', ram: '8GiB', vcpus: 4, share: 1 }],
        fill,
      });
      const s = buildCloud(c, 5).state;
      const sch = new Scheduler(s, { next: () => 0.3 });
      const shapes = [[2048, 1], [8192, 4]] as const;
      for (const [ram, cpu] of shapes) sch.select(ram, cpu, -1, -1, -1);
      const check = (): void => {
        for (const ix of s.index!.list) {
          const sh = ix.shape!;
          assert.equal(ix.flushCandidates(limit), referenceEnd(s, ix.hostAt, sh.ramMb, sh.vcpus, limit));
        }
      };
      for (const [a, b, k] of ops) {
        const h = a % s.hostCount, span = 1 + (b % 600);
        // Whole runs of hosts change at once, so that the end jumps superblocks either way.
        if (k === 0) for (let x = h; x < Math.min(s.hostCount, h + span); x++) s.setEnabled(x, !s.enabled[x]);
        else if (k === 1) s.setReservedAll((b % 3) * 8192);
        else if (k === 2) s.restoreReservedAll();
        else if (k === 3) {
          // Instances leave a run of hosts (capacity opens before the end) or come back.
          for (let x = h; x < Math.min(s.hostCount, h + span); x++) {
            const i = s.head[x];
            if (i >= 0) s.detach(i, false);
          }
        } else if (k === 4 && s.instanceCount > 0) {
          const i = b % s.instanceCount;
          const [ram, cpu] = shapes[a % 2];
          const d = sch.select(ram, cpu, -1, -1, -1);
          assert.equal(d, sch.selectScan(ram, cpu, -1, -1, -1));
          if (d >= 0 && s.hostOf[i] < 0) s.attach(i, d);
        } else s.setServiceUp(h, !s.serviceUp[h]);
        check();
      }
    },
  ), { numRuns: 40 });
});

test('a replication is the same whichever replications ran before it on the reused state (indexes laid out again)', () => {
  const c = cloud({
    nova: { max_placement_results: 7, host_subset_size: 2 },
    racks: [{ name: 'r1', hosts: 20, ram: '64GiB', vcpus: 16 }, { name: 'r2', hosts: 20, ram: '64GiB', vcpus: 16 }],
    flavors: [{ name: 'a', ram: '4GiB', vcpus: 2, share: 2 }, { name: 'b', ram: '8GiB', vcpus: 4, share: 1 }],
    fill: 0.8,
    server_groups: { anti_affinity_share: 0.2, size: 2 },
  });
  const inp = input(c, config({ host_failures: { afr: '90%' }, rack_failures: { rate: '1/y', duration: { lognormal: { median: '2h', sigma: 0.5 } } } }));
  const run = (r: number) => evacuationStudy.replicate(inp, { replication: r, streams: new Streams(inp.seed, r) });
  const alone = run(3);
  run(1); run(2);
  assert.deepEqual(run(3), alone);
  assert.ok(alone.metrics.instances_evacuated > 0, 'the test needs evacuations');
});
