/**
 * How the lines of a multi-design chart (CDF, time series, sweep) are told apart. Colour alone
 * stops working past about six lines, and two designs with exactly the same curve draw one line
 * that hides the other, so that one design seems missing. Here each line gets:
 * - its design's colour (by the design's place in the study, the same on every chart of it);
 * - a dash pattern as a second cue when there are more than six lines;
 * - for a design whose values are exactly those of an earlier design, the label "b (= a)" and a
 *   dash of its own, so both colours show along the shared line, and a sentence in the caption;
 * - the first design (the reference the paired differences are taken against) drawn thicker;
 * - a legend in the order the lines end up (by `end`), beside the plot when there are many, so
 *   the reader matches a legend entry to a line by position as well as by colour.
 * No line is ever dropped: styling only.
 */

export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

/** Solid first; patterns distinct at a glance even 2 px wide. */
export const DASHES: number[][] = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3], [5, 5], [14, 4]];

/** Past this many lines colour alone is not enough (the palette's later hues look alike on a projector). */
export const MANY_LINES = 6;

export interface Line {
  /** Design (or design-and-sweep) name as the study calls it. */
  name: string;
  /** Every number the line is drawn from (x, median, band…): equal values = identical lines. */
  values: readonly (readonly number[])[];
  /** Where the line ends up (last median, median of the curve…): orders the legend. */
  end: number;
}

export interface LineStyle {
  /** Legend label per line name: the name, or "name (= earlier)" for an identical line. */
  label: Map<string, string>;
  /** Line name -> the earlier line it is identical to. */
  sameAs: Map<string, string>;
  color: object;
  strokeDash?: object;
  strokeWidth?: object;
  /** Sentences for the chart's caption (identical lines, thicker first line, legend order). */
  notes: string[];
  /** Labels in legend order. */
  order: string[];
}

const BASE_WIDTH = 2.2;
const FIRST_WIDTH = 3.6;

function sameValues(a: Line, b: Line): boolean {
  if (a.values.length !== b.values.length) return false;
  for (let k = 0; k < a.values.length; k++) {
    const u = a.values[k], v = b.values[k];
    if (u.length !== v.length) return false;
    for (let i = 0; i < u.length; i++) if (!Object.is(u[i], v[i])) return false;
  }
  return true;
}

/**
 * `lines` in the study's order; `colourOfLine` (the run's colour of the line's design) fixes each
 * line's colour, else its place in `lines` does;
 * `endOrder` 'desc' lists the highest-ending line first (time series, sweeps), 'asc' the lowest
 * (a CDF: the leftmost curve first).
 */
export function lineStyle(field: string, title: string, lines: Line[], endOrder: 'asc' | 'desc', colourOfLine?: (name: string) => string | undefined, endWord = 'end value'): LineStyle {
  const label = new Map<string, string>();
  const sameAs = new Map<string, string>();
  lines.forEach((l, i) => {
    const twin = lines.slice(0, i).find((e) => !sameAs.has(e.name) && sameValues(e, l));
    if (twin) sameAs.set(l.name, twin.name);
    label.set(l.name, twin ? `${l.name} (= ${twin.name})` : l.name);
  });
  const many = lines.length > MANY_LINES;
  const dashOf = new Map<string, number[]>();
  lines.forEach((l, i) => dashOf.set(l.name, many ? DASHES[i % DASHES.length] : DASHES[0]));
  for (const [name, twin] of sameAs) {
    // Dashed over its twin, in a pattern unlike the twin's, so both colours alternate along it.
    const twinDash = dashOf.get(twin)!;
    dashOf.set(name, DASHES.slice(1).find((d) => d !== twinDash && d !== dashOf.get(name)) ?? DASHES[1]);
  }
  const colourOf = (name: string) => colourOfLine?.(name) ?? PALETTE[lines.findIndex((l) => l.name === name) % PALETTE.length];
  // Legend order: by where each line ends; non-finite ends last; ties keep the study's order.
  const rank = (l: Line) => (Number.isFinite(l.end) ? (endOrder === 'desc' ? -l.end : l.end) : Infinity);
  const sorted = lines.map((l, i) => ({ l, i })).sort((a, b) => rank(a.l) - rank(b.l) || a.i - b.i).map((e) => e.l);
  const order = sorted.map((l) => label.get(l.name)!);
  const longest = Math.max(...order.map((s) => s.length));
  // Beside the plot, one entry per row, when there are many lines: the entries then stand in the
  // order the lines end, top to bottom. Few short entries fit under the plot.
  const beside = lines.length > 4;
  // A short stroke per entry, so the legend shows each line's dash as well as its colour.
  const symbol = { symbolType: 'stroke', symbolStrokeWidth: 3, symbolSize: 500, symbolOpacity: 1, labelLimit: 0, titleLimit: 0 };
  const legend = beside
    ? { ...symbol, orient: 'right', direction: 'vertical', columns: 1 }
    : { ...symbol, columns: Math.max(1, Math.min(lines.length, Math.floor(560 / (longest * 7.5 + 40)))) };
  const color = { field, type: 'nominal', title, scale: { domain: order, range: sorted.map((l) => colourOf(l.name)) }, legend };
  const dashed = many || sameAs.size > 0;
  const strokeDash = dashed
    ? { field, type: 'nominal', title, scale: { domain: order, range: sorted.map((l) => dashOf.get(l.name)!) }, legend }
    : undefined;
  const first = lines[0];
  const thick = lines.length >= 3;
  const strokeWidth = thick
    ? { condition: { test: `datum[${JSON.stringify(field)}] === ${JSON.stringify(label.get(first.name))}`, value: FIRST_WIDTH }, value: BASE_WIDTH }
    : undefined;
  const notes: string[] = [];
  for (const [name, twin] of sameAs) notes.push(`${name} gives exactly the same values as ${twin}: its line is drawn dashed over ${twin}'s.`);
  if (thick) notes.push(`Thicker line: ${first.name}, the first design.`);
  if (beside) notes.push(`Legend in order of each line's ${endWord}, ${endOrder === 'desc' ? 'highest' : 'lowest'} first.`);
  return { label, sameAs, color, strokeDash, strokeWidth, notes, order };
}

/** A design's colour in every chart of a run. */
export type Colours = (design: string) => string | undefined;

/**
 * One colour per design name across a run: the designs in the order the studies list them, each
 * the next colour of the palette (cycling past ten), so a design keeps its colour from chart to chart.
 */
export function designColours(designLists: string[][]): Colours {
  const map = new Map<string, string>();
  for (const list of designLists) for (const d of list) if (!map.has(d)) map.set(d, PALETTE[map.size % PALETTE.length]);
  return (design) => map.get(design);
}
