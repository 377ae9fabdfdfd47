import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ABSENT, PRESENT } from '../../sim/openstack/image-cache.js';
import { uncontendedBootTime } from '../../sim/openstack/boot-time.js';
import { cloudOf, harness, close, HUGE } from './fixtures.js';

// openstack-facts §9.1 (_base cache, per-image lock, cache manager) and §8.3 (build semaphore).
// Image of 100 B through a glance-api NIC of 10 B/s: a download takes 10 s.
const slowGlance = (patch: Record<string, unknown> = {}) => cloudOf({ glance: { api_nodes: 1, nic: 10, backend_read: HUGE }, ...patch });

test('a second boot of the same image on the same host downloads nothing', () => {
  const h = harness(slowGlance());
  const first = h.boot(0);
  let second = -1, other = -1;
  h.at(20, () => { second = h.boot(0); other = h.boot(1); });
  h.sim.run();
  assert.equal(h.timeOf(first), 10);
  assert.equal(h.timeOf(second), 20, 'base in _base: no download');
  assert.equal(h.timeOf(other), 30, 'another host has its own cache');
  assert.equal(h.model.downloads, 2);
  assert.equal(h.model.bytesDownloaded, 200);
  assert.equal(h.model.bootsWithoutDownload, 1);
});

test('concurrent boots of one image on one host download (and convert) it once', () => {
  const h = harness(slowGlance({
    compute_node: { nic: HUGE, disk_write: HUGE, convert_throughput: 50 },
    images: [{ name: 'q', size: 100, virtual_size: 400, format: 'qcow2', boot: { cpu: 0, read: 0 } }],
  }));
  const ids = [0, 1, 2, 3, 4].map(() => h.boot(0));
  h.sim.run();
  assert.equal(h.model.downloads, 1);
  assert.equal(h.model.bytesDownloaded, 100);
  assert.equal(h.model.bootsWithoutDownload, 4, 'four boots waited on the image lock');
  // 10 s download + 100 B / 50 B/s convert, once, for everyone.
  for (const p of ids) assert.equal(h.timeOf(p), 12);
});

test('cache manager: an unused base goes at the first pass (every 2400 s) once unused for 86400 s', () => {
  const h = harness(slowGlance());
  const pair = h.model.cache.pair(0, 0);
  let b0 = -1;
  h.at(0, () => { b0 = h.model.boot(0, 0, 0, 0, h.sim.register({ fire: () => {} }), 0); });
  h.boot(1); // host 1 keeps its instance: its base stays for good
  h.at(1000, () => h.model.deleteInstance(b0));
  const seen: [number, number][] = [];
  for (const t of [86400.5, 88799.5, 88800.5]) h.at(t, () => seen.push([t, h.model.cache.state[pair]]));
  let again = -1;
  h.at(90000, () => { again = h.boot(0); });
  h.sim.run(10 * 86400);
  // Unused since t = 1000: age at the pass of 86400 s is 85400 (kept), at 88800 s it is 87800 (removed).
  assert.deepEqual(seen, [[86400.5, PRESENT], [88799.5, PRESENT], [88800.5, ABSENT]]);
  assert.equal(h.model.cache.evictions, 1);
  assert.equal(h.timeOf(again), 90010, 'evicted base is downloaded again');
  assert.equal(h.model.cache.state[h.model.cache.pair(1, 0)], PRESENT, 'an in-use base is never removed');
  assert.equal(h.model.downloads, 3);
});

test('cache manager: using a base again restarts its age', () => {
  const h = harness(slowGlance());
  const pair = h.model.cache.pair(0, 0);
  const noop = h.sim.register({ fire: () => {} });
  let b = -1;
  h.at(0, () => { b = h.model.boot(0, 0, 0, 0, noop, 0); });
  h.at(1000, () => h.model.deleteInstance(b));
  h.at(50000, () => { b = h.model.boot(0, 0, 0, 0, noop, 0); });
  h.at(50001, () => h.model.deleteInstance(b));
  const seen: number[] = [];
  h.at(88801, () => seen.push(h.model.cache.state[pair]));
  h.at(136799, () => seen.push(h.model.cache.state[pair]));
  h.at(136801, () => seen.push(h.model.cache.state[pair]));
  h.sim.run();
  // Last use at 50001: removed at the first pass with age >= 86400, 57 · 2400 = 136800 s.
  assert.deepEqual(seen, [PRESENT, PRESENT, ABSENT]);
  assert.equal(h.model.downloads, 1);
});

test('max_concurrent_builds: the third build on a host waits for a slot; rebuilds bypass it', () => {
  // Three images; downloads go round-robin to three glance-api nodes of 10 B/s each: 10 s each.
  const images = ['a', 'b', 'c'].map((name) => ({ name, size: 100, virtual_size: 100, format: 'raw', boot: { cpu: 0, read: 0 } }));
  const cloud = cloudOf({ compute_node: { nic: HUGE, disk_write: HUGE, convert_throughput: HUGE, max_concurrent_builds: 2 },
    glance: { api_nodes: 3, nic: 10, backend_read: HUGE }, images });
  const h = harness(cloud);
  const a = h.boot(0, 0), b = h.boot(0, 1), c = h.boot(0, 2);
  h.sim.run();
  assert.deepEqual([h.timeOf(a), h.timeOf(b), h.timeOf(c)], [10, 10, 20]);
  const g = harness(cloud);
  g.boot(0, 0); g.boot(0, 1);
  const rebuild = g.boot(0, 2, 0, 0, false);
  g.sim.run();
  assert.equal(g.timeOf(rebuild), 10, 'rebuild_instance is not under the build semaphore (§8.3)');
});

test('the build slot is released when the domain starts, before the guest OS has booted', () => {
  // One slot; download 10 s; guest boot 30 CPU-seconds. B gets the slot at 10 and boots 10-40.
  const cloud = slowGlance({ compute_node: { nic: HUGE, disk_write: HUGE, convert_throughput: HUGE, max_concurrent_builds: 1 } });
  const h = harness(cloud);
  const a = h.boot(0, 0, 30), b = h.boot(0, 0, 30);
  h.sim.run();
  assert.deepEqual([h.timeOf(a), h.timeOf(b)], [40, 40]);
});

test('property: without evictions each (host, image) is downloaded once, and no boot beats its idle-cloud time', () => {
  const images = [100, 250, 40].map((size, i) => ({ name: `i${i}`, size, virtual_size: size * 2, format: i === 1 ? 'raw' : 'qcow2', boot: { cpu: 0, read: size } }));
  const cloud = cloudOf({
    glance: { api_nodes: 2, nic: 30, backend_read: 45 },
    compute_node: { nic: 20, disk_write: 60, convert_throughput: 25, max_concurrent_builds: 3 },
    images,
  });
  fc.assert(fc.property(
    fc.array(fc.record({ host: fc.integer({ min: 0, max: 3 }), image: fc.integer({ min: 0, max: 2 }), at: fc.integer({ min: 0, max: 40 }), cpu: fc.integer({ min: 0, max: 9 }) }), { minLength: 1, maxLength: 30 }),
    (boots) => {
      const h = harness(cloud);
      const ids: number[] = [];
      boots.forEach((x, i) => h.at(x.at, () => { ids[i] = h.boot(x.host, x.image, x.cpu); }));
      h.sim.run();
      const pairs = new Set(boots.map((x) => `${x.host}/${x.image}`));
      assert.equal(h.booted.length, boots.length);
      assert.equal(h.model.downloads, pairs.size);
      let bytes = 0;
      for (const p of pairs) bytes += images[Number(p.split('/')[1])].size;
      assert.equal(h.model.bytesDownloaded, bytes);
      boots.forEach((x, i) => {
        const floor = uncontendedBootTime(cloud, x.image, { cpuSeconds: x.cpu, cached: true });
        assert.ok(h.timeOf(ids[i]) - x.at >= floor * (1 - 1e-9), `boot ${i} took ${h.timeOf(ids[i]) - x.at} < ${floor}`);
      });
      assert.ok(close(h.model.bytesTransferred, bytes));
    },
  ), { numRuns: 150 });
});

test('remove_unused_base_images = false: an unused base stays for good', () => {
  const h = harness(slowGlance({ image_cache_manager: { remove_unused_base_images: false } }));
  const noop = h.sim.register({ fire: () => {} });
  let b = -1;
  h.at(0, () => { b = h.model.boot(0, 0, 0, 0, noop, 0); });
  h.at(1000, () => h.model.deleteInstance(b));
  let again = -1;
  h.at(10 * 86400, () => { again = h.boot(0); });
  h.sim.run();
  assert.equal(h.model.cache.evictions, 0);
  assert.equal(h.timeOf(again), 10 * 86400);
  assert.equal(h.model.downloads, 1);
});
