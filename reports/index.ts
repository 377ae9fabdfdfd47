/**
 * Entry point of the reports: charts, report.html and deck.pptx for one output folder.
 *
 * `headroom run` calls writeReports with what it just computed; `headroom report OUTDIR` calls
 * reportFromFolder, which needs in OUTDIR:
 *   summary.json   the statistics (required)
 *   scenario.yaml  the scenario text as run (required; echoed as the assumptions)
 *   run.json       {command, version, date?|started?} (optional: defaults are stated in the report)
 */
import { readFileSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertSummary, normaliseSummary, type RunInfo, type ScenarioEcho, type Summary } from './summary.js';
import { chartsForSummary } from './charts/plan.js';
import { writeCharts } from './charts/write.js';
import { renderHtml } from './html.js';
import { writeDeck } from './deck.js';

export interface ReportFiles {
  report: string;
  deck: string;
  /** Paths of every chart file written (vl.json, svg, png). */
  charts: string[];
  /** Vega-Lite/Vega warnings, per chart (also listed at the end of report.html). */
  warnings: string[];
}

export async function writeReports(outDir: string, rawSummary: Summary, scenarioEcho: ScenarioEcho, run: RunInfo): Promise<ReportFiles> {
  assertSummary(rawSummary);
  const summary = normaliseSummary(rawSummary);
  const charts = chartsForSummary(summary);
  // Each study's first chart is its main one: it also gets a large-font PNG for its slide.
  const main = new Set(Object.keys(summary.studies).map((s) => charts.find((c) => c.study === s)?.name).filter((n): n is string => !!n));
  const written = await writeCharts(outDir, charts, main);
  const report = join(outDir, 'report.html');
  writeFileSync(report, renderHtml({ summary, scenario: scenarioEcho, run, charts: written }));
  const deck = join(outDir, 'deck.pptx');
  await writeDeck(deck, { summary, scenario: scenarioEcho, run, charts: written });
  return {
    report,
    deck,
    charts: written.flatMap((w) => [...[w.files.spec, w.files.svg, w.files.png].map((f) => join(outDir, f)), ...(w.slidePngPath ? [w.slidePngPath] : [])]),
    warnings: written.flatMap((w) => w.warnings.map((m) => `${w.chart.name}: ${m}`)),
  };
}

/** Re-renders an existing output folder (see the header for what it must contain). */
export async function reportFromFolder(outDir: string): Promise<ReportFiles> {
  const summaryPath = join(outDir, 'summary.json');
  if (!existsSync(summaryPath)) throw new Error(`${summaryPath}: not found (expected an output folder of headroom run)`);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as unknown;
  assertSummary(summary);
  let scenarioFile = join(outDir, 'scenario.yaml');
  if (!existsSync(scenarioFile)) {
    const yaml = readdirSync(outDir).find((f) => /\.ya?ml$/.test(f));
    if (!yaml) throw new Error(`${scenarioFile}: not found (expected the scenario copy written by headroom run)`);
    scenarioFile = join(outDir, yaml);
  }
  const text = readFileSync(scenarioFile, 'utf8');
  const runPath = join(outDir, 'run.json');
  const runJson: Record<string, any> = existsSync(runPath) ? JSON.parse(readFileSync(runPath, 'utf8')) : {};
  const run: RunInfo = {
    command: String(runJson.command ?? `headroom run ${scenarioFile} --replications ${summary.replications} --seed ${summary.seed}`),
    version: String(runJson.version ?? summary.version ?? ''),
    date: String(runJson.date ?? runJson.started ?? runJson.startedAt ?? new Date().toISOString()),
  };
  return writeReports(outDir, summary, { text, file: String(runJson.scenarioFile ?? runJson.scenario_file ?? scenarioFile) }, run);
}
