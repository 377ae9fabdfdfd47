/**
 * Vega-Lite spec -> Vega -> SVG (headless, no canvas) -> PNG (resvg). Warnings from the
 * compiler and the view are collected instead of printed, so that tests can insist on none and
 * the report can list them.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { existsSync } from 'node:fs';

export const FONT = 'DejaVu Sans';

/** Debian's fonts-dejavu-core; resvg draws no text at all when it finds no font. */
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
];

export interface Rendered {
  svg: string;
  /** Messages Vega-Lite or Vega logged at warning level or above. */
  warnings: string[];
}

function collectingLogger(into: string[]): vega.LoggerInterface {
  return vega.logger(vega.Warn, undefined, (_method, level, args) => {
    into.push(`${level} ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`);
  });
}

export function compileSpec(spec: TopLevelSpec, warnings: string[] = []): vega.Spec {
  return compile(spec, { logger: collectingLogger(warnings) }).spec;
}

export async function renderSvg(spec: TopLevelSpec): Promise<Rendered> {
  const warnings: string[] = [];
  const vg = compileSpec(spec, warnings);
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logger: collectingLogger(warnings) });
  const svg = await view.toSVG();
  view.finalize();
  return { svg, warnings };
}

/** Fails loudly when the font is missing: a PNG with silently vanished text is worse than none. */
export function fontFiles(): string[] {
  const found = FONT_FILES.filter((f) => existsSync(f));
  if (found.length === 0) throw new Error(`font ${FONT} not found (expected ${FONT_FILES[0]}; apt-get install fonts-dejavu-core)`);
  return found;
}

export interface RasterImage {
  png: Buffer;
  width: number;
  height: number;
  /** RGBA bytes, row-major. */
  pixels: Buffer;
}

/** PNG at `scale`× the SVG's size (2× reads well on a projector and in a deck). */
export function svgToPng(svg: string, scale = 2): RasterImage {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}

/**
 * Cuts the blank strip Vega leaves on the right: without canvas text metrics it over-estimates
 * legend labels' width (by about a third), and a legend beside the plot then widens the chart
 * by hundreds of empty pixels, which shrinks everything else once the image is fitted to a page
 * or a slide. Only white columns are removed (found by rasterising once at 1×), never ink.
 */
export function trimBlankRight(svg: string, margin = 12): string {
  const head = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"\s+height="(\d+(?:\.\d+)?)"\s+viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
  if (!head) return svg;
  const width = Number(head[1]);
  const img = svgToPng(svg, 1);
  let lastInk = -1;
  for (let x = img.width - 1; x >= 0 && lastInk < 0; x--) {
    for (let y = 0; y < img.height; y++) {
      const i = 4 * (y * img.width + x);
      if (img.pixels[i] + img.pixels[i + 1] + img.pixels[i + 2] < 750) { lastInk = x; break; }
    }
  }
  const trimmed = Math.ceil(lastInk + 1 + margin);
  if (lastInk < 0 || trimmed >= width - margin) return svg;
  const w = String(trimmed);
  return svg
    .replace(head[0], head[0].replace(`width="${head[1]}"`, `width="${w}"`).replace(`viewBox="0 0 ${head[3]} `, `viewBox="0 0 ${w} `))
    .replace(`<rect width="${head[1]}" height="${head[2]}"`, `<rect width="${w}" height="${head[2]}"`);
}
