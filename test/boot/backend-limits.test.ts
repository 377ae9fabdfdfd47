import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uncontendedBootTime } from '../../sim/openstack/images/boot-time.js';
import { defaultNfsdThreads, glanceNodeLimit, nfsServerRate } from '../../sim/openstack/images/backend-limits.js';
import { cloudOf, harness, HUGE } from './fixtures.js';

// Concurrency limits of the image backends (docs/boot-and-storage.md §3), hand-worked: 100 B
// images, raw, booting on local disk with no guest work, so a boot completes (and its instance
// goes ACTIVE) the instant its download does — the logs below are the downloads' end times.

/** Boots one image on each of `n` hosts at t = 0; returns the log of [boot, time] in completion order. */
function storm(cloud: ReturnType<typeof cloudOf>, n: number): [number, number][] {
  const h = harness(cloud, n);
  for (let host = 0; host < n; host++) h.boot(host);
  h.sim.run();
  return h.booted.map((b) => [b.payload, +b.time.toFixed(9)]);
}

test('glance-api under uWSGI serves processes × threads downloads at once; the others wait whole, first come first served', () => {
  const glance = { api_nodes: 1, nic: 10, backend_read: HUGE };
  // 2 processes × 1 thread: boots 0 and 1 share the 10 B/s node (5 B/s each) and end at 20 s;
  // 2 and 3 waited 20 s, then share it and end at 40 s; 4 waited 40 s, runs alone, ends at 50 s.
  assert.deepEqual(storm(cloudOf({ glance: { ...glance, wsgi_server: 'uwsgi', uwsgi: { processes: 2 } } }), 5),
    [[0, 20], [1, 20], [2, 40], [3, 40], [4, 50]]);
  // 1 process × 2 threads is the same limit.
  assert.deepEqual(storm(cloudOf({ glance: { ...glance, wsgi_server: 'uwsgi', uwsgi: { processes: 1, threads: 2 } } }), 5),
    [[0, 20], [1, 20], [2, 40], [3, 40], [4, 50]]);
  // The eventlet server (8 workers × 1000 greenthreads) never binds five: all share, all end at 50 s.
  assert.deepEqual(storm(cloudOf({ glance }), 5), [[0, 50], [1, 50], [2, 50], [3, 50], [4, 50]]);
  // A load balancer's maxconn below the server's limit binds instead: FIFO one at a time.
  assert.deepEqual(storm(cloudOf({ glance: { ...glance, wsgi_server: 'uwsgi', uwsgi: { processes: 2 }, max_concurrent_downloads: 1 } }), 5),
    [[0, 10], [1, 20], [2, 30], [3, 40], [4, 50]]);
});

test('glance-api node limit: the smaller of the WSGI server\'s and the load balancer\'s', () => {
  assert.equal(glanceNodeLimit(cloudOf({})), 8000); // eventlet: 8 workers × 1000 greenthreads
  assert.equal(glanceNodeLimit(cloudOf({ glance: { workers: 2 } })), 2000);
  assert.equal(glanceNodeLimit(cloudOf({ glance: { wsgi_server: 'uwsgi' } })), 4); // glance's sample uwsgi.ini: 4 processes, no threads
  assert.equal(glanceNodeLimit(cloudOf({ glance: { wsgi_server: 'uwsgi', uwsgi: { processes: 3, threads: 4 } } })), 12);
  assert.equal(glanceNodeLimit(cloudOf({ glance: { max_concurrent_downloads: 300 } })), 300);
  assert.equal(glanceNodeLimit(cloudOf({ glance: { wsgi_server: 'uwsgi', max_concurrent_downloads: 300 } })), 4);
});

test('nfsd threads by nfs-utils version: 8 before 2.8.2, 16 from it', () => {
  assert.equal(defaultNfsdThreads('2.6.4'), 8);
  assert.equal(defaultNfsdThreads('2.8.1'), 8);
  assert.equal(defaultNfsdThreads('2.8.2'), 16);
  assert.equal(defaultNfsdThreads('2.9'), 16);
  assert.equal(defaultNfsdThreads('1.3.0'), 8);
});

test('NFS server: streams share it; busy nfsd threads cap its rate at threads × rsize ÷ rpc_time', () => {
  const base = { nova: { release: 'kilo' }, image_transfer: 'nfs-direct', glance: { api_nodes: 1, nic: HUGE, backend_read: HUGE, store: 'nfs' } };
  const nfs = (patch: Record<string, unknown>) => cloudOf({ ...base, nfs: { server_bandwidth: 100, rsize: 2, ...patch } });
  // Page cache (rpc_time 0): only the 100 B/s bandwidth binds; two 100 B copies at 50 B/s end at 2 s.
  assert.deepEqual(storm(nfs({}), 2), [[0, 2], [1, 2]]);
  // READs of 2 B taking 1 s each: 8 threads (nfs-utils 2.6.4) complete 8 a second, 16 B/s;
  // the two copies share it (8 B/s each, no whole-stream queue) and end together at 12.5 s.
  assert.deepEqual(storm(nfs({ rpc_time: '1s' }), 2), [[0, 12.5], [1, 12.5]]);
  // nfs-utils 2.8.2: 16 threads, 32 B/s, 6.25 s; `threads: 4` overrides: 8 B/s, 25 s.
  assert.deepEqual(storm(nfs({ rpc_time: '1s', nfs_utils: '2.8.2' }), 2), [[0, 6.25], [1, 6.25]]);
  assert.deepEqual(storm(nfs({ rpc_time: '1s', threads: 4 }), 2), [[0, 25], [1, 25]]);
  // The bandwidth still binds when the threads would allow more: 64 threads × 2 B ÷ 1 s = 128 B/s > 100.
  assert.equal(nfsServerRate(nfs({ rpc_time: '1s', threads: 64 })), 100);
  // The closed form of one boot agrees with the simulation: 100 B at 16 B/s.
  const one = nfs({ rpc_time: '1s' });
  assert.deepEqual(storm(one, 1), [[0, 6.25]]);
  assert.equal(uncontendedBootTime(one, 0, { cpuSeconds: 0 }), 6.25);
});
