import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import cliProgress from 'cli-progress';
import type { Tracer } from '../engine/simulation.js';
import { loadScenarioFile, type LoadedScenario } from '../scenario/load.js';
import { layoutOf } from '../montecarlo/layout.js';
import { replicateRange, ReplicationError } from '../montecarlo/replicate.js';
import { defaultWorkers, ReplicationFailure, runScenario, WorkerDied, type RunOptions as MonteCarloOptions, type RunResult } from '../montecarlo/run.js';
import { buildSummary, type Summary } from '../montecarlo/summary.js';
import { decisionData } from '../montecarlo/decision.js';
import { sizeScenario } from '../montecarlo/sizing.js';
import { OutputFolder, OutputRefused, replicationsCsv, safeFileName } from './output.js';
import { VERSION } from './version.js';
import { checkLimits } from '../montecarlo/limits.js';
import { formatMeanCi, formatValue, metricScale, metricText, pickScale } from '../../reports/format.js';
import { checkSentences, decisionQuestions, tieSentences } from '../../reports/decision.js';

export interface RunOptions {
  replications?: number;
  workers?: number;
  seed?: number;
  out?: string;
  replication?: number;
  trace?: string;
  report?: boolean;
  force?: boolean;
  maxMemory?: number;
}

export class UsageProblem extends Error {}

/**
 * Where a run's results come from and what it writes, when not this machine's worker threads and
 * the full output folder: merged shards, a queue of remote workers, or one shard's partial result.
 */
export interface RunMode {
  /** The scenario, already loaded (merge: from the shards). */
  loaded?: LoadedScenario;
  results?: (loaded: LoadedScenario, opts: MonteCarloOptions) => Promise<RunResult>;
  /** Writes a partial result in place of the output folder; returns the line to print. */
  partial?: (out: OutputFolder, run: RunResult) => string;
}

export async function runCommand(file: string, opts: RunOptions, mode: RunMode = {}): Promise<number> {
  const overrides = { seed: opts.seed, replications: opts.replications, maxMemory: opts.maxMemory };
  const loaded = mode.loaded ?? loadScenarioFile(file, overrides);
  if (opts.replication !== undefined) return traceReplication(loaded, opts.replication, opts.trace);
  if (opts.trace !== undefined) {
    console.error('headroom: --trace needs --replication K (it traces one replication in-process)');
    return 2;
  }
  const workers = opts.workers ?? defaultWorkers();
  checkLimits(loaded, workers, opts.maxMemory);
  const outDir = opts.out ?? join('out', safeFileName(loaded.name));
  // Signal handlers first, then the output folder: an interrupt can never strand a half-written one.
  // They stay installed until the cleanup is done, so a second signal cannot cut it short.
  const abort = new AbortController();
  let signalCode = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalCode === 0) {
      // The first signal decides the exit code; say at once that it was heard (stopping workers
      // can take a moment, and a second signal will not cut the cleanup short).
      signalCode = sig === 'SIGTERM' ? 143 : 130;
      console.error(`headroom: ${sig}: stopping the workers…`);
    }
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let out: OutputFolder;
  try {
    out = OutputFolder.open(outDir, { force: opts.force, protect: [file], note: (m) => console.error(`headroom: ${m}`) });
  } catch (e) {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (e instanceof OutputRefused) { console.error(`headroom: ${e.message}`); return 2; }
    throw e;
  }
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ stream: process.stderr, format: `${loaded.name} [{bar}] {percentage}% | {value}/{total} replications | ETA {eta_formatted}`, hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  try {
    const total = loaded.studies.reduce((n, s) => n + Math.max(...s.variants.map((v) => v.replications)), 0);
    bar?.start(total, 0);
    const run = await (mode.results ?? runScenario)(loaded, { workers, overrides, signal: abort.signal, onProgress: (done, all) => { bar?.setTotal(all); bar?.update(done); } });
    bar?.stop();
    if (mode.partial) {
      const line = mode.partial(out, run);
      if (abort.signal.aborted) throw new Error('interrupted');
      out.commit();
      console.log(line);
      return 0;
    }
    const summary = buildSummary(loaded, run, VERSION);
    // The scenario's sizing (docs/sizing.md) runs after the studies, on the same worker count.
    const sizing = loaded.sizing.knobs.length > 0
      ? await sizeScenario(loaded, { workers, signal: abort.signal, onProgress: process.stderr.isTTY ? (line) => process.stderr.write(`sizing ${line}\n`) : undefined })
      : undefined;
    const decision = decisionData(loaded, run, sizing);
    if (decision) summary.decision = decision;
    out.write('summary.json', JSON.stringify(summary, null, 2) + '\n');
    out.write('replications.csv', replicationsCsv(run));
    out.write('scenario.yaml', loaded.text);
    const command = ['headroom', 'run', file, ...(opts.replications !== undefined ? ['--replications', String(opts.replications)] : []), ...(opts.seed !== undefined ? ['--seed', String(opts.seed)] : [])].join(' ');
    const runInfo = {
      version: VERSION,
      command,
      scenarioFile: file,
      date: new Date().toISOString(),
      wallSeconds: run.wallMs / 1000,
      workers: run.workers,
      events: run.events,
      eventsPerSecond: run.events / (run.wallMs / 1000),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
    };
    out.write('run.json', JSON.stringify(runInfo, null, 2) + '\n');
    let reportPaths: { report: string; deck: string } | undefined;
    if (opts.report !== false) {
      // Loaded only when needed: the chart and deck libraries are heavy, and --no-report runs need none of them.
      const { writeReports } = await import('../../reports/index.js');
      const files = await writeReports(out.tmp, summary, { text: loaded.text, file }, { command, version: VERSION, date: runInfo.date });
      for (const w of files.warnings) console.error(`chart warning: ${w}`);
      reportPaths = files;
    }
    if (abort.signal.aborted) throw new Error('interrupted');
    out.commit();
    printSummary(summary);
    printDecision(summary);
    // Studies that replay their own arrays (rbd) fire no engine events: no rate to show then.
    const rate = runInfo.eventsPerSecond > 0 ? `, ${formatRate(runInfo.eventsPerSecond)} events/s` : '';
    console.log(`\n${run.workers} worker(s), ${(run.wallMs / 1000).toFixed(1)} s${rate}`);
    console.log(`output: ${outDir}/summary.json${reportPaths ? `, ${join(outDir, 'report.html')}, ${join(outDir, 'deck.pptx')}` : ''}`);
    return reportBounds(summary);
  } catch (e) {
    bar?.stop();
    out.abandon();
    if (abort.signal.aborted) {
      console.error('headroom: interrupted; workers stopped, no output folder written');
      return signalCode || 130;
    }
    if (e instanceof ReplicationFailure) {
      console.error(`headroom: ${e.message}`);
      if (e.causeStack) console.error(e.causeStack.split('\n').slice(1, 4).join('\n'));
      console.error(`rerun it alone with: headroom run ${file} --replication ${e.replication} --trace trace.jsonl${opts.seed !== undefined ? ` --seed ${opts.seed}` : ''}`);
      console.error(`nothing is kept: the results of the ${e.total > 0 ? `${e.total - e.failed} ` : ''}replications that succeeded are discarded (a summary without the failed ones would be biased), and ${outDir} is left as it was`);
      return 3;
    }
    if (e instanceof WorkerDied) {
      console.error(`headroom: ${e.message}`);
      console.error(`nothing is kept: ${outDir} is left as it was`);
      return 3;
    }
    throw e;
  } finally {
    // After a signal the handlers stay until the process exits: a further signal arriving
    // between here and exit must not turn exit 130/143 into a kill.
    if (signalCode === 0) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  }
}

function formatRate(v: number): string {
  return v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0);
}

export function printSummary(summary: Summary): void {
  for (const [name, study] of Object.entries(summary.studies)) {
    console.log(`\n${study.title} — ${study.question}`);
    const designs = Object.keys(study.designs);
    const first = designs[0];
    // One display unit per metric, the one the report, its charts and the deck use too.
    const scales = new Map(Object.entries(study.metrics).map(([m, { unit, kind }]) =>
      [m, metricScale(unit, designs.flatMap((d) => (study.designs[d].metrics[m] ? [{ ...study.designs[d].metrics[m], kind }] : [])))]));
    for (const d of designs) {
      console.log(`  ${d}`);
      for (const [m, s] of Object.entries(study.designs[d].metrics)) {
        const { unit, kind } = study.metrics[m];
        const diff = study.differences[d]?.[m];
        // A difference of percentages (probabilities, shares) is in percentage points; of a
        // censored time, only a bound.
        const scale = scales.get(m);
        const pp = scale?.label === '%';
        const diffScale = pp ? { ...scale, label: 'percentage points' } : scale;
        const delta = diff && kind !== 'time-to-event' && !s.heavyTailed ? `   Δ vs ${first} ${formatMeanCi(diff.mean, diff.ci95, unit, false, diffScale)}` : '';
        const never = s.nonFinite > 0 ? ` (${s.nonFinite} not reached)` : '';
        console.log(`    ${m.padEnd(28)} ${metricText({ ...s, kind }, summary.horizon, scales.get(m))}${never}${delta}`);
      }
      for (const w of study.designs[d].warnings) console.log(`    warning: ${w}`);
    }
    void name;
  }
}

/** The decision, as the report leads with it. */
function printDecision(summary: Summary): void {
  const d = summary.decision;
  const lines = [...decisionQuestions(d).map((q) => q.sentence), ...checkSentences(d), ...tieSentences(d)];
  if (lines.length === 0) return;
  console.log('\nDecision');
  for (const l of lines) console.log(`  - ${l}`);
}

/** Prints every failed `expect:` bound with its measured value and CI; exit 1 if any failed. */
function reportBounds(summary: Summary): number {
  const failed = summary.expect.filter((b) => !b.ok);
  if (summary.expect.length > 0) console.log(`\nexpect: ${summary.expect.length - failed.length}/${summary.expect.length} bounds hold`);
  for (const b of failed) {
    // key: study[.design].metric.stat; the bound reads in the metric's display unit, and the
    // interval of a quantity that cannot go below zero does not either.
    const parts = b.key.split('.');
    const metric = parts[parts.length - 2];
    const unit = summary.studies[parts[0]]?.metrics[metric]?.unit;
    const stats = summary.studies[parts[0]]?.designs[b.design]?.metrics[metric];
    const ci: [number, number] = stats && stats.min >= 0 ? [Math.max(0, b.ci95[0]), Math.max(0, b.ci95[1])] : b.ci95;
    const scale = pickScale(unit, [b.value, ...ci, b.min ?? NaN, b.max ?? NaN]);
    const f = (x: number) => formatValue(x, unit, scale);
    const range = [b.min !== undefined ? `≥ ${f(b.min)}` : '', b.max !== undefined ? `≤ ${f(b.max)}` : ''].filter(Boolean).join(' and ');
    console.error(`expect failed: ${b.key} [design ${b.design}] = ${f(b.value)} (95 % CI of the mean ${f(ci[0])} to ${f(ci[1])}), expected ${range}`);
  }
  return failed.length > 0 ? 1 : 0;
}

/** Reruns replication K of every study and design in-process, writing an event trace (JSON lines). */
function traceReplication(loaded: LoadedScenario, k: number, traceFile?: string): number {
  const lines: string[] = [];
  const tracer: Tracer | undefined = traceFile === undefined ? undefined : {
    event: (t, handler, payload) => { lines.push(JSON.stringify({ t, handler, payload })); },
    note: (t, what, detail) => { lines.push(JSON.stringify({ t, note: what, ...detail })); },
  };
  let code = 0;
  for (const plan of loaded.studies) {
    const layout = layoutOf(plan);
    const out = new Float64Array(layout.stride);
    try {
      replicateRange(plan, layout, loaded.seed, k, k + 1, out, tracer);
    } catch (e) {
      if (!(e instanceof ReplicationError)) throw e;
      console.error(`headroom: ${e.message}`);
      console.error((e.cause as Error)?.stack ?? '');
      code = 3;
      continue;
    }
    const names = Object.keys(plan.definition.metrics);
    plan.variants.forEach((v, vi) => {
      if (v.sweep) return;
      console.log(`${plan.name}/${v.design} replication ${k}:`);
      // The exact value first, as replications.csv has it (this rerun reproduces a row), then for people.
      names.forEach((m, j) => {
        const v = out[layout.offsets[vi] + j];
        console.log(`  ${m.padEnd(28)} ${v}  (${formatValue(v, plan.definition.metrics[m].unit)})`);
      });
    });
  }
  if (traceFile !== undefined) {
    writeFileSync(traceFile, lines.join('\n') + '\n');
    console.log(`trace: ${traceFile} (${lines.length} lines)`);
  }
  return code;
}
