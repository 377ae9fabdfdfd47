/**
 * Where a study slide (16:9, 13.33 × 7.5 in) puts its main chart, and how large chart text must
 * be once it is there: 14 pt is the least that reads from the back of a room.
 */

/** Slide height, in inches. */
export const SLIDE_H = 7.5;
export const CHART_TOP = 2.0;
export const CHART_W = 7.5;
export const MIN_CHART_PT = 14;
/** The most a chart image may take: the chart title's line above it, a margin below. Inches. */
export const PICTURE_BOX = { w: CHART_W, h: SLIDE_H - CHART_TOP - 0.45 - 0.5 };

/**
 * The size of a chart image of `width` × `height` pixels (any scale: only the ratio counts) on a
 * study slide: at most 7.5 in wide, shorter if it would run off the slide. Inches.
 */
export function chartPlacement(width: number, height: number): { w: number; h: number } {
  let w = PICTURE_BOX.w, h = (PICTURE_BOX.w * height) / width;
  if (h > PICTURE_BOX.h) { h = PICTURE_BOX.h; w = (PICTURE_BOX.h * width) / height; }
  return { w, h };
}

/** The SVG's own size (Vega writes width and height on the root element). */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"\s+height="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('svg without width and height');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Every font size in the SVG, in points once the chart is placed on its slide. */
export function slideFontPoints(svg: string): number[] {
  const { width, height } = svgSize(svg);
  const pointsPerPx = (chartPlacement(width, height).w * 72) / width;
  return [...svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]) * pointsPerPx);
}
