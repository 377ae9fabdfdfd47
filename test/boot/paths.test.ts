import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uncontendedBootTime } from '../../sim/openstack/images/boot-time.js';
import { cloudOf, harness, close, HUGE } from './fixtures.js';

// One boot on an idle cloud, hand-worked per path (docs/openstack-facts.md §2, §9.1, §9.2), and checked
// against the closed form the evacuation study can use.
const qcow = { name: 'q', size: 100, virtual_size: 400, format: 'qcow2', boot: { cpu: '5s', read: 600 } };
const raw = { name: 'r', size: 400, virtual_size: 400, format: 'raw', boot: { cpu: '5s', read: 600 } };
const node = { nic: 50, disk_write: 100, convert_throughput: 25 };
const glance = { api_nodes: 1, nic: 20, backend_read: 40 };
const ceph = { osds: 3, osd_size: '1TiB', network: 100 };

function single(cloud: ReturnType<typeof cloudOf>, cpu: number, clone = 0): number {
  const h = harness(cloud);
  const p = h.boot(0, 0, cpu, clone);
  h.sim.run();
  return h.timeOf(p);
}

test('glance HTTP, local disk, qcow2: download at the slowest hop, convert, boot', () => {
  const cloud = cloudOf({ compute_node: node, glance, images: [qcow] });
  // 100 B at min(NIC 50, disk 100, glance NIC 20, store 40) = 20 → 5 s; convert 100/25 = 4 s;
  // guest: reads 600 B / disk 100 B/s = 6 s, THEN init 7 CPU-s = 13 s.
  assert.equal(single(cloud, 7), 22);
  assert.equal(uncontendedBootTime(cloud, 0, { cpuSeconds: 7 }), 22);
  // force_raw_images = false: no conversion.
  const noRaw = cloudOf({ compute_node: { ...node, force_raw_images: false }, glance, images: [qcow] });
  assert.equal(single(noRaw, 7), 18);
});

test('NFS direct fetch: cp from the NFS server, no glance-api hop', () => {
  const cloud = cloudOf({ nova: { release: 'kilo' }, image_transfer: 'nfs-direct', compute_node: node,
    glance: { ...glance, store: 'nfs' }, nfs: { server_bandwidth: 80 }, images: [qcow] });
  // 100 B at min(50, 100, NFS 80) = 50 → 2 s; convert 4 s; guest 6 + 7 s.
  assert.equal(single(cloud, 7), 19);
  assert.equal(uncontendedBootTime(cloud, 0, { cpuSeconds: 7 }), 19);
});

test('NFS direct fetch that fails falls back to the Glance HTTP download', () => {
  const base = { nova: { release: 'kilo' }, image_transfer: 'nfs-direct', compute_node: node,
    glance: { ...glance, store: 'nfs' }, images: [qcow] };
  const always = cloudOf({ ...base, nfs: { server_bandwidth: 80, fallback_probability: 1 } });
  const h = harness(always);
  const p = h.boot(0, 0, 7);
  h.sim.run();
  // Glance: 100 B at min(50, glance NIC 20, store = NFS 80) = 20 → 5 s, + 4 + 6 + 7.
  assert.equal(h.timeOf(p), 22);
  assert.equal(h.model.nfsFallbacks, 1);
  // A fraction p of NFS downloads falls back (one draw per download).
  const some = cloudOf({ ...base, nfs: { server_bandwidth: 80, fallback_probability: 0.3 } });
  const g = harness(some, 2000);
  for (let i = 0; i < 2000; i++) g.boot(i);
  g.sim.run();
  assert.equal(g.model.downloads, 2000);
  assert.ok(Math.abs(g.model.nfsFallbacks / 2000 - 0.3) < 0.04, `fallback fraction ${g.model.nfsFallbacks / 2000}`);
});

test('RBD: a raw image in the same cluster is cloned (no download); a qcow2 one is downloaded, converted and imported', () => {
  const rbdGlance = { ...glance, store: 'rbd', show_image_direct_url: true };
  const clone = cloudOf({ ephemeral_storage: 'rbd', compute_node: node, glance: rbdGlance, ceph, images: [raw] });
  // clone 2 s, then guest reads 600 B over Ceph at min(NIC 50, network 100) = 12 s, then init 5 s.
  const h = harness(clone);
  const p = h.boot(0, 0, 5, 2);
  h.sim.run();
  assert.equal(h.timeOf(p), 19);
  assert.equal(h.model.bytesDownloaded, 0);
  assert.equal(h.model.bootsWithoutDownload, 1);
  assert.equal(h.model.bytesTransferred, 600);
  assert.equal(uncontendedBootTime(clone, 0, { cpuSeconds: 5, cloneLatency: 2 }), 19);

  const imported = cloudOf({ ephemeral_storage: 'rbd', compute_node: node, glance: rbdGlance, ceph, images: [qcow] });
  // download 100 B at min(50, 20, store = Ceph 100) = 20 → 5 s; convert 4 s; sparse rbd import of
  // the image's 100 B of data (not its 400 B virtual size) at min(NIC 50, Ceph 100) = 2 s; guest 17 s.
  assert.equal(single(imported, 5, 2), 28);
  assert.equal(uncontendedBootTime(imported, 0, { cpuSeconds: 5 }), 28);
  // data_size says how much of the raw image is data: 250 B → import 5 s.
  const dense = cloudOf({ ephemeral_storage: 'rbd', compute_node: node, glance: rbdGlance, ceph, images: [{ ...qcow, data_size: 250 }] });
  assert.equal(single(dense, 5, 2), 31);
  assert.equal(uncontendedBootTime(dense, 0, { cpuSeconds: 5 }), 31);
  // A raw image with instance disks on RBD but glance on its own store: not cloneable either.
  const elsewhere = cloudOf({ ephemeral_storage: 'rbd', compute_node: node, glance, ceph, images: [raw] });
  // 400 B at 20 → 20 s; raw: no convert; import 400 B of data 8 s; guest 17 s.
  assert.equal(single(elsewhere, 5, 2), 45);
  // show_image_direct_url off (glance's default): nova sees no location, downloads and imports.
  const hidden = cloudOf({ ephemeral_storage: 'rbd', compute_node: node, glance: { ...glance, store: 'rbd' }, ceph, images: [raw] });
  // 400 B at min(50, 20, Ceph 100) = 20 → 20 s; import 8 s; guest 17 s.
  assert.equal(single(hidden, 5, 2), 45);
  assert.equal(uncontendedBootTime(hidden, 0, { cpuSeconds: 5, cloneLatency: 2 }), 45);
});

test('glance-api image cache: the first GET on a node fills it, later GETs skip the store; concurrent misses all read the store', () => {
  const cloud = (cache: boolean, nodes = 1) => cloudOf({ glance: { api_nodes: nodes, nic: HUGE, backend_read: 10, image_cache: cache } });
  const h = harness(cloud(true));
  const a = h.boot(0), b = h.boot(1);
  let c = -1;
  h.at(30, () => { c = h.boot(2); });
  h.sim.run();
  // Two misses share the 10 B/s store: 100 B each, both done at 20 s; the third is a hit.
  assert.deepEqual([h.timeOf(a), h.timeOf(b)], [20, 20]);
  assert.ok(close(h.timeOf(c), 30), `cache hit took ${h.timeOf(c) - 30}`);
  assert.equal(h.model.link('glance-store')!.bytesDone, 200);

  const off = harness(cloud(false));
  off.boot(0); off.boot(1);
  off.at(30, () => off.boot(2));
  off.sim.run();
  assert.equal(off.model.link('glance-store')!.bytesDone, 300);

  // Two api nodes, requests round-robin: the second GET lands on the other node, a miss there.
  const two = harness(cloud(true, 2));
  two.boot(0);
  two.at(30, () => two.boot(1));
  two.at(60, () => two.boot(2));
  two.sim.run();
  assert.equal(two.model.link('glance-store')!.bytesDone, 200);
});

test('guest boot: CPU work shares the host cores (one core each at most), reads share the local disk', () => {
  // 2 cores, 4 guests of 10 CPU-seconds from a cached base: processor sharing over 2 cores, all
  // done at 4·10/2 = 20 s. Read 600 B each on a 100 B/s disk: 24 s together, so the reads bind.
  const cloud = cloudOf({ compute_node: { nic: HUGE, disk_write: 100, convert_throughput: HUGE },
    images: [{ name: 'i', size: 1, virtual_size: 1, format: 'raw', boot: { cpu: 0, read: 0 } }] });
  const h = harness(cloud, 1, 1, 2);
  const ids = [0, 1, 2, 3].map(() => h.boot(0, 0, 10));
  h.sim.run();
  // The 1 B download takes 0.01 s at the disk cap; then 4 × 10 CPU-s over 2 cores.
  for (const p of ids) assert.ok(close(h.timeOf(p), 20.01), `done at ${h.timeOf(p)}`);
  const alone = harness(cloud, 1, 1, 2);
  const one = alone.boot(0, 0, 10);
  alone.sim.run();
  assert.ok(close(alone.timeOf(one), 10.01), 'a lone guest uses one core, not both');
  const reads = cloudOf({ compute_node: { nic: HUGE, disk_write: 100, convert_throughput: HUGE },
    images: [{ name: 'i', size: 1, virtual_size: 1, format: 'raw', boot: { cpu: 0, read: 600 } }] });
  const g = harness(reads, 1, 1, 2);
  const r = [0, 1, 2, 3].map(() => g.boot(0, 0, 10));
  g.sim.run();
  // Download 1 B at 100 B/s disk cap = 0.01 s, then 4 reads of 600 B share 100 B/s: 24 s, and
  // only then init: 4 × 10 CPU-s over 2 cores, 20 s more (stages in order, no overlap).
  for (const p of r) assert.ok(close(g.timeOf(p), 44.01), `done at ${g.timeOf(p)}`);
});

test("a host's NIC is shared by its guests reading from Ceph and by its concurrent downloads", () => {
  // 4 clones on one host: each read of 600 B is capped at the NIC (50 B/s) on the Ceph network
  // (capacity 1000 B/s, far from full), but the four share the host's 50 B/s NIC: 4·600/50 = 48 s.
  const cloud = cloudOf({ ephemeral_storage: 'rbd', compute_node: node, glance: { ...glance, store: 'rbd', show_image_direct_url: true },
    ceph: { ...ceph, network: 1000 }, images: [raw] });
  const h = harness(cloud, 4);
  const one = [0, 1, 2, 3].map(() => h.boot(0, 0, 1, 0));
  const spread = [1, 2, 3].map((host) => h.boot(host, 0, 1, 0));
  h.sim.run();
  // Reads, then 1 CPU-s of init each (8 cores: one core each).
  for (const p of one) assert.ok(close(h.timeOf(p), 49), `same host: ${h.timeOf(p)}`);
  for (const p of spread) assert.ok(close(h.timeOf(p), 13), `own host: ${h.timeOf(p)}`);
  // Two different images downloaded at once on one host share its NIC (50 B/s): 2·100/50 = 4 s,
  // where two hosts would each take 100/50 = 2 s.
  const two = cloudOf({ compute_node: { nic: 50, disk_write: HUGE, convert_throughput: HUGE }, glance: { api_nodes: 1, nic: HUGE, backend_read: HUGE },
    images: [{ ...raw, name: 'a', size: 100, boot: { cpu: 0, read: 0 } }, { ...raw, name: 'b', size: 100, boot: { cpu: 0, read: 0 } }] });
  const g = harness(two, 2);
  const a = g.boot(0, 0), b = g.boot(0, 1), c = g.boot(1, 0);
  g.sim.run();
  assert.deepEqual([g.timeOf(a), g.timeOf(b), g.timeOf(c)], [4, 4, 2]);
});

test('downloads write into _base through the host disk, shared with conversions and local guest reads', () => {
  // Disk 100 B/s, everything else unbounded: two 100 B downloads on one host take 2 s together,
  // on two hosts 1 s each; a guest reading 100 B from local disk during a download shares it too.
  const images = ['a', 'b'].map((name) => ({ name, size: 100, virtual_size: 100, format: 'raw', boot: { cpu: 0, read: 0 } }));
  const cloud = cloudOf({ compute_node: { nic: HUGE, disk_write: 100, convert_throughput: HUGE }, images });
  const h = harness(cloud, 2);
  const a = h.boot(0, 0), b = h.boot(0, 1), c = h.boot(1, 0);
  h.sim.run();
  assert.deepEqual([h.timeOf(a), h.timeOf(b), h.timeOf(c)], [2, 2, 1]);
  const reader = cloudOf({ compute_node: { nic: HUGE, disk_write: 100, convert_throughput: HUGE },
    images: [{ ...images[0], boot: { cpu: 0, read: 100 } }, images[1]] });
  const g = harness(reader, 1);
  const first = g.boot(0, 0); // download 1 s alone, then reads 100 B
  let dl = -1;
  g.at(1, () => { dl = g.boot(0, 1); }); // downloads b while the guest of `first` reads: both at 50 B/s
  g.sim.run();
  assert.deepEqual([g.timeOf(first), g.timeOf(dl)], [3, 3]);
});

test('glance-api max_concurrent_downloads: beyond the limit downloads wait in FIFO order instead of sharing the node', () => {
  const cloud = (limit?: number) => cloudOf({ glance: { api_nodes: 1, nic: 10, backend_read: HUGE, ...(limit ? { max_concurrent_downloads: limit } : {}) } });
  // Three 100 B downloads on three hosts through one 10 B/s node.
  const shared = harness(cloud());
  const s = [0, 1, 2].map((host) => shared.boot(host));
  shared.sim.run();
  assert.deepEqual(s.map((p) => +shared.timeOf(p).toFixed(9)), [30, 30, 30]);
  const one = harness(cloud(1));
  const o = [0, 1, 2].map((host) => one.boot(host));
  one.sim.run();
  assert.deepEqual(o.map((p) => +one.timeOf(p).toFixed(9)), [10, 20, 30]);
  const two = harness(cloud(2));
  const t = [0, 1, 2].map((host) => two.boot(host));
  two.sim.run();
  assert.deepEqual(t.map((p) => +two.timeOf(p).toFixed(9)), [20, 20, 30]);
});
