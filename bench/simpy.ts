import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchFigure, BenchSuite } from './figure.js';

/**
 * The peer in the same run (issue 8): the hold model and M/M/c written for SimPy 2.3.1, Debian's
 * `python3-simpy`, an independent discrete-event engine, timed beside headroom's engine on the
 * same sizes (10,000 pending Exp(1) holds; M/M/c with c = 4, λ = 3, μ = 1). Events are counted
 * as the engine counts them (one per hold completion; arrival, start and departure per M/M/c
 * job); SimPy's own event-notice count goes into `extra`.
 *
 * Debian installs SimPy for Debian's Python only, so the scripts run with /usr/bin/python3,
 * never the `python3` first on PATH. When SimPy is missing the suite installs it once if it runs
 * as root (a fresh CI machine), else it returns a single "skipped" figure saying why: the peer
 * is context, never a reason for the bench to fail.
 */
const execFileP = promisify(execFile);
const PYTHON = process.env.HEADROOM_SIMPY_PYTHON ?? '/usr/bin/python3';
// Compiled to dist/bench/simpy.js; the Python sources stay in bench/simpy/ (tsc does not copy them).
const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPTS = [join(HERE, 'simpy'), join(HERE, '..', '..', 'bench', 'simpy')];

export const SIMPY_SIZES = {
  full: { pending: 10_000, holdEvents: 1_000_000, mmcJobs: 200_000, runs: 3 },
  quick: { pending: 10_000, holdEvents: 50_000, mmcJobs: 10_000, runs: 1 },
};

interface ScriptResult { events: number; seconds: number; eventsPerSec: number; notices: number; jobs?: number; meanWait?: number }

async function canImportSimPy(): Promise<boolean> {
  try {
    await execFileP(PYTHON, ['-c', 'import SimPy.Simulation'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

async function apt(args: string[]): Promise<boolean> {
  try {
    await execFileP('apt-get', args, { timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return true;
  } catch {
    return false;
  }
}

/** Makes SimPy importable if possible; returns why not otherwise. */
async function ensureSimPy(): Promise<string | undefined> {
  if (await canImportSimPy()) return undefined;
  if (process.getuid?.() !== 0) return `${PYTHON} cannot import SimPy and not running as root (apt-get install python3-simpy)`;
  // --no-install-recommends: the recommends pull ~190 desktop packages; SimPy needs none of them.
  const install = ['install', '-y', '--no-install-recommends', 'python3-simpy'];
  if (!(await apt(install)) && !((await apt(['update'])) && (await apt(install)))) {
    return 'apt-get install python3-simpy failed';
  }
  return (await canImportSimPy()) ? undefined : `${PYTHON} still cannot import SimPy after installing python3-simpy`;
}

function scriptPath(name: string): string {
  const found = SCRIPTS.map((d) => join(d, name)).find((p) => existsSync(p));
  if (!found) throw new Error(`bench/simpy/${name} not found (looked in ${SCRIPTS.join(', ')})`);
  return found;
}

async function runScript(name: string, args: (string | number)[]): Promise<ScriptResult> {
  const { stdout } = await execFileP(PYTHON, ['-O', scriptPath(name), ...args.map(String)], { timeout: 600_000 });
  const line = stdout.trim().split('\n').pop() ?? '';
  const r = JSON.parse(line) as ScriptResult;
  if (!(r.events > 0 && r.seconds > 0)) throw new Error(`${name}: unexpected output ${line}`);
  return r;
}

/** The median run by events/s (odd counts), so one slow start does not decide the figure. */
async function medianOf(runs: number, name: string, args: (string | number)[]): Promise<ScriptResult> {
  const results: ScriptResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await runScript(name, [...args, i + 1]));
  results.sort((a, b) => a.eventsPerSec - b.eventsPerSec);
  return results[(results.length - 1) >> 1];
}

export const suite: BenchSuite = async ({ quick }) => {
  const why = await ensureSimPy();
  if (why !== undefined) {
    return [{ name: 'SimPy peer (skipped)', unit: 'events/s', value: 0, biggerIsBetter: true, extra: `skipped: ${why}` }];
  }
  const size = quick ? SIMPY_SIZES.quick : SIMPY_SIZES.full;
  // The scripts run under -O (see runScript), which skips SimPy 2's per-yield `__debug__`
  // command checks: the peer is measured in its fastest mode, not its default.
  const hold = await medianOf(size.runs, 'hold.py', [size.pending, size.holdEvents]);
  const mmc = await medianOf(size.runs, 'mmc.py', [size.mmcJobs, 4, 3, 1]);
  const figures: BenchFigure[] = [
    {
      name: 'SimPy hold model (events/s)', unit: 'events/s', value: hold.eventsPerSec, biggerIsBetter: true,
      extra: `SimPy 2.3.1 (${PYTHON} -O), ${size.pending} pending Exp(1) holds, ${hold.events} events, median of ${size.runs}`,
    },
    {
      name: 'SimPy M/M/c (events/s)', unit: 'events/s', value: mmc.eventsPerSec, biggerIsBetter: true,
      extra: `SimPy 2.3.1, c=4 λ=3 μ=1, ${mmc.jobs} jobs, 3 events/job (SimPy processed ${(mmc.notices / (mmc.jobs ?? 1)).toFixed(1)} notices/job), mean wait ${mmc.meanWait?.toFixed(3)} (exact 0.509)`,
    },
  ];
  return figures;
};
