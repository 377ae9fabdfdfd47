import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { suite } from '../../bench/simpy.js';

// The peer scripts must keep running (no timing assertions). Skipped where Debian's Python has
// no SimPy, rather than installing it from a test.
const hasSimPy = (() => {
  try { execFileSync('/usr/bin/python3', ['-c', 'import SimPy.Simulation'], { stdio: 'ignore' }); return true; } catch { return false; }
})();

test('SimPy peer suite (quick) returns hold and M/M/c events/s', { skip: hasSimPy ? false : 'python3-simpy not installed' }, async () => {
  const figures = await suite({ quick: true });
  assert.deepEqual(figures.map((f) => f.name), ['SimPy hold model (events/s)', 'SimPy M/M/c (events/s)']);
  for (const f of figures) {
    assert.ok(f.value > 0 && Number.isFinite(f.value), `${f.name}: ${f.value}`);
    assert.equal(f.biggerIsBetter, true);
  }
  assert.match(figures[1].extra!, /3 events\/job \(SimPy processed 5\.0 notices\/job\)/);
});
