import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Streams } from '../../sim/random/streams.js';
import { evacuationStudy } from '../../sim/studies/evacuation.js';
import { cloud, config, input } from './fixtures.js';

const H = 3600;

test('study metrics vs VALIDATION 5 (binomial): 50 hosts, MTBF 990 h, MTTR 10 h: E[down] 0.5, P(≥1) 0.394994, P(≥2) 0.0894353, P(≥3) 0.0138173', () => {
  const c = cloud({ racks: [{ name: 'r1', hosts: 50, ram: '64GiB', vcpus: 16 }], flavors: [{ name: 'm', ram: '4GiB', vcpus: 1, share: 1 }], fill: 0 });
  const cfg = config({ host_failures: { time_to_failure: { exponential: { mean: '990h' } } }, repair: { exponential: { mean: '10h' } }, move_back: false });
  const inp = { ...input(c, cfg, 4e5 * H) };
  let down = 0;
  const atLeast = [0, 0, 0];
  const R = 4;
  for (let r = 0; r < R; r++) {
    const v = evacuationStudy.replicate(inp, { replication: r, streams: new Streams(inp.seed, r) });
    down += v.metrics.mean_hosts_down / R;
    const series = v.series!.hosts_down_at_least;
    for (let k = 0; k < 3; k++) atLeast[k] += series[k] / R;
  }
  const near = (a: number, e: number, rel: number, what: string) => assert.ok(Math.abs(a - e) <= rel * e, `${what}: ${a} vs ${e}`);
  near(down, 0.5, 0.02, 'E[down]');
  near(atLeast[0], 0.394994, 0.02, 'P(>=1)');
  near(atLeast[1], 0.0894353, 0.04, 'P(>=2)');
  near(atLeast[2], 0.0138173, 0.08, 'P(>=3)');
});

