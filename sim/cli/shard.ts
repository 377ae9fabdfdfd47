import { join } from 'node:path';
import { loadScenarioFile } from '../scenario/load.js';
import { runScenario } from '../montecarlo/run.js';
import { parseShard, shardBlock, shardFiles } from '../montecarlo/shard.js';
import { runCommand, type RunOptions } from './run.js';
import { VERSION } from './version.js';

/**
 * `headroom run FILE --shard K/N --out DIR`: replication block K of N of every study, written as a
 * partial result (shard.json, scenario.yaml, one `<study>.f64` of rows) for `headroom merge`.
 */
export async function shardRunCommand(file: string, opts: RunOptions & { shard: string }): Promise<number> {
  const spec = parseShard(opts.shard);
  if (typeof spec === 'string') {
    console.error(`headroom: ${spec}`);
    return 2;
  }
  if (opts.replication !== undefined || opts.trace !== undefined) {
    console.error('headroom: --shard runs a block of replications; --replication/--trace rerun one (use one or the other)');
    return 2;
  }
  const overrides = { seed: opts.seed, replications: opts.replications };
  const loaded = loadScenarioFile(file, overrides);
  const out = opts.out ?? join('out', `${loaded.name}.shard-${spec.index}-of-${spec.count}`);
  return runCommand(file, { ...opts, out }, {
    loaded,
    results: (l, o) => runScenario(l, { ...o, block: (replications) => shardBlock(spec, replications) }),
    partial: (folder, run) => {
      for (const [name, data] of shardFiles(loaded, overrides, run, spec, { version: VERSION, file })) folder.write(name, data);
      const rows = run.studies.map((s) => { const [from, to] = shardBlock(spec, s.replications); return `${s.plan.name} ${from}..${to - 1}`; }).join(', ');
      return `shard ${spec.index}/${spec.count} (replications ${rows}): ${join(out, 'shard.json')}; merge every shard with: headroom merge DIR… --out OUT`;
    },
  });
}
