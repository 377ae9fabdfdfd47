import { existsSync } from 'node:fs';

/** `headroom report OUTDIR`: re-renders charts, report.html and deck.pptx without rerunning. */
export async function reportCommand(dir: string): Promise<number> {
  if (!existsSync(`${dir}/summary.json`)) {
    console.error(`${dir}/summary.json:1:1: (top level): not found (expected an output folder written by headroom run)`);
    return 2;
  }
  const { reportFromFolder } = await import('../../reports/index.js');
  const files = await reportFromFolder(dir);
  for (const w of files.warnings) console.error(`warning: ${w}`);
  console.log(`report: ${files.report}\ndeck: ${files.deck}\ncharts: ${files.charts.filter((c) => c.endsWith('.svg')).length}`);
  return 0;
}
