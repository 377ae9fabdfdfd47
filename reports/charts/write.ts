/** Renders planned charts and writes charts/<name>.vl.json, .svg and .png into an output folder. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forSlide, type Chart } from './builders.js';
import { renderSvg, svgToPng, trimBlankRight } from './render.js';

export interface WrittenChart {
  chart: Chart;
  svg: string;
  /** Paths relative to the output folder. */
  files: { spec: string; svg: string; png: string };
  /** Absolute path of the PNG. */
  pngPath: string;
  /** Absolute path of the large-font PNG for a slide (charts/<name>.slide.png), when asked for. */
  slidePngPath?: string;
  warnings: string[];
}

export async function writeCharts(outDir: string, charts: Chart[], forSlides: Set<string> = new Set()): Promise<WrittenChart[]> {
  const dir = join(outDir, 'charts');
  // Re-rendering (headroom report) must not leave charts of an older plan behind.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out: WrittenChart[] = [];
  for (const chart of charts) {
    const rendered = await renderSvg(chart.spec);
    const svg = trimBlankRight(rendered.svg);
    const warnings = rendered.warnings;
    const png = svgToPng(svg).png;
    const files = { spec: `charts/${chart.name}.vl.json`, svg: `charts/${chart.name}.svg`, png: `charts/${chart.name}.png` };
    writeFileSync(join(outDir, files.spec), JSON.stringify(chart.spec, null, 2) + '\n');
    writeFileSync(join(outDir, files.svg), svg);
    writeFileSync(join(outDir, files.png), png);
    let slidePngPath: string | undefined;
    if (forSlides.has(chart.name)) {
      const slide = await renderSvg(forSlide(chart.spec));
      slidePngPath = join(dir, `${chart.name}.slide.png`);
      writeFileSync(slidePngPath, svgToPng(trimBlankRight(slide.svg)).png);
      warnings.push(...slide.warnings);
    }
    out.push({ chart, svg, files, pngPath: join(outDir, files.png), slidePngPath, warnings });
  }
  return out;
}
