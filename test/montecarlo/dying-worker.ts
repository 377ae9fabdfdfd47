import { existsSync, writeFileSync } from 'node:fs';
import runTask, { type Task } from '../../sim/montecarlo/worker.js';
import { registerProbe } from '../scenario/probe-study.js';

/**
 * The real worker, made to die on the chunk that starts at replication 0, as
 * HEADROOM_TEST_DIE says: `exit` (process.exit in the worker, every time), `exit-once:FILE`
 * (only the first time: FILE records that it did), `oom` (allocates until the worker's heap
 * limit ends it). Tests of worker death only.
 */
registerProbe();

export default function dyingTask(task: Task): Float64Array {
  const mode = process.env.HEADROOM_TEST_DIE ?? '';
  if (task.from === 0) {
    if (mode === 'exit') process.exit(9);
    if (mode.startsWith('exit-once:')) {
      const flag = mode.slice('exit-once:'.length);
      if (!existsSync(flag)) { writeFileSync(flag, 'died\n'); process.exit(9); }
    }
    if (mode === 'oom') {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(1e5).fill(hoard.length));
    }
  }
  return runTask(task);
}
