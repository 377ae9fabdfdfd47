import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { simpyHold, simpyMmc } from '../../bench/simpy.js';

// The peer scripts must keep running and count events as the engine does (no timing
// assertions). Skipped where Debian's Python has no SimPy, rather than installing it from a test.
const hasSimPy = (() => {
  try { execFileSync('/usr/bin/python3', ['-c', 'import SimPy.Simulation'], { stdio: 'ignore' }); return true; } catch { return false; }
})();

test('SimPy peer: hold model counts one event per completed hold, M/M/c three per job', { skip: hasSimPy ? false : 'python3-simpy not installed' }, async () => {
  const hold = await simpyHold(1000, 5000, 1);
  assert.equal(hold.events, 5000);
  assert.ok(hold.eventsPerSec > 0 && Number.isFinite(hold.eventsPerSec));
  // SimPy's own notices: the 5,000 holds (the 1,000 initial activations come on top, partly).
  assert.ok(hold.notices >= 5000, `notices ${hold.notices}`);
  const mmc = await simpyMmc(20000, 4, 3, 1, 1);
  assert.equal(mmc.events, 60000);
  assert.equal(mmc.jobs, 20000);
  // SimPy processes about 5 notices per job (activation and resource continuations included).
  assert.ok(Math.abs(mmc.notices / 20000 - 5) < 0.1, `notices per job ${mmc.notices / 20000}`);
  // Wq of M/M/4 at λ = 3, μ = 1 is 0.509434: the model is the same queue.
  assert.ok(Math.abs(mmc.meanWait! - 0.509434) < 0.15, `mean wait ${mmc.meanWait}`);
});
