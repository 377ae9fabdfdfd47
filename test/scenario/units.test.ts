import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUnit } from '../../sim/units/units.js';

test('durations convert to seconds', () => {
  assert.equal(parseUnit('60s', 'duration'), 60);
  assert.equal(parseUnit('5m', 'duration'), 300);
  assert.equal(parseUnit('4h', 'duration'), 14400);
  assert.equal(parseUnit('365d', 'duration'), 365 * 86400);
  assert.equal(parseUnit('1y', 'duration'), 365 * 86400);
  assert.equal(parseUnit('250ms', 'duration'), 0.25);
  assert.equal(parseUnit('1.5 h', 'duration'), 5400);
  assert.equal(parseUnit(42, 'duration'), 42);
  assert.equal(parseUnit('60', 'duration'), undefined, 'a bare string without unit is ambiguous');
  assert.equal(parseUnit('60 parsecs', 'duration'), undefined);
});

test('sizes follow IEC (GiB) and SI (GB) exactly', () => {
  assert.equal(parseUnit('512GiB', 'bytes'), 512 * 2 ** 30);
  assert.equal(parseUnit('4MiB', 'bytes'), 4 * 2 ** 20);
  assert.equal(parseUnit('3TB', 'bytes'), 3e12);
  assert.equal(parseUnit('1KiB', 'bytes'), 1024);
  assert.equal(parseUnit('10Gbit/s', 'bytes'), undefined);
});

test('bandwidth in bits and bytes per second', () => {
  assert.equal(parseUnit('10Gbit/s', 'bandwidth'), 1.25e9);
  assert.equal(parseUnit('500MB/s', 'bandwidth'), 5e8);
  assert.equal(parseUnit('1GiB/s', 'bandwidth'), 2 ** 30);
  assert.equal(parseUnit('10Gbit', 'bandwidth'), undefined, 'a bandwidth needs /s');
});

test('fractions and percentages', () => {
  assert.equal(parseUnit('5%', 'fraction'), 0.05);
  assert.equal(parseUnit('0.85', 'fraction'), 0.85);
  assert.equal(parseUnit(0.85, 'fraction'), 0.85);
});

test('rates per unit time', () => {
  assert.equal(parseUnit('2/h', 'rate'), 2 / 3600);
  assert.equal(parseUnit('5%/y', 'rate'), 0.05 / (365 * 86400));
  assert.equal(parseUnit('3/s', 'rate'), 3);
  assert.equal(parseUnit('3', 'rate'), undefined);
});
