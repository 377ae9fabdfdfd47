import { mergeShardFolders } from '../montecarlo/merge.js';
import { runCommand } from './run.js';
import { VERSION } from './version.js';

/**
 * `headroom merge DIR… --out OUT`: checks the shard folders belong to one run (exit 2 otherwise,
 * nothing written) and writes the output folder `headroom run FILE` writes, summary.json
 * byte-identical, charts and reports included.
 */
export async function mergeCommand(dirs: string[], opts: { out?: string; report?: boolean }): Promise<number> {
  const merged = mergeShardFolders(dirs, VERSION);
  const { seed, replications } = merged.overrides;
  return runCommand(merged.file, { out: opts.out, report: opts.report, seed, replications }, {
    loaded: merged.loaded,
    results: async () => merged.run,
  });
}
