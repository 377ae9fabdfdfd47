// The reports against real runner output (test/fixtures/summary/runner-*): units beside the
// statistics, Wilson intervals, NaN written as null, sweeps with labels, `expect` results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportFromFolder } from '../../reports/index.js';
import { normaliseSummary, type Summary } from '../../reports/summary.js';
import { FIXTURES } from './fixtures.js';

function copy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `headroom-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

test('normalise: units come from the study, Wilson only for proportions, impossible CI ends cut, null is NaN', () => {
  const raw = JSON.parse(readFileSync(join(FIXTURES, 'runner-evac', 'summary.json'), 'utf8')) as Summary;
  const s = normaliseSummary(raw);
  const evac = s.studies.evacuation;
  const any = evac.designs['no-reserve'].metrics.any_stranded;
  assert.equal(any.unit, '0/1');
  assert.deepEqual(any.ci95, (raw.studies.evacuation.designs['no-reserve'].metrics.any_stranded as any).wilson95);
  const hours = evac.designs['no-reserve'].metrics.stranded_instance_hours;
  assert.equal(hours.unit, 'h');
  assert.ok(hours.ci95[0] >= 0 && hours.ci95t![0] < 0, 'the t interval reached below 0 and was cut');
  const sweepPoint = evac.sweeps![0].designs['static-reserve'][0].metrics.held_back_fraction;
  assert.equal(sweepPoint.unit, 'fraction');
  // A seconds metric that was 0 in every replication keeps its (zero-width) t interval.
  const fake = structuredClone(raw);
  (fake.studies.evacuation.designs['no-reserve'].metrics.downtime_p95 as any) = { n: 20, mean: 0, sd: 0, ci95: [0, 0], p50: 0, p95: 0, p99: 0, min: 0, max: 0, nonFinite: 0, wilson95: [0, 0.16] };
  (fake.studies.evacuation.designs['no-reserve'].series!.downtime_cdf.p50 as any)[0] = null;
  const n = normaliseSummary(fake);
  assert.deepEqual(n.studies.evacuation.designs['no-reserve'].metrics.downtime_p95.ci95, [0, 0]);
  assert.ok(Number.isNaN(n.studies.evacuation.designs['no-reserve'].series!.downtime_cdf.p50[0]));
});

test('an evacuation output folder re-renders with the sweep, CDF and design charts', async () => {
  const dir = copy('runner-evac');
  const f = await reportFromFolder(dir);
  assert.deepEqual(f.warnings, []);
  const charts = readdirSync(join(dir, 'charts')).filter((c) => c.endsWith('.vl.json'));
  for (const want of ['evacuation-any-stranded-sweep-vs-held-back-fraction', 'evacuation-stranded-instance-hours-sweep-vs-held-back-fraction', 'evacuation-downtime-cdf', 'evacuation-any-stranded-by-design']) {
    assert.ok(charts.includes(`${want}.vl.json`), want);
  }
  const html = readFileSync(f.report, 'utf8');
  assert.match(html, /headroom run scenarios\/evacuation\.yaml --replications 20/);
  assert.match(html, /Largest paired difference/);
});

test('a validation output folder states agreement with the closed forms', async () => {
  const dir = copy('runner-mm1');
  const f = await reportFromFolder(dir);
  const html = readFileSync(f.report, 'utf8');
  assert.match(html, /All 6 simulated means with a closed form are within [\d.]+ % of it/);
  assert.match(html, /data-chart="queue-validation"/);
  assert.match(html, /id="expect"/);
  // The tail series carry the closed form as a dashed line.
  const spec = JSON.parse(readFileSync(join(dir, 'charts', 'queue-number-in-system-tail-vs-jobs-in-system-k.vl.json'), 'utf8'));
  const exact = spec.layer.find((l: any) => l.encoding?.strokeDash?.field === 'curve');
  assert.ok(exact, 'closed-form layer');
  const at5 = exact.data.values.find((v: any) => v.x === 5);
  assert.ok(Math.abs(at5.y - 32.768) < 1e-9, `P(N ≥ 5) = ${at5.y} %`);
});
