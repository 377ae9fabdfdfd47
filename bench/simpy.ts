import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The peer in the same run (issue 8): the hold model and M/M/c written for SimPy 2.3.1, Debian's
 * `python3-simpy`, an independent discrete-event engine, timed by bench/run.ts beside headroom's
 * engine and the plain heap loop on the same sizes (10,000 pending Exp(1) holds; M/M/c with
 * c = 4, λ = 3, μ = 1), its runs interleaved with theirs.
 *
 * Events are counted as the engine counts them: one per completed hold; arrival, service start
 * and departure per M/M/c job (the engine's eventsFired is exactly that, 3 per job, since a
 * Limiter grant is an event). SimPy's own count of event notices (activations and resource
 * continuations included: ~5 per M/M/c job) comes back as `notices` for the notes.
 *
 * Debian installs SimPy for Debian's Python only, so the scripts run with /usr/bin/python3,
 * never the `python3` first on PATH, under -O (skipping SimPy 2's per-yield `__debug__` command
 * checks: the peer is measured in its fastest mode, not its default). When SimPy is missing,
 * ensureSimPy installs it if it runs as root (a fresh CI machine), else says why not: the peer is
 * context, never a reason for the bench to fail.
 */
const execFileP = promisify(execFile);
const PYTHON = process.env.HEADROOM_SIMPY_PYTHON ?? '/usr/bin/python3';
// Compiled to dist/bench/simpy.js; the Python sources stay in bench/simpy/ (tsc does not copy them).
const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPTS = [join(HERE, 'simpy'), join(HERE, '..', '..', 'bench', 'simpy')];

export interface ScriptResult { events: number; seconds: number; cpuSeconds: number; eventsPerSec: number; notices: number; jobs?: number; meanWait?: number }

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
export async function ensureSimPy(): Promise<string | undefined> {
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
  if (!(r.events > 0 && r.seconds > 0 && r.cpuSeconds > 0)) throw new Error(`${name}: unexpected output ${line}`);
  return r;
}

/**
 * One run of the SimPy hold model: `pending` processes holding Exp(1) until `events` holds have
 * completed. `events` in the result counts completed holds, as the engine's eventsFired does.
 */
export function simpyHold(pending: number, events: number, seed: number): Promise<ScriptResult> {
  return runScript('hold.py', [pending, events, seed]);
}

/**
 * One run of the SimPy M/M/c model (c servers, rates lambda and mu): `events` = 3 per job
 * (arrival, service start, departure) as in the engine; `notices` is SimPy's own count.
 */
export function simpyMmc(jobs: number, c: number, lambda: number, mu: number, seed: number): Promise<ScriptResult> {
  return runScript('mmc.py', [jobs, c, lambda, mu, seed]);
}
