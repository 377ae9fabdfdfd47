import { z } from 'zod';
import type { StudyDefinition } from '../../sim/studies/study.js';
import { duration, rate } from '../../sim/units/zod-units.js';
import { studies } from '../../sim/studies/registry.js';

/**
 * A tiny study for testing the loader and runner mechanics in-process: its metric is a draw from
 * the 'probe' stream scaled by `size`, so tests can see which parameters and streams reached it.
 */
export const probe: StudyDefinition<{ size: number; rate: number; delay: number; fail_at?: number }> = {
  name: 'probe',
  title: 'Probe',
  question: 'Does the loader deliver the right parameters?',
  needsCloud: false,
  schema: z.object({ size: z.number().min(0).default(1), rate: rate().prefault('1/h'), delay: duration().prefault('1s'), fail_at: z.number().int().optional() }).strict(),
  metrics: { draw: { label: 'Draw', unit: '1', kind: 'ratio', description: 'size × uniform draw' }, size: { label: 'Size', unit: '1', kind: 'ratio', description: 'the size parameter' } },
  check: (input) => (input.config.size > 100 ? [{ path: ['studies', 'probe', 'size'], message: `size ${input.config.size} is too big (expected <= 100)` }] : []),
  replicate: (input, ctx) => {
    if (ctx.replication === input.config.fail_at) throw new Error('probe failed on purpose');
    return { metrics: { draw: input.config.size * ctx.streams.stream('probe').next(), size: input.config.size }, events: 0 };
  },
};

export function registerProbe(): void {
  if (!studies.includes(probe)) studies.push(probe);
}
