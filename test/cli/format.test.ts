import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue } from '../../sim/cli/format.js';

test('terminal numbers: durations and sizes for people, four significant digits otherwise', () => {
  assert.equal(formatValue(3866400, 's'), '44.75 d');
  assert.equal(formatValue(144.7, 's'), '2.412 min');
  assert.equal(formatValue(45, 's'), '45 s');
  assert.equal(formatValue(7200 * 2, 's'), '4 h');
  assert.equal(formatValue(207403749684019, 'bytes'), '188.6 TiB');
  assert.equal(formatValue(0.84991, 'probability'), '0.8499 probability');
  assert.equal(formatValue(12345.6, 'count'), '12346 count');
  assert.equal(formatValue(NaN, 's'), 'n/a');
  assert.equal(formatValue(Infinity, 's'), '∞');
});
