import { join, relative } from 'node:path';
import { addToOutputFolder, OutputRefused, safeFileName } from './output.js';
import { loadScenarioFile } from '../scenario/load.js';
import { sizeScenario, type SizingReport } from '../montecarlo/sizing.js';
import { answerText, costText, formatKnobValue, knobName, targetText } from '../../reports/decision.js';
import { formatValue } from '../../reports/format.js';

export interface SizeOptions { json?: boolean; out?: string; workers?: number }

/**
 * `headroom size FILE [--json] [--out DIR]`: the least setting of each design's knob that meets
 * each target (docs/sizing.md). Progress on stderr; the answers on stdout; `--json` writes
 * sizing.json into the output folder. Exit 1 when some target cannot be met within its range.
 */
export async function sizeCommand(file: string, opts: SizeOptions): Promise<number> {
  const loaded = loadScenarioFile(file);
  if (loaded.sizing.knobs.length === 0) {
    console.error(`${file}:1:1: sizing: missing (expected targets: and sizing: sections; see docs/sizing.md)`);
    return 2;
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let report: SizingReport;
  const started = performance.now();
  try {
    report = await sizeScenario(loaded, { workers: opts.workers, signal: abort.signal, onProgress: (line) => console.error(line) });
  } catch (e) {
    if (abort.signal.aborted) { console.error('headroom: interrupted; nothing written'); return 130; }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  printAnswers(report, loaded.studies.reduce((m, p) => ({ ...m, [p.name]: p.designs[0] }), {} as Record<string, string>));
  console.log(`\n${report.replications} replications in ${((performance.now() - started) / 1000).toFixed(1)} s (a sweep of every grid point at the budget: ${report.sweepReplications})`);
  if (opts.json) {
    const dir = opts.out ?? join('out', safeFileName(loaded.name));
    const doc = { scenario: loaded.name, seed: loaded.seed, ...report };
    let written: string;
    try {
      written = addToOutputFolder(dir, 'sizing.json', JSON.stringify(doc, null, 2) + '\n');
    } catch (e) {
      if (e instanceof OutputRefused) { console.error(`headroom: ${e.message}`); return 2; }
      throw e;
    }
    console.log(`output: ${relative(process.cwd(), written) || written}`);
  }
  return report.answers.some((a) => a.answer === null) ? 1 : 0;
}

export function printAnswers(report: SizingReport, reference: Record<string, string>): void {
  let last = '';
  for (const a of report.answers) {
    const head = `${a.study} / ${a.design}: ${knobName(a.knob)} from ${formatKnobValue(a.range[0], a.unit)} to ${formatKnobValue(a.range[1], a.unit)} (step ${formatKnobValue(a.step, a.unit)}, ${a.safer} is safer)`;
    if (head !== last) { console.log(`\n${head}`); last = head; }
    const what = targetText(a);
    const runs = a.kind === 'check' ? `${a.evaluations.length} check${a.evaluations.length === 1 ? '' : 's'}` : `${a.replications} replications`;
    if (a.answer) console.log(`  ${a.target} — ${what}: configure ${answerText(a)}; ${costText(a, reference[a.study] ?? 'the reference')} [${runs}]`);
    else {
      const b = a.best;
      const reached = a.kind === 'check'
        ? `${b.stranding} of ${b.failures} failures strand instances${b.worst ? `, worst ${b.worst}` : ''}`
        : `mean ${formatValue(b.estimate ?? NaN, a.metricUnit)}, one-sided bound ${formatValue(b.upper ?? NaN, a.metricUnit)} over ${b.n} replications`;
      console.log(`  ${a.target} — ${what}: cannot meet the target at any value in range; best ${formatKnobValue(b.value, a.unit)}: ${reached} [${runs}]`);
    }
  }
}
