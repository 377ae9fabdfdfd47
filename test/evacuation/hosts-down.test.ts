import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from '../../sim/engine/simulation.js';
import { Exponential, Lognormal } from '../../sim/random/distributions.js';
import { Streams } from '../../sim/random/streams.js';
import { FailureProcess, type FailureConfig } from '../../sim/openstack/nova/failures.js';

const H = 3600;

/** Runs the failure process alone on n hosts in one rack and returns it at the horizon. */
function run(n: number, cfg: FailureConfig, horizon: number, seed = 11): FailureProcess {
  const sim = new Simulation();
  const fp = new FailureProcess(sim, n, Int32Array.from([0, n]), cfg, new Streams(seed, 0), { hostDown() {}, hostUp() {} });
  fp.start();
  sim.run(horizon);
  fp.advance();
  return fp;
}

function near(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * expected, `${what}: ${actual} vs ${expected} (±${rel * 100}%)`);
}

test('VALIDATION 5: n = 50, MTBF 990 h, MTTR 10 h: P(≥1) 0.394994, P(≥2) 0.0894353, P(≥3) 0.0138173', () => {
  const fp = run(50, { timeToFailure: new Exponential(990 * H), repair: new Exponential(10 * H), repairCrews: Infinity, rackRate: 0, rackDuration: undefined }, 5e6 * H);
  near(fp.probAtLeast(1), 0.394994, 0.05, 'P(>=1)');
  near(fp.probAtLeast(2), 0.0894353, 0.05, 'P(>=2)');
  near(fp.probAtLeast(3), 0.0138173, 0.05, 'P(>=3)');
});

test('VALIDATION 5 (insensitivity): n = 20, MTBF 1000 h, lognormal MTTR 24 h: E[down] 0.46875, P(≥2) 0.0789937', () => {
  const fp = run(20, { timeToFailure: new Exponential(1000 * H), repair: Lognormal.fromMeanCv(24 * H, 1.5), repairCrews: Infinity, rackRate: 0, rackDuration: undefined }, 1e7 * H);
  near(fp.downArea / (1e7 * H), 0.46875, 0.02, 'E[down]');
  near(fp.probAtLeast(2), 0.0789937, 0.05, 'P(>=2)');
});

test('VALIDATION 6: machine repairman N = 20, MTTF 1000 h, MTTR 24 h, r = 1 and r = 2 crews', () => {
  const horizon = 1e7 * H;
  const one = run(20, { timeToFailure: new Exponential(1000 * H), repair: new Exponential(24 * H), repairCrews: 1, rackRate: 0, rackDuration: undefined }, horizon);
  near(one.downArea / horizon, 0.79842, 0.02, 'E[down] r=1');
  near(one.probAtLeast(2), 0.202040, 0.05, 'P(>=2) r=1');
  near(1 - one.downArea / horizon / 20, 0.960079, 0.002, 'availability r=1');
  const two = run(20, { timeToFailure: new Exponential(1000 * H), repair: new Exponential(24 * H), repairCrews: 2, rackRate: 0, rackDuration: undefined }, horizon);
  near(two.downArea / horizon, 0.49101, 0.02, 'E[down] r=2');
  near(two.probAtLeast(2), 0.085871, 0.05, 'P(>=2) r=2');
});

test('rack outages take the whole rack down: rate and duration reproduce E[hosts down] = hosts × rate × duration', () => {
  // 2 racks of 5, 1 outage per rack per 100 h lasting 1 h on average: each rack is down 1/101 of the time (alternating renewal).
  const sim = new Simulation();
  const fp = new FailureProcess(sim, 10, Int32Array.from([0, 5, 10]),
    { timeToFailure: undefined, repair: new Exponential(1), repairCrews: Infinity, rackRate: 1 / (100 * H), rackDuration: new Exponential(1 * H) }, new Streams(3, 0), { hostDown() {}, hostUp() {} });
  fp.start();
  sim.run(2e6 * H);
  fp.advance();
  near(fp.downArea / (2e6 * H), 10 / 101, 0.03, 'E[down]');
  // Only multiples of 5 hosts are ever down together.
  for (let k = 0; k <= 10; k++) if (k % 5 !== 0) assert.equal(fp.atLeastArea[k], 0);
  assert.equal(fp.maxHostsDown, 10);
});

test('common random numbers: the failure history depends only on (seed, replication), not on the listener', () => {
  const cfg: FailureConfig = { timeToFailure: new Exponential(100 * H), repair: new Exponential(5 * H), repairCrews: 2, rackRate: 1 / (500 * H), rackDuration: new Exponential(H) };
  const trace = (busy: boolean) => {
    const sim = new Simulation();
    const events: string[] = [];
    const fp = new FailureProcess(sim, 8, Int32Array.from([0, 4, 8]), cfg, new Streams(5, 2), {
      hostDown: (h) => { events.push(`d${h}@${sim.now}`); if (busy) new Streams(9, 9).stream('scheduler').next(); },
      hostUp: (h) => events.push(`u${h}@${sim.now}`),
    });
    fp.start();
    sim.run(5000 * H);
    return events;
  };
  assert.deepEqual(trace(true), trace(false));
});
