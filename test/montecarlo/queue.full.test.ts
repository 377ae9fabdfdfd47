import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';

// Queue mode against a real redis-server (Debian package), started here on a loopback port and
// stopped by PID. On CI the server must be there: a missing one fails the file instead of skipping.
const CLI = 'dist/sim/cli/headroom.js';
const HEAVY = 'test/fixtures/distributed/queue-heavy.yaml';
const TINY = 'test/fixtures/distributed/tiny.yaml';
const hasRedis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasRedis && process.env.CI === 'true') throw new Error('redis-server is not installed (apt-get install redis-server; .ci/run installs it)');
const skip = hasRedis ? false : 'redis-server not installed (apt-get install redis-server)';

let server: ChildProcess | undefined;
let url = '';

before(async () => {
  if (!hasRedis) return;
  for (let attempt = 0; attempt < 5 && !url; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = await new Promise<boolean>((resolve) => {
      let out = '';
      child.stdout!.on('data', (d) => { out += d; if (/Ready to accept connections/.test(out)) resolve(true); });
      child.on('exit', () => resolve(false));
    });
    if (ready) { server = child; url = `redis://127.0.0.1:${port}`; } else child.kill('SIGKILL');
  }
  assert.ok(url, 'redis-server did not start');
});

after(() => { server?.kill('SIGTERM'); });

interface Proc { child: ChildProcess; stdout: string; stderr: string; done: Promise<number | null> }

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, stdout: '', stderr: '', done: Promise.resolve(null) };
  child.stdout!.on('data', (d) => { p.stdout += d; });
  child.stderr!.on('data', (d) => { p.stderr += d; });
  p.done = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return p;
}

/** Resolves with the chunk of the first `worker: start` line the worker prints. */
function firstChunk(p: Proc): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const m = /worker: start (\S+)/.exec(p.stderr);
      if (m) { p.child.stderr!.off('data', look); resolve(m[1]); }
    };
    p.child.stderr!.on('data', look);
    p.child.on('close', () => reject(new Error(`worker exited before taking a chunk: ${p.stderr}`)));
  });
}

test('3 workers, one SIGKILLed mid-chunk: its chunk is taken over, summary.json byte-identical to the single-machine run', { skip }, async () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-queue-'));
  const single = start(['run', HEAVY, '--workers', '2', '--out', join(d, 'single'), '--no-report']);
  assert.equal(await single.done, 0, single.stderr);

  const coordinator = start(['run', HEAVY, '--queue', url, '--chunk', '4', '--out', join(d, 'queued'), '--no-report']);
  const workers = [1, 2, 3].map((i) => start(['worker', '--queue', url, '--name', `w${i}`, '--lock', '2', '--idle', '4']));
  const killedChunk = await firstChunk(workers[0]);
  workers[0].child.kill('SIGKILL');
  assert.equal(await coordinator.done, 0, coordinator.stderr);
  const codes = await Promise.all(workers.map((w) => w.done));
  assert.equal(codes[0], null, 'the first worker died by SIGKILL');
  assert.deepEqual(codes.slice(1), [0, 0], workers.map((w) => w.stderr).join('\n'));

  assert.ok(readFileSync(join(d, 'queued', 'summary.json')).equals(readFileSync(join(d, 'single', 'summary.json'))), 'summary.json byte-identical');
  assert.ok(readFileSync(join(d, 'queued', 'replications.csv')).equals(readFileSync(join(d, 'single', 'replications.csv'))));
  // Events are summed per stored chunk: a chunk counted twice would show here.
  const events = (dir: string) => JSON.parse(readFileSync(join(d, dir, 'run.json'), 'utf8')).events;
  assert.equal(events('queued'), events('single'));

  assert.doesNotMatch(workers[0].stderr, new RegExp(`done ${killedChunk.replace('.', '\\.')}`), 'killed before it stored its chunk');
  const takers = workers.slice(1).filter((w) => new RegExp(`worker: done ${killedChunk.replace('.', '\\.')} `).test(w.stderr));
  assert.equal(takers.length >= 1, true, `chunk ${killedChunk} was taken over by another worker`);
  // Progress across workers: the last status line names who stored the 6 chunks.
  const last = coordinator.stderr.trim().split('\n').filter((l) => l.startsWith('queue: ')).pop()!;
  assert.match(last, /^queue: 6\/6 chunks, \d worker\(s\) connected \(chunks stored by (w2: \d, w3: \d|w[23]: 6)\)$/);
  const stored = [...last.matchAll(/w\d: (\d)/g)].reduce((n, m) => n + Number(m[1]), 0);
  assert.equal(stored, 6, 'each chunk stored once');

  const redis = new Redis(url);
  try {
    assert.deepEqual(await redis.keys('headroom:*'), [], 'the run cleans up its keys');
  } finally {
    redis.disconnect();
  }
});

test('no worker: the coordinator fails after --queue-timeout with a message, writes nothing and takes its chunks back', { skip }, async () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-queue-none-'));
  const out = join(d, 'o');
  const c = start(['run', TINY, '--queue', url, '--queue-timeout', '2', '--out', out, '--no-report']);
  assert.equal(await c.done, 4, c.stderr);
  assert.match(c.stderr, /headroom: no worker took a chunk for 2 s and none is connected to redis:\/\/127\.0\.0\.1:\d+ \(0\/\d+ chunks done\); start workers with: headroom worker --queue redis:/);
  assert.doesNotMatch(c.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!existsSync(out));
  const redis = new Redis(url);
  try {
    assert.equal(await redis.llen('bull:headroom:wait'), 0, 'no chunk left for a later worker');
  } finally {
    redis.disconnect();
  }
});

test('an unreachable Redis is a one-line error, exit 4', async () => {
  const c = start(['run', TINY, '--queue', 'redis://127.0.0.1:1', '--out', join(mkdtempSync(join(tmpdir(), 'headroom-queue-x-')), 'o'), '--no-report']);
  assert.equal(await c.done, 4, c.stderr);
  assert.match(c.stderr, /^headroom: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
  const w = start(['worker', '--queue', 'http://127.0.0.1:1']);
  assert.equal(await w.done, 4, w.stderr);
  assert.match(w.stderr, /not a redis:\/\/ URL/);
});
