import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

// Runs the Kubernetes recipe's own shell commands, pod by pod, on this machine: a `headroom` on
// PATH stands for the image's, JOB_COMPLETION_INDEX is set as the Job controller sets it, and the
// shared volume is a temporary folder. 3 shards instead of the manifest's 8 keep it short; the
// fast test checks the manifest's SHARDS equals its completions.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const FILE = join(root, 'test/fixtures/distributed/tiny.yaml');

type Doc = Record<string, any>;
const job = (name: string) => parseDocument(readFileSync(join(root, 'deploy/k8s', name), 'utf8')).toJS() as Doc;

function sh(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('the Indexed Job pods and the merge Job, run as written, give the single run\'s summary.json', async () => {
  const d = mkdtempSync(join(tmpdir(), 'headroom-k8s-'));
  const bin = join(d, 'bin');
  await sh(`mkdir -p "${bin}"`, {});
  writeFileSync(join(bin, 'headroom'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'dist/sim/cli/headroom.js')}" "$@"\n`);
  chmodSync(join(bin, 'headroom'), 0o755);
  const PATH = `${bin}:${process.env.PATH}`;
  const single = await sh(`headroom run "${FILE}" --out "${join(d, 'single')}" --no-report`, { PATH });
  assert.equal(single.code, 0, single.out);

  const shards = job('shards-job.yaml').spec.template.spec.containers[0];
  const merge = job('merge-job.yaml').spec.template.spec.containers[0];
  assert.deepEqual(shards.command, ['sh', '-c']);
  assert.deepEqual(merge.command, ['sh', '-c']);
  const shardRoot = join(d, 'volume', 'evacuation');
  const envOf = (c: Doc) => Object.fromEntries(c.env.map((e: Doc) => [e.name, e.value])) as Record<string, string>;
  const podEnv = { ...envOf(shards), SCENARIO: FILE, SHARDS: '3', SHARD_ROOT: shardRoot, WORKERS: '1', PATH };
  const pods = [0, 1, 2].map((index) => () => sh(shards.args[0], { ...podEnv, JOB_COMPLETION_INDEX: String(index) }));
  // Two pods at a time: the machine has two cores.
  const results = [...await Promise.all(pods.slice(0, 2).map((p) => p())), await pods[2]()];
  for (const r of results) assert.equal(r.code, 0, r.out);
  for (const k of [1, 2, 3]) assert.ok(existsSync(join(shardRoot, `shard-${k}`, 'shard.json')), `shard-${k}`);

  const merged = await sh(merge.args[0], { ...envOf(merge), SHARD_ROOT: shardRoot, PATH });
  assert.equal(merged.code, 0, merged.out);
  assert.ok(readFileSync(join(shardRoot, 'merged', 'summary.json')).equals(readFileSync(join(d, 'single', 'summary.json'))));
  assert.ok(existsSync(join(shardRoot, 'merged', 'report.html')), 'the merge Job renders the report');
});
