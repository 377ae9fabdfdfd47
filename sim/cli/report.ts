import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from '../units/units.js';

/**
 * `headroom report OUTDIR`: re-renders charts, report.html and deck.pptx without rerunning.
 *
 * The folder is read as untrusted input: a missing, empty, truncated, garbage or wrongly shaped
 * summary.json, a missing scenario copy or a garbage run.json is bad input (exit 2, one line
 * naming the file and what is wrong), never a stack trace (docs/failure-behaviour.md).
 */
export async function reportCommand(dir: string): Promise<number> {
  const problem = checkFolder(dir);
  if (problem) {
    console.error(problem);
    return 2;
  }
  const { reportFromFolder } = await import('../../reports/index.js');
  let files;
  try {
    files = await reportFromFolder(dir);
  } catch (e) {
    // The folder passed the checks above but its content still cannot be drawn: it was edited or damaged.
    console.error(`${join(dir, 'summary.json')}:1:1: (top level): cannot be rendered: ${quote((e as Error)?.message ?? String(e), 120).slice(1, -1)} (expected an intact output folder of headroom run; rerun it)`);
    return 2;
  }
  for (const w of files.warnings) console.error(`warning: ${w}`);
  console.log(`report: ${files.report}\ndeck: ${files.deck}\ncharts: ${files.charts.filter((c) => c.endsWith('.svg')).length}`);
  return 0;
}

/** The first thing wrong with an output folder, as a located line; undefined when it can be rendered. */
export function checkFolder(dir: string): string | undefined {
  const summaryPath = join(dir, 'summary.json');
  const notFolder = (() => { try { return !statSync(dir).isDirectory(); } catch { return true; } })();
  if (notFolder) return `${dir}:1:1: (top level): not a folder (expected an output folder written by headroom run)`;
  const summary = readJson(summaryPath);
  if (typeof summary === 'string') return summary;
  const shape = summaryShape(summary);
  if (shape) return `${summaryPath}:1:1: ${shape}`;
  const hasScenario = (() => { try { return statSync(join(dir, 'scenario.yaml')).isFile(); } catch { return false; } })();
  if (!hasScenario) return `${join(dir, 'scenario.yaml')}:1:1: (top level): not found (expected the copy of the scenario headroom run writes beside summary.json)`;
  const runPath = join(dir, 'run.json');
  const run = readJson(runPath, true);
  if (typeof run === 'string') return run;
  if (run !== undefined && (run === null || typeof run !== 'object' || Array.isArray(run))) return `${runPath}:1:1: (top level): not a JSON object (expected run.json as headroom run writes it)`;
  return undefined;
}

/** Parsed JSON, or a located problem (a string); undefined for a missing optional file. */
function readJson(path: string, optional = false): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    if (code === 'ENOENT') return `${path}:1:1: (top level): not found (expected an output folder written by headroom run)`;
    const why = code === 'ERR_ENCODING_INVALID_ENCODED_DATA' || code === undefined ? 'not UTF-8' : code;
    return `${path}:1:1: (top level): cannot be read: ${why} (expected a JSON file written by headroom run)`;
  }
  if (text.trim() === '') return `${path}:1:1: (top level): empty (expected a JSON file written by headroom run; the run may have been cut short)`;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const offset = m ? Number(m[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    return `${path}:${before.length}:${before[before.length - 1].length + 1}: (top level): not valid JSON${offset >= text.trimEnd().length ? ', it ends too early (truncated?)' : ''} (expected a JSON file written by headroom run)`;
  }
}

/** What the renderer reads of summary.json, checked: `path: problem (expected …)`, or undefined. */
function summaryShape(s: unknown): string | undefined {
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!obj(s)) return `(top level): not a JSON object (expected summary.json as headroom run writes it)`;
  if (typeof s.scenario !== 'string') return `scenario: missing or not a string (expected the scenario name)`;
  for (const k of ['seed', 'replications'] as const) {
    if (typeof s[k] !== 'number' || !Number.isFinite(s[k])) return `${k}: missing or not a number (expected the run's ${k})`;
  }
  if (!obj(s.studies) || Object.keys(s.studies).length === 0) return `studies: missing or empty (expected one entry per study)`;
  for (const [name, study] of Object.entries(s.studies)) {
    const at = `studies.${quote(name, 40)}`;
    if (!obj(study)) return `${at}: not an object (expected a study's results)`;
    if (!obj(study.designs) || Object.keys(study.designs).length === 0) return `${at}.designs: missing or empty (expected one entry per design)`;
    for (const [d, design] of Object.entries(study.designs)) {
      const dat = `${at}.designs.${quote(d, 40)}`;
      if (!obj(design) || !obj(design.metrics)) return `${dat}.metrics: missing (expected the design's metrics)`;
      for (const [m, stats] of Object.entries(design.metrics)) {
        if (!obj(stats)) return `${dat}.metrics.${quote(m, 40)}: not an object (expected unit, n, mean, sd, ci95, …)`;
        if (typeof stats.unit !== 'string') return `${dat}.metrics.${quote(m, 40)}.unit: missing (expected a unit string)`;
        if (typeof stats.n !== 'number') return `${dat}.metrics.${quote(m, 40)}.n: missing (expected the count of values)`;
      }
      if (design.warnings !== undefined && !Array.isArray(design.warnings)) return `${dat}.warnings: not a list (expected a list of sentences)`;
    }
  }
  return undefined;
}
