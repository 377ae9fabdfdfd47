import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distribution } from '../../sim/random/spec.js';
import { Deterministic, EmpiricalCdf, EmpiricalSamples, Erlang, Exponential, Lognormal, Normal, Uniform, Weibull } from '../../sim/random/distributions.js';

const duration = distribution('duration');
const parse = (spec: unknown) => duration.parse(spec);
const problems = (spec: unknown, kind: Parameters<typeof distribution>[0] = 'duration'): string[] => {
  const r = distribution(kind).safeParse(spec);
  assert.equal(r.success, false, `${JSON.stringify(spec)} should be refused`);
  return r.error!.issues.map((i) => i.message);
};
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${a} vs ${b}`);

test('specs in the units people write become distributions in seconds', () => {
  const e = parse({ exponential: { rate: '2/h' } });
  assert.ok(e instanceof Exponential);
  assert.equal(e.mean, 1800);
  assert.equal(parse({ exponential: { mean: '4h' } }).mean, 14400);
  const l = parse({ lognormal: { median: '4h', sigma: 1.4 } }) as Lognormal;
  assert.ok(l instanceof Lognormal);
  near(l.median, 14400);
  assert.equal(l.sigma, 1.4);
  const lm = parse({ lognormal: { mean: '90s', cv: 2 } }) as Lognormal;
  near(lm.mean, 90);
  near(Math.sqrt(lm.variance) / lm.mean, 2);
  const w = parse({ weibull: { shape: 1.5, mean: '30d' } }) as Weibull;
  assert.ok(w instanceof Weibull);
  near(w.mean, 30 * 86400);
  assert.equal((parse({ weibull: { shape: 1.5, scale: '30d' } }) as Weibull).scale, 30 * 86400);
  const u = parse({ uniform: { min: '1m', max: '5m' } }) as Uniform;
  assert.deepEqual([u.min, u.max], [60, 300]);
  const n = parse({ normal: { mean: '30s', sd: '5s' } }) as Normal;
  assert.deepEqual([n.mean, n.sd], [30, 5]);
  const k = parse({ erlang: { k: 2, mean: '1s' } }) as Erlang;
  assert.deepEqual([k.k, k.mean], [2, 1]);
  const d = parse('4h');
  assert.ok(d instanceof Deterministic);
  assert.equal(d.mean, 14400);
  assert.equal(parse({ deterministic: '250ms' }).mean, 0.25);
  assert.equal(parse(12).mean, 12);
  const s = parse({ empirical: { samples: ['12s', '15s', '1m'] } });
  assert.ok(s instanceof EmpiricalSamples);
  assert.equal(s.mean, 29);
  const c = parse({ empirical: { cdf: [['10s', 0], ['20s', 0.5], ['1m', 1]] } });
  assert.ok(c instanceof EmpiricalCdf);
  assert.equal(c.mean, 0.5 * 15 + 0.5 * 40);
});

test('other kinds: bytes, bandwidth, fraction', () => {
  assert.equal(distribution('bytes').parse({ exponential: { mean: '4MiB' } }).mean, 4 * 2 ** 20);
  assert.equal(distribution('bandwidth').parse('10Gbit/s').mean, 1.25e9);
  assert.equal(distribution('fraction').parse({ uniform: { min: '5%', max: '15%' } }).mean, 0.1);
});

test('bad specs give readable reasons with what was expected', () => {
  assert.deepEqual(problems({ gamma: { k: 1 } }),
    ['unknown distribution "gamma" (expected one of deterministic, uniform, exponential, normal, lognormal, weibull, erlang, empirical)']);
  assert.deepEqual(problems({ exponential: { mean: '4h', rate: '2/h' } }),
    ['exponential: parameters {mean, rate} do not fit (expected {mean} or {rate} (rate only for durations, e.g. 2/h))']);
  assert.deepEqual(problems({ lognormal: { median: '4h' } }),
    ['lognormal: parameters {median} do not fit (expected {median, sigma} or {mean, cv})']);
  assert.match(problems({ exponential: { mean: '4h' }, uniform: { min: 1, max: 2 } })[0], /a distribution is one key, got exponential, uniform/);
  assert.match(problems([1, 2])[0], /not a distribution: a list/);
  assert.match(problems(null)[0], /not a distribution: null/);
  assert.deepEqual(problems({ exponential: { mean: '4 parsecs' } }),
    ['mean: not a duration: "4 parsecs" (expected a duration like 90s, 5m, 4h, 365d (units ms s m h d w y))']);
  assert.match(problems({ exponential: { mean: '-4h' } })[0], /mean: must not be negative, got "-4h"/);
  assert.match(problems({ exponential: { mean: '0s' } })[0], /exponential mean: must be greater than zero/);
  assert.match(problems({ exponential: { rate: '0/h' } })[0], /rate: not a positive rate: "0\/h" \(expected a rate like 5\/y/);
  assert.match(problems({ exponential: { rate: '2/h' } }, 'bytes')[0], /exponential rate is only for durations/);
  assert.deepEqual(problems({ uniform: { min: '5m', max: '1m' } }), ['uniform: max "1m" is below min "5m" (expected min <= max)']);
  // One unreadable value is reported once, not again as a consequence.
  assert.deepEqual(problems({ uniform: { min: '5x', max: '1m' } }),
    ['min: not a duration: "5x" (expected a duration like 90s, 5m, 4h, 365d (units ms s m h d w y))']);
  assert.match(problems({ weibull: { shape: 0, mean: '30d' } })[0], /shape: must be > 0, got 0/);
  assert.match(problems({ lognormal: { median: '4h', sigma: -1 } })[0], /sigma: must be >= 0/);
  assert.match(problems({ erlang: { k: 1.5, mean: '1s' } })[0], /erlang: parameters \{k, mean\} do not fit \(expected \{k, mean\} with k a whole number >= 1\)/);
  assert.match(problems({ empirical: { cdf: [['10s', 0.2], ['20s', 1]] } })[0], /p from 0 to 1/);
  assert.match(problems('abc')[0], /value: not a duration: "abc"/);
  assert.match(problems('4h', 'bytes')[0], /value: not a bytes: "4h" \(expected a size like/);
});
