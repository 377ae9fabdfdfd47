import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from '../../sim/engine/simulation.js';
import { PASSIVATE, Processes, type Process } from '../../sim/resources/process.js';
import { Limiter } from '../../sim/resources/limiter.js';
import { SharedLink } from '../../sim/resources/shared-link.js';
import { Signal } from '../../sim/resources/signal.js';

test('processes: holds, a limiter and a shared link, in one readable story (hand-worked log)', () => {
  // Two builds slots, one 10 B/s link. Boots 0, 1, 2 start at t = 0: 0 and 1 get slots, each
  // downloads 20 B sharing the link (both done at 4), then holds 1 s (done at 5) and releases.
  // Boot 2 gets a slot at 5, downloads alone (done at 7), boots by 8.
  const sim = new Simulation();
  const procs = new Processes(sim, 'boot');
  const builds = new Limiter(sim, 2);
  const nic = new SharedLink(sim, 10);
  const log: string[] = [];
  function* boot(p: Process) {
    yield p.acquire(builds);
    log.push(`slot${p.index}@${p.now}`);
    yield p.transfer(nic, 20);
    log.push(`image${p.index}@${p.now}`);
    yield 1;
    builds.release();
    log.push(`up${p.index}@${p.now}`);
  }
  for (let i = 0; i < 3; i++) procs.spawn(boot);
  sim.run();
  assert.deepEqual(log, [
    'slot0@0', 'slot1@0', 'image0@4', 'image1@4', 'up0@5', 'up1@5', 'slot2@5', 'image2@7', 'up2@8',
  ]);
  assert.equal(procs.alive, 0);
});

test('processes: signal wait, spawn delay, kill cancels the pending hold, indexes are recycled', () => {
  const sim = new Simulation();
  const procs = new Processes(sim);
  const ready = new Signal(sim);
  const log: string[] = [];
  const waiter = procs.spawn(function* (p) { yield p.waitFor(ready); log.push(`woke@${p.now}`); });
  procs.spawn(function* (p) { yield 3; ready.notifyAll(); log.push(`notified@${p.now}`); }, 1);
  const victim = procs.spawn(function* () { yield 100; log.push('never'); });
  const killer = sim.addHandler('killer', () => procs.kill(victim));
  sim.schedule(50, killer);
  sim.run();
  assert.deepEqual(log, ['notified@4', 'woke@4']);
  assert.equal(sim.now, 50, 'the killed process hold at 100 never fired');
  assert.equal(procs.isAlive(waiter), false);
  const again = procs.spawn(function* () { yield 1; });
  assert.ok(again <= 2, 'a finished index is reused');
  sim.run();
});

test('processes: a bad yield is reported; resuming a finished process throws', () => {
  const sim = new Simulation();
  const procs = new Processes(sim);
  procs.spawn(function* () { yield -5; });
  assert.throws(() => sim.run(), /yielded -5/);
  const sim2 = new Simulation();
  const procs2 = new Processes(sim2);
  let token = -1;
  const i = procs2.spawn(function* (p) { token = p.wakeToken; yield PASSIVATE; });
  sim2.run();
  sim2.schedule(0, procs2.id, token);
  sim2.run(); // resumes the passive process, which then finishes
  sim2.schedule(0, procs2.id, token);
  assert.throws(() => sim2.run(), /after it finished/);
  // The index is reused by a new process: the old token must not wake it.
  const j = procs2.spawn(function* () { yield PASSIVATE; });
  assert.equal(j, i);
  sim2.run();
  sim2.schedule(0, procs2.id, token);
  assert.throws(() => sim2.run(), /stale wake-up/);
});
