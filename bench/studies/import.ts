import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importBundle } from '../../sim/scenario/import/import.js';
import { loadScenarioText } from '../../sim/scenario/load.js';
import { checkNPlusK } from '../../sim/studies/evacuation-check.js';
import type { EvacuationConfig } from '../../sim/studies/evacuation.js';
import type { StudyInput } from '../../sim/studies/study.js';
import type { BenchFigure, BenchSuite } from '../figure.js';
import { writeBundle } from '../import-bundle.js';
import { cpuNowMs } from '../timing.js';

/**
 * `headroom import` at scale (issue target: 5,000 hypervisors and 200,000 servers import in
 * ≤ 10 s, and `headroom check` N+1 of the result in ≤ 30 s, on the 2-core reference machine):
 * a generated bundle (bench/import-bundle.ts), imported, then loaded from its YAML and checked
 * N+1 with racks, as the two commands do. One run each (seconds long), CPU and wall.
 */
export const suite: BenchSuite = async ({ quick }) => {
  const size = quick ? { hypervisors: 200, servers: 8000 } : { hypervisors: 5000, servers: 200000 };
  const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-import-'));
  try {
    writeBundle(dir, size);
    const label = `${size.hypervisors.toLocaleString('en')} hypervisors, ${size.servers.toLocaleString('en')} servers`;
    let c = cpuNowMs(), w = performance.now();
    const r = importBundle([dir]);
    const importCpu = cpuNowMs() - c, importWall = performance.now() - w;
    c = cpuNowMs(); w = performance.now();
    const loaded = loadScenarioText(r.yaml, 'imported.yaml');
    const input = loaded.studies.find((s) => s.name === 'evacuation')!.variants[0].input as StudyInput<EvacuationConfig>;
    const res = checkNPlusK(input, 1, { racks: true });
    const checkCpu = cpuNowMs() - c, checkWall = performance.now() - w;
    const figures: BenchFigure[] = [
      { name: `headroom import, ${label} (s)`, unit: 's', value: importCpu / 1000, biggerIsBetter: false,
        extra: `CPU seconds of reading the bundle and writing the scenario (${r.inventory.instances.length} instance lines); wall ${(importWall / 1000).toFixed(1)} s` },
      { name: `headroom check N+1 and racks of the imported cloud, ${label} (s)`, unit: 's', value: checkCpu / 1000, biggerIsBetter: false,
        extra: `CPU seconds of loading the YAML and checking ${res.runs} failures (${res.evacuated} evacuated, the others pruned); wall ${(checkWall / 1000).toFixed(1)} s` },
    ];
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
