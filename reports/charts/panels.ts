/**
 * Small multiples for a chart with many designs. Overlaid, five or more median lines with their
 * p05–p95 bands turn into one muddy patch where no band can be traced to its line. In panels,
 * each design gets its own plot (same axes, so heights and positions still compare) with its
 * band and line in its colour, and the first design's median drawn as a grey dashed line in every
 * other panel, so each panel reads as "this design against the first". Every design keeps every
 * point of its data: nothing is dropped, only laid out apart.
 */
import type { TopLevelSpec } from 'vega-lite';

/** From this many designs on, a CDF is drawn in panels. */
export const PANELS_FROM = 5;

export const REFERENCE_DASH = [5, 3];

const SPACING = { row: 44, column: 28 };
const HEADER = "indexof(datum.label, ' (= ') > 0 ? [substring(datum.label, 0, indexof(datum.label, ' (= ')), substring(datum.label, indexof(datum.label, ' (= ') + 1)] : datum.label";

/**
 * `spec` is a layered chart whose rows carry the design's label in `field`; `order` lists the
 * labels in panel order; `first` is the first design's label; `lineLayer` is the layer index of
 * the median line (its x, y and order encodings are reused for the reference line).
 */
export function inPanels(spec: TopLevelSpec, field: string, order: string[], first: string, lineLayer: number): TopLevelSpec {
  const s = spec as any;
  const rows = s.data.values as Record<string, unknown>[];
  const own = rows.map((r) => ({ ...r, role: 'own' }));
  const firstRows = rows.filter((r) => r[field] === first);
  const ref = order.filter((p) => p !== first).flatMap((panel) => firstRows.map((r) => ({ ...r, [field]: panel, role: 'ref', reference: first })));
  const line = s.layer[lineLayer];
  const refLayer = {
    transform: [{ filter: "datum.role === 'ref'" }],
    mark: { type: 'line', color: '#666', strokeWidth: 1.6, ...(line.mark.interpolate ? { interpolate: line.mark.interpolate } : {}) },
    encoding: {
      x: line.encoding.x, y: line.encoding.y, ...(line.encoding.order ? { order: line.encoding.order } : {}),
      strokeDash: {
        field: 'reference', type: 'nominal', title: 'In every other panel, for comparison',
        scale: { domain: [first], range: [REFERENCE_DASH] },
        legend: { orient: 'bottom', symbolType: 'stroke', symbolStrokeColor: '#666', symbolStrokeWidth: 2, labelLimit: 0, titleLimit: 0, labelExpr: `datum.label + ' (first design, median)'` },
      },
    },
  };
  // Each panel holds one design: its colour says which, the header names it, so no legend and no
  // dash of its own (the dash channel belongs to the reference line here).
  const layers = (s.layer as any[]).map((l) => {
    const { strokeDash: _dash, ...encoding } = l.encoding;
    if (encoding.color) encoding.color = { ...encoding.color, legend: null };
    return { ...l, transform: [...(l.transform ?? []), { filter: "datum.role === 'own'" }], encoding };
  });
  const { layer: _layer, data: _data, width, height: _height, ...rest } = s;
  const columns = order.length <= 4 ? 2 : 3;
  const panelWidth = Math.max(200, Math.floor((width - (columns - 1) * SPACING.column) / columns));
  return {
    ...rest,
    // "b (= a)" headers break before the "(= a)", to stay within their panel's width.
    config: { ...rest.config, header: { labelFontSize: 12, labelFontWeight: 'bold', labelLimit: 0, labelPadding: 4, labelExpr: HEADER } },
    spacing: SPACING,
    data: { values: [...own, ...ref] },
    columns,
    // Lay the panels out by their own size: Vega, without canvas text metrics, over-estimates the
    // headers' width by about a third and would otherwise space the columns far apart.
    bounds: 'flush',
    facet: { field, type: 'nominal', title: null, sort: order },
    spec: { width: panelWidth, height: 150, layer: [refLayer, ...layers] },
  } as TopLevelSpec;
}
