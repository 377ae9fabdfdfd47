import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deterministic } from '../../sim/random/distributions.js';
import { Streams } from '../../sim/random/streams.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { runScenario } from '../../sim/montecarlo/run.js';
import { rbdStudy, type RbdConfig } from '../../sim/studies/rbd.js';
import type { StudyInput } from '../../sim/studies/study.js';
import type { BenchFigure, BenchSuite } from '../figure.js';
import { perCall } from '../timing.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DAY = 86400, GiB = 2 ** 30;

/**
 * The rbd study's cost: one replication of 2,000 disks × 100 GiB over one year (target ≲ 180 ms
 * on one core: 100 replications in 10 s on 2 workers), for each design of scenarios/rbd.yaml with
 * its guests (10 GiB scale models of the disks, the default), and online-discard once more with
 * every disk simulated whole (guest.simulated_size 100 GiB: the cost the scale model saves).
 * Then the target itself: scenarios/rbd-2000-disks.yaml (the same disks, online discard), its
 * 100 replications on 2 workers, wall time with worker start-up, as `headroom run` does it.
 * Quick mode: 100 disks over 30 days, one replication per design; 4 replications of the target.
 */
export const suite: BenchSuite = async ({ quick }) => {
  const disks = quick ? 100 : 2000;
  const horizon = (quick ? 30 : 365) * DAY;
  const reps = quick ? 1 : 3;
  const loaded = loadScenarioFile(join(ROOT, 'scenarios', 'rbd.yaml'));
  const plan = loaded.studies.find((s) => s.name === 'rbd')!;
  const figures: BenchFigure[] = [];
  const variants = plan.variants.filter((x) => !x.sweep && x.design !== 'fstrim-virtio-blk');
  let warm = false;
  for (const whole of [false, true]) {
    for (const v of whole ? variants.filter((x) => x.design === 'online-discard') : variants) {
      const base = v.input as StudyInput<RbdConfig>;
      const c = base.config;
      const input: StudyInput<RbdConfig> = {
        ...base,
        horizon,
        // a pool large enough never to fill, so every replication runs the whole year
        cloud: { ...base.cloud, ceph: { ...base.cloud.ceph!, osds: 1000 } },
        config: {
          ...c,
          disks: { ...c.disks, initial: disks, arrivals: 0, lifetime: undefined, size: new Deterministic(100 * GiB) },
          guest: whole ? { ...c.guest, simulated_size: 100 * GiB } : c.guest,
        },
      };
      if (!warm) rbdStudy.replicate(input, { replication: 0, streams: new Streams(loaded.seed, 0) });
      warm = true;
      const t = perCall(reps, (r) => rbdStudy.replicate(input, { replication: r, streams: new Streams(loaded.seed, r) }));
      figures.push({
        name: `rbd ${disks} disks × 100 GiB, ${horizon / DAY} d, ${v.design}${whole ? ', whole disks' : ''} (ms)`, unit: 'ms', value: t.cpuMedianMs, biggerIsBetter: false,
        extra: `single thread, median of ${reps} (wall ${t.wallMedianMs.toFixed(0)} ms), scenarios/rbd.yaml guests, ${whole ? 'every block of every disk (simulated_size 100 GiB)' : `${c.guest.simulated_size / GiB} GiB scale models`}`,
      });
    }
  }
  const target = loadScenarioFile(join(ROOT, 'scenarios', 'rbd-2000-disks.yaml'), quick ? { replications: 4 } : {});
  const run = await runScenario(target, { workers: 2 });
  figures.push({
    name: `rbd-2000-disks.yaml, ${target.replications} replications, 2 workers (s)`, unit: 's', value: run.wallMs / 1000, biggerIsBetter: false,
    extra: `wall time with worker start-up (target: 100 replications in 10 s); ${(run.wallMs / target.replications).toFixed(0)} ms wall per replication`,
  });
  return figures;
};
