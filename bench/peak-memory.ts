import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { BenchFigure } from './figure.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

/**
 * Peak memory of a real run, as a user starts it: a child process
 * `node dist/sim/cli/headroom.js run scenarios/SCENARIO.yaml --replications N
 * --workers 2 --no-report --out TMP`, with dist/bench/max-rss.js preloaded to record the
 * process's max RSS at exit (main thread and both workers: threads share the RSS). Its wall time
 * (start-up, the initial fill in each worker and the N replications of each design) comes along.
 * Exit 1 (an `expect:` bound failed) still counts: the run completed.
 */
export async function peakMemoryFigures(replications: number, scenario = 'evacuation-1000-hosts'): Promise<BenchFigure[]> {
  const label = scenario === 'evacuation-1000-hosts' ? 'evacuation 1000 hosts' : scenario.replace(/^evacuation-(\d+)-hosts$/, 'evacuation $1 hosts');
  const tmp = mkdtempSync(join(tmpdir(), 'headroom-bench-'));
  try {
    const rssFile = join(tmp, 'max-rss.json');
    const args = [
      '--import', pathToFileURL(join(HERE, 'max-rss.js')).href,
      join(ROOT, 'dist', 'sim', 'cli', 'headroom.js'), 'run', join(ROOT, 'scenarios', `${scenario}.yaml`),
      '--replications', String(replications), '--workers', '2', '--no-report', '--out', join(tmp, 'out'),
    ];
    const t0 = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, { env: { ...process.env, HEADROOM_MAX_RSS_FILE: rssFile }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    const wallS = (performance.now() - t0) / 1000;
    if (code !== 0 && code !== 1) throw new Error(`headroom run exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    const { maxRssKiB } = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number };
    const what = `headroom run scenarios/${scenario}.yaml --replications ${replications} --workers 2 --no-report (2 designs), child process`;
    return [
      { name: `${label} run: peak memory (MiB)`, unit: 'MiB', value: maxRssKiB / 1024, biggerIsBetter: false, extra: `max RSS of ${what}; worker threads share the process RSS` },
      { name: `${label} run: wall time, 2 workers (s)`, unit: 's', value: wallS, biggerIsBetter: false, extra: `${what}, start-up and per-worker initial fill included${code === 1 ? '; exit 1: an expect bound failed' : ''}` },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
