import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation } from '../../sim/engine/simulation.js';
import { ABSENT, BaseImageCache, FETCHING, PRESENT } from '../../sim/openstack/images/image-cache.js';
import { uncontendedBootTime } from '../../sim/openstack/images/boot-time.js';
import { cloudOf, harness, close, HUGE } from './fixtures.js';

// docs/openstack-facts.md §9.1 (_base cache, per-image lock, cache manager) and §8.3 (build semaphore).
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
  h.at(0, () => { b0 = h.model.boot(0, 0, 0, 0, h.sim.addHandler('noop', () => {}), 0); });
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
  const noop = h.sim.addHandler('noop', () => {});
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
  const noop = h.sim.addHandler('noop', () => {});
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

/**
 * The cache manager as first written: every pass scans every (host, image) pair. The queue-based
 * BaseImageCache must remove exactly the same bases at exactly the same passes.
 */
class FullScanCache {
  readonly state: Uint8Array;
  readonly inUse: Int32Array;
  readonly lastUsed: Float64Array;
  evictions = 0;
  idle = 0;
  passes: number[] = [];
  private pending = false;
  private readonly id: number;
  constructor(private readonly sim: Simulation, n: number, private readonly interval: number, private readonly removeAfter: number) {
    this.state = new Uint8Array(n);
    this.inUse = new Int32Array(n);
    this.lastUsed = new Float64Array(n);
    this.id = sim.addHandler('reference-pass', () => this.pass());
  }
  use(p: number): void {
    if (this.inUse[p]++ === 0 && this.state[p] === PRESENT) this.idle--;
    this.lastUsed[p] = this.sim.now;
  }
  unuse(p: number): void {
    this.lastUsed[p] = this.sim.now;
    if (--this.inUse[p] === 0 && this.state[p] === PRESENT) this.becameIdle();
  }
  markPresent(p: number): void {
    this.state[p] = PRESENT;
    this.lastUsed[p] = Math.max(this.lastUsed[p], this.sim.now);
    if (this.inUse[p] === 0) this.becameIdle();
  }
  private becameIdle(): void {
    this.idle++;
    if (!this.pending) { this.pending = true; this.sim.at((Math.floor(this.sim.now / this.interval) + 1) * this.interval, this.id); }
  }
  private pass(): void {
    this.passes.push(this.sim.now);
    for (let p = 0; p < this.state.length; p++) {
      if (this.state[p] !== PRESENT || this.inUse[p] > 0) continue;
      if (this.sim.now - this.lastUsed[p] >= this.removeAfter) { this.state[p] = ABSENT; this.evictions++; this.idle--; }
    }
    if (this.idle > 0) this.sim.schedule(this.interval, this.id);
    else this.pending = false;
  }
}

test('property: the unused queue removes the same bases at the same passes as a scan of every (host, image) pair', () => {
  // 3 hosts × 2 images; pass every 10 s, removal after 30 s unused; times on a 0.25 s grid so
  // ages of exactly 30 s and operations at a pass's own time (before or after it) are common.
  const hosts = 3, images = 2, n = hosts * images;
  const op = fc.record({
    kind: fc.constantFrom('boot', 'delete', 'place'),
    pair: fc.integer({ min: 0, max: n - 1 }),
    at: fc.integer({ min: 0, max: 800 }).map((q) => q / 4),
    fetch: fc.integer({ min: 0, max: 60 }).map((q) => q / 4),
    priority: fc.constantFrom(-1, 1),
  });
  fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
    const sim = new Simulation();
    const fast = new BaseImageCache(sim, hosts, images, 10, 30);
    const ref = new FullScanCache(sim, n, 10, 30);
    const checks: string[] = [];
    const same = (when: string) => {
      assert.deepEqual(Array.from(fast.state), Array.from(ref.state), `${when}: states differ`);
      assert.equal(fast.evictions, ref.evictions, `${when}: evictions`);
      assert.equal(fast.idle, ref.idle, `${when}: idle`);
      checks.push(when);
    };
    const present = sim.addHandler('present', (p: number) => { same(`before markPresent ${p} at ${sim.now}`); fast.markPresent(p); ref.markPresent(p); });
    const act = sim.addHandler('act', (k: number) => {
      const o = ops[k], p = o.pair;
      same(`before op ${k} at ${sim.now}`);
      if (o.kind === 'delete') {
        if (ref.inUse[p] === 0) return;
        fast.unuse(p); ref.unuse(p);
      } else {
        fast.use(p); ref.use(p);
        if (ref.state[p] !== ABSENT) return;
        if (o.kind === 'place') { fast.markPresent(p); ref.markPresent(p); return; } // local-rebuild's place()
        fast.state[p] = FETCHING; ref.state[p] = FETCHING; // boot-model: fetch under the image lock
        sim.schedule(o.fetch, present, p);
      }
    });
    ops.forEach((o, k) => sim.at(o.at, act, k, o.priority));
    sim.run();
    same('end');
    assert.ok(fast.queued <= ops.length * 2, 'queue entries come only from bases becoming unused');
  }), { numRuns: 400 });
});

test('the unused queue: a base used again keeps its stale entry until it reaches the front, and is not removed by it', () => {
  const sim = new Simulation();
  const c = new BaseImageCache(sim, 1, 1, 10, 30);
  const step = sim.addHandler('step', (k: number) => {
    if (k === 0) { c.use(0); c.markPresent(0); c.unuse(0); } // t = 0: unused, queued with stamp 0
    if (k === 1) { c.use(0); c.unuse(0); } // t = 25: used again, queued with stamp 25
  });
  sim.at(0, step, 0);
  sim.at(25, step, 1);
  const seen: [number, number, number][] = [];
  const look = sim.addHandler('look', () => seen.push([sim.now, c.state[0], c.queued]));
  for (const t of [30.5, 50.5, 60.5]) sim.at(t, look);
  sim.run();
  // Pass at 30: the stamp-0 entry is old enough but stale (last use 25): dropped, base kept.
  // Pass at 50: age 25, kept. Pass at 60: age 35, removed.
  assert.deepEqual(seen, [[30.5, PRESENT, 1], [50.5, PRESENT, 1], [60.5, ABSENT, 0]]);
  assert.equal(c.evictions, 1);
  assert.equal(c.idle, 0, 'nothing left for a pass: the manager stops');
});
