// Chart text on the deck's slides: every text of every chart, at the size the deck places the
// chart's slide image, is at least 14 pt (readable when projected). Every chart is checked, not
// only the ones a slide shows today: any of them can become a study's main chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartsForSummary } from '../../reports/charts/plan.js';
import { paretoCharts } from '../../reports/charts/pareto.js';
import { slideSvg } from '../../reports/charts/write.js';
import { chartPlacement, MIN_CHART_PT, slideFontPoints, svgSize } from '../../reports/charts/slide.js';
import { normaliseSummary, type Summary } from '../../reports/summary.js';
import { FIXTURES } from './fixtures.js';

const runs: Summary[] = [
  ...['reference-cloud', 'queue'].map((n) => JSON.parse(readFileSync(join(FIXTURES, `${n}.json`), 'utf8')) as Summary),
  ...['runner-evac', 'runner-mm1'].map((n) => normaliseSummary(JSON.parse(readFileSync(join(FIXTURES, n, 'summary.json'), 'utf8')))),
];

test(`every chart's text is at least ${MIN_CHART_PT} pt once placed on its slide`, async () => {
  let checked = 0;
  for (const summary of runs) {
    for (const c of [...paretoCharts(summary.studies), ...chartsForSummary(summary)]) {
      const { svg, warnings } = await slideSvg(c.spec);
      assert.deepEqual(warnings, [], c.name);
      const points = slideFontPoints(svg);
      assert.ok(points.length > 5, `${c.name}: ${points.length} texts`);
      const { width, height } = svgSize(svg);
      const placed = chartPlacement(width, height);
      const smallest = Math.min(...points);
      assert.ok(smallest >= MIN_CHART_PT, `${summary.scenario} ${c.name}: ${smallest.toFixed(1)} pt (image ${width}×${height} px placed ${placed.w.toFixed(2)}×${placed.h.toFixed(2)} in)`);
      checked++;
    }
  }
  assert.ok(checked > 20, `${checked} charts`);
});

test('placement: a chart image fills the 7.5 in width unless it would run off the slide', () => {
  assert.deepEqual(chartPlacement(750, 300), { w: 7.5, h: 3 });
  const tall = chartPlacement(500, 500);
  assert.ok(Math.abs(tall.w - tall.h) < 1e-9 && tall.h < 7.5 - 2);
  // 20 px text in a 720 px wide image shown 7.5 in wide: 20 × 540 / 720 = 15 pt.
  const svg = '<svg class="marks" width="720" height="300" viewBox="0 0 720 300"><text font-size="20px">a</text></svg>';
  assert.deepEqual(slideFontPoints(svg), [15]);
});
