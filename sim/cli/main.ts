import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ScenarioError, formatProblem } from '../scenario/problems.js';
import { jsonSchema } from '../scenario/schema.js';
import { loadScenarioFile } from '../scenario/load.js';
import { VERSION } from './version.js';
import { MAX_REPLICATIONS } from '../scenario/schema.js';
import { checkLimits } from '../montecarlo/limits.js';
import { defaultWorkers } from '../montecarlo/run.js';
import { parseUnit, quote } from '../units/units.js';

/**
 * headroom's command line. Exit codes: 0 ok; 1 an `expect` bound failed (run) or a failure
 * strands instances (check); 2 bad input (one line per problem, FILE:LINE:COL: path: problem
 * (expected …), no stack trace, nothing written); 130 interrupted.
 */
export class UsageError extends Error {}

function whole(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got ${quote(v, 40)}`);
    }
    return n;
  };
}

function size(name: string) {
  return (v: string): number => {
    const n = parseUnit(v, 'bytes');
    if (n === undefined || !(n > 0)) throw new InvalidArgumentError(`${name} must be a size like 8GiB, got ${quote(v, 40)}`);
    return n;
  };
}

export function program(): Command {
  const p = new Command('headroom')
    .description('Discrete-event simulator and benchmark harness for OpenStack capacity questions')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  p.command('run')
    .description('run every study of a scenario; write summary.json, replications.csv, run.json, charts, report.html, deck.pptx')
    .argument('<file>', 'scenario YAML')
    .option('--replications <n>', 'replications per design (overrides the scenario)', whole('--replications', 1, MAX_REPLICATIONS))
    .option('--workers <n>', 'worker threads (default: available cores)', whole('--workers', 1, 256))
    .option('--seed <s>', 'scenario seed (overrides the scenario)', whole('--seed', 0))
    .option('--max-memory <size>', "memory the run may use, e.g. 8GiB (default: 80 % of the machine's)", size('--max-memory'))
    .option('--out <dir>', 'output folder (default out/<scenario name>)')
    .option('--replication <k>', 'rerun only replication K in-process (for debugging)', whole('--replication', 0))
    .option('--trace <file>', 'with --replication: write an event trace (JSON lines)')
    .option('--no-report', 'skip charts, report.html and deck.pptx')
    .option('--force', 'replace the --out folder even if files were added to it (only ever a folder headroom wrote)')
    .option('--shard <k/n>', 'run only replication block K of N (1-based) and write a partial result for headroom merge')
    .option('--queue <url>', 'run on workers elsewhere: put replication chunks on this Redis (redis://HOST:PORT) for headroom worker')
    .option('--chunk <n>', 'with --queue: replications per chunk (default: about 128 chunks per study)', whole('--chunk', 1))
    .option('--queue-timeout <s>', 'with --queue: fail when no worker is connected and no chunk finished for this long (default 60)', whole('--queue-timeout', 1))
    .action(async (file: string, opts) => {
      if (opts.shard !== undefined && opts.queue !== undefined) {
        console.error('headroom: --shard and --queue are two ways to spread a run (use one)');
        process.exitCode = 2;
        return;
      }
      process.exitCode = await (opts.shard !== undefined ? (await import('./shard.js')).shardRunCommand(file, opts)
        : opts.queue !== undefined ? (await import('./queue.js')).queueRunCommand(file, opts)
        : (await import('./run.js')).runCommand(file, opts));
    });

  p.command('merge')
    .description('join the shard folders of one scenario (headroom run --shard K/N) into the output folder a single run writes')
    .argument('<dirs...>', 'shard folders, one per shard 1..N')
    .option('--out <dir>', 'output folder (default out/<scenario name>)')
    .option('--no-report', 'skip charts, report.html and deck.pptx')
    .action(async (dirs: string[], opts) => { process.exitCode = await (await import('./merge.js')).mergeCommand(dirs, opts); });

  p.command('validate')
    .description('check scenarios without running them')
    .argument('<files...>', 'scenario YAML files')
    .option('--max-memory <size>', "memory a run may use, e.g. 8GiB (default: 80 % of the machine's)", size('--max-memory'))
    .action((files: string[], opts: { maxMemory?: number }) => {
      let bad = false;
      for (const f of files) {
        try {
          const s = loadScenarioFile(f, { maxMemory: opts.maxMemory });
          checkLimits(s, defaultWorkers(), opts.maxMemory);
          const designs = s.studies.map((st) => `${st.name} (${st.designs.join(', ')})`).join('; ');
          console.log(`${f}: ok — ${designs}`);
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          for (const pr of e.problems) console.error(formatProblem(pr));
          bad = true;
        }
      }
      process.exitCode = bad ? 2 : 0;
    });

  p.command('schema')
    .description('print the scenario JSON Schema')
    .action(() => { console.log(JSON.stringify(jsonSchema(), null, 2)); });

  p.command('check')
    .description('deterministic N+1 / N+2 evacuation check of the initial placement (every host, pair, rack fails once)')
    .argument('<file>', 'scenario YAML with an evacuation study')
    .option('--level <k>', "failures to check: 1 (every host) or 2 (every pair); default: the scenario's check.level", whole('--level', 1))
    .action(async (file: string, opts) => { process.exitCode = await (await import('./check.js')).checkCommand(file, opts); });

  p.command('size')
    .description("the least setting of each design's knob (scenario's sizing:) that meets each target (targets:); an interval, its cost, or \"cannot\"")
    .argument('<file>', 'scenario YAML with targets: and sizing:')
    .option('--json', 'write sizing.json into the output folder')
    .option('--out <dir>', 'output folder for --json (default out/<scenario name>)')
    .option('--workers <n>', 'worker threads (default: available cores)', whole('--workers', 1))
    .action(async (file: string, opts) => { process.exitCode = await (await import('./size.js')).sizeCommand(file, opts); });

  p.command('import')
    .description('read an OpenStack inventory bundle (openstack … -f json outputs, scripts/export-openstack.sh) and write a scenario of the real cloud')
    .argument('<inputs...>', 'the bundle directory, or its JSON files')
    .option('--racks <map>', 'host → rack: a CSV (host,rack) or YAML map file, or a pattern whose first (group) is the rack')
    .option('--out <file>', 'scenario to write (default: stdout)')
    .option('--anonymize', 'hosts, groups, racks and zones as stable short hashes; the mapping goes to <out>.names.json')
    .option('--strict', 'refuse on any warning (skipped servers, raised ratios, guessed racks)')
    .option('--name <name>', 'scenario name (default imported-<bundle>)')
    .action(async (inputs: string[], opts) => { process.exitCode = await (await import('./import.js')).importCommand(inputs, opts); });

  p.command('worker')
    .description('take replication chunks from the queue of headroom run --queue until it has been empty for --idle seconds')
    .requiredOption('--queue <url>', 'the Redis of the queue (redis://HOST:PORT)')
    .option('--threads <n>', 'chunks computed at once (worker threads; default 1)', whole('--threads', 1))
    .option('--idle <s>', 'exit once the queue has been empty this long (default 30)', whole('--idle', 0))
    .option('--lock <s>', "seconds before a silent worker's chunk goes to another worker (default 30)", whole('--lock', 1))
    .option('--name <name>', 'name shown in the coordinator\'s progress (default HOST-PID)')
    .action(async (opts) => { process.exitCode = await (await import('./worker.js')).workerCommand(opts); });

  p.command('report')
    .description('re-render charts, report.html and deck.pptx from an existing output folder')
    .argument('<outdir>', 'an output folder written by headroom run')
    .action(async (dir: string) => { process.exitCode = await (await import('./report.js')).reportCommand(dir); });
  return p;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; any usage problem is bad input.
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    if (e instanceof ScenarioError) {
      for (const pr of e.problems) console.error(formatProblem(pr));
      return 2;
    }
    if (e instanceof UsageError) {
      console.error(`headroom: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
