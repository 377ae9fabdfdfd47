/** Renders planned charts and writes charts/<name>.vl.json, .svg and .png into an output folder. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { forSlide, type Chart } from './builders.js';
import { renderSvg, svgToPng, trimBlankRight } from './render.js';
import { MIN_CHART_PT, PICTURE_BOX, slideFontPoints, svgSize } from './slide.js';

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

/**
 * The SVG a slide's PNG is drawn from: the large-font version, blank right strip cut, its text
 * at least MIN_CHART_PT once placed on the slide. A chart taller than the slide's picture box is
 * scaled down to fit, text and all: its plot is made shorter first (down to MIN_PLOT_PX), then
 * its fonts grow until they read at that size there (text grows the chart less than it grows
 * itself, so a few rounds settle).
 */
export async function slideSvg(spec: TopLevelSpec): Promise<{ svg: string; warnings: string[] }> {
  const MIN_PLOT_PX = 150;
  let fontPx = 18;
  let plotHeight: number | undefined;
  let best: { svg: string; warnings: string[] } | undefined;
  let lastHeight = Infinity;
  for (let round = 0; round < 8; round++) {
    const s = forSlide(spec, fontPx, plotHeight) as any;
    const slide = await renderSvg(s);
    best = { svg: trimBlankRight(slide.svg), warnings: slide.warnings };
    const smallest = Math.min(...slideFontPoints(best.svg));
    if (!(smallest < MIN_CHART_PT)) break;
    const { width, height } = svgSize(best.svg);
    const current = s.spec?.height ?? s.height;
    const excess = height - (width * PICTURE_BOX.h) / PICTURE_BOX.w;
    const shrank = height < lastHeight - 1;
    lastHeight = height;
    if (excess > 1 && current > MIN_PLOT_PX && shrank) plotHeight = Math.max(MIN_PLOT_PX, Math.floor(current - excess / (s.facet ? 2 : 1)));
    else fontPx = Math.ceil((fontPx * MIN_CHART_PT * 1.03) / smallest);
  }
  return best!;
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
      const slide = await slideSvg(chart.spec);
      slidePngPath = join(dir, `${chart.name}.slide.png`);
      writeFileSync(slidePngPath, svgToPng(slide.svg).png);
      warnings.push(...slide.warnings);
    }
    out.push({ chart, svg, files, pngPath: join(outDir, files.png), slidePngPath, warnings });
  }
  return out;
}
