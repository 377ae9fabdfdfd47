import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ScenarioError, formatProblem } from '../scenario/problems.js';
import { jsonSchema } from '../scenario/schema.js';
import { loadScenarioFile } from '../scenario/load.js';
import { VERSION } from './version.js';
import { runCommand } from './run.js';
import { checkCommand } from './check.js';
import { reportCommand } from './report.js';
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
    .action(async (file: string, opts) => { process.exitCode = await runCommand(file, opts); });

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
    .action(async (file: string, opts) => { process.exitCode = await checkCommand(file, opts); });

  p.command('report')
    .description('re-render charts, report.html and deck.pptx from an existing output folder')
    .argument('<outdir>', 'an output folder written by headroom run')
    .action(async (dir: string) => { process.exitCode = await reportCommand(dir); });
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
