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
