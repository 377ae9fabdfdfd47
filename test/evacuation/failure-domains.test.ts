import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from '../../sim/engine/simulation.js';
import { Deterministic } from '../../sim/random/distributions.js';
import { Streams } from '../../sim/random/streams.js';
import { FailureProcess, type DomainConfig } from '../../sim/openstack/nova/failures.js';
import { evacuationStudy } from '../../sim/studies/evacuation.js';
import { cloud, config, input } from './fixtures.js';

const H = 3600;

/** The failure process alone: 4 racks of `perRack` hosts, only the given domains; each host-down logged as [t, h]. */
function runDomains(perRack: number, domains: DomainConfig[], horizon: number, seed = 3) {
  const sim = new Simulation();
  const starts = Int32Array.from([0, perRack, 2 * perRack, 3 * perRack, 4 * perRack]);
  const downs: [number, number][] = [];
  const fp = new FailureProcess(sim, 4 * perRack, starts, {
    timeToFailure: undefined, repair: new Deterministic(H), repairCrews: Infinity, rackRate: 0, rackDuration: undefined, domains,
  }, new Streams(seed, 0), { hostDown(h) { downs.push([sim.now, h]); }, hostUp() {} });
  fp.start();
  sim.run(horizon);
  fp.advance();
  return { fp, downs };
}

const pdu = (over: Partial<DomainConfig> = {}): DomainConfig => ({
  name: 'pdu', racks: 2, rate: 1 / H, duration: new Deterministic(H), hostShare: 1, stagger: 0, ...over,
});

test('power domain over two racks: every event takes down the 4 hosts of racks 1–2 or of racks 3–4 at one instant', () => {
  const { fp, downs } = runDomains(2, [pdu()], 2000 * H);
  const byTime = new Map<number, number[]>();
  for (const [t, h] of downs) byTime.set(t, [...(byTime.get(t) ?? []), h]);
  for (const hosts of byTime.values()) {
    const sorted = hosts.sort((a, b) => a - b);
    assert.ok(JSON.stringify(sorted) === '[0,1,2,3]' || JSON.stringify(sorted) === '[4,5,6,7]', JSON.stringify(sorted));
  }
  // Each PDU alternates exp(mean 1 h) up and 1 h down: half the time down ⇒ 8 × 0.5 = 4 hosts down on average.
  assert.ok(Math.abs(fp.meanHostsDown() - 4) < 0.2, `${fp.meanHostsDown()}`);
  assert.equal(fp.domainEvents[0], byTime.size);
  // P(≥ 8 down) = both PDUs down = 0.25
  assert.ok(Math.abs(fp.probAtLeast(8) - 0.25) < 0.02, `${fp.probAtLeast(8)}`);
});

test('partial-rack event: half of a 4-host rack, chosen at random, goes down', () => {
  const { downs } = runDomains(4, [pdu({ name: 'half-rack', racks: 1, hostShare: 0.5 })], 500 * H);
  const byTime = new Map<number, number[]>();
  for (const [t, h] of downs) byTime.set(t, [...(byTime.get(t) ?? []), h]);
  const seen = new Set<number>();
  for (const hosts of byTime.values()) {
    assert.equal(hosts.length, 2);
    assert.equal(Math.floor(hosts[0] / 4), Math.floor(hosts[1] / 4), 'same rack');
    hosts.forEach((h) => seen.add(h));
  }
  assert.equal(seen.size, 16, 'every host is chosen sometimes');
});

test('staggered event: hosts go down within 10 minutes of the event, one by one; burst share 1 with a 1 h window, 0 with 1 ms', () => {
  const { fp, downs } = runDomains(2, [pdu({ rate: 1 / (1000 * H), stagger: 600 })], 20000 * H);
  assert.ok(fp.domainEvents[0] > 5);
  const times = downs.map(([t]) => t);
  assert.equal(new Set(times).size, times.length, 'no two hosts at the same instant');
  assert.equal(fp.burstShare(H), 1);
  assert.equal(fp.burstShare(0.001), 0);
  // every host of an event is down ≤ 1 h and ≥ 50 min
  assert.ok(fp.downArea / downs.length <= H && fp.downArea / downs.length >= H - 600);
});

test('study: failure_domains in the scenario, the same events in every design (common random numbers)', () => {
  const base = { racks: [{ name: 'r1', hosts: 4, ram: '64GiB', vcpus: 16 }, { name: 'r2', hosts: 4, ram: '64GiB', vcpus: 16 }], flavors: [{ name: 'm', ram: '4GiB', vcpus: 1, share: 1 }], fill: 0.5 };
  const cfg = config({ host_failures: { afr: '0%' }, failure_domains: [{ name: 'pdu', racks: 2, rate: '2/y', duration: '2h', stagger: '5m' }] });
  const a = evacuationStudy.replicate(input(cloud(base), cfg), { replication: 1, streams: new Streams(7, 1) });
  const b = evacuationStudy.replicate(input(cloud({ ...base, nova: { reserved_host_memory_mb: 8192 } }), cfg), { replication: 1, streams: new Streams(7, 1) });
  for (const m of ['mean_hosts_down', 'max_hosts_down', 'failure_burst_share'] as const) assert.equal(a.metrics[m], b.metrics[m], m);
  assert.equal(a.metrics.max_hosts_down, 8);
  assert.equal(a.metrics.failure_burst_share, 1);
});
