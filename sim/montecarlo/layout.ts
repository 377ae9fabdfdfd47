import type { StudyPlan } from '../scenario/load.js';
import { valueShape, type ValueShape } from '../studies/study.js';

/**
 * Where each variant's values sit in a replication's row. A study's results are one Float64Array
 * of replications × stride; variant v of replication r occupies
 * [r·stride + offset[v], r·stride + offset[v] + width[v]), its metrics in definition order then
 * its series (`shapes[v]`). Main thread and workers compute the same layout from the same plan,
 * so rows can be merged by index whatever the chunking.
 */
export interface Layout {
  shapes: ValueShape[];
  widths: number[];
  offsets: number[];
  stride: number;
}

export function layoutOf(plan: StudyPlan): Layout {
  const shapes = plan.variants.map((v) => valueShape(plan.definition, v.input));
  const widths = shapes.map((s) => s.width);
  const offsets: number[] = [];
  let stride = 0;
  for (const w of widths) { offsets.push(stride); stride += w; }
  return { shapes, widths, offsets, stride };
}
