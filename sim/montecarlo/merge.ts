import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadScenarioText, type LoadedScenario, type Overrides } from '../scenario/load.js';
import { ScenarioError, type Located } from '../scenario/problems.js';
import { layoutOf } from './layout.js';
import { maxReplications, type RunResult, type StudyResult } from './run.js';
import { float64FromBytes, scenarioHash, sha256, SHARD_FORMAT, shardBlock, type ShardManifest } from './shard.js';

/**
 * `headroom merge`: shard folders → the run a single machine would have made. Every check that
 * can fail is a located problem (exit 2), all collected before anything is written: shards of
 * another scenario, seed, version or N; a shard missing or given twice; a folder that is not a
 * shard or whose files were altered.
 */
const manifestSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  version: z.string(),
  scenario: z.string(),
  file: z.string(),
  scenarioHash: z.string().regex(/^[0-9a-f]{64}$/),
  seed: z.number().int().nonnegative(),
  overrides: z.object({ seed: z.number().int().nonnegative().optional(), replications: z.number().int().positive().optional() }).strict(),
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).strict()
    .refine((s) => s.index <= s.count, 'index must be <= count'),
  studies: z.array(z.object({
    name: z.string(),
    replications: z.number().int().nonnegative(),
    stride: z.number().int().positive(),
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
    values: z.string().regex(/^[A-Za-z0-9_.-]+\.f64$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }).strict()),
  events: z.number().nonnegative(),
  wallSeconds: z.number().nonnegative(),
  workers: z.number().int().positive(),
}).strict();

export interface ShardFolder {
  dir: string;
  manifest: ShardManifest;
  text: string;
}

export interface MergedRun {
  loaded: LoadedScenario;
  overrides: Overrides;
  /** The scenario file as the shards were run with it. */
  file: string;
  run: RunResult;
  shards: number;
}

const EXPECT_SHARD = 'expected a folder written by headroom run FILE --shard K/N --out DIR';

function problem(file: string, path: (string | number)[], message: string): Located {
  return { file, line: 1, col: 1, path, message };
}

/** Reads and checks one shard folder on its own; problems are pushed, undefined when unusable. */
function readShardFolder(dir: string, problems: Located[]): ShardFolder | undefined {
  const manifestFile = join(dir, 'shard.json');
  if (!existsSync(manifestFile)) {
    problems.push(problem(manifestFile, [], `not found (${EXPECT_SHARD})`));
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    problems.push(problem(manifestFile, [], `not JSON: ${(e as Error).message} (${EXPECT_SHARD})`));
    return undefined;
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(problem(manifestFile, issue.path as (string | number)[], `${issue.message} (${EXPECT_SHARD})`));
    return undefined;
  }
  const manifest = parsed.data as ShardManifest;
  const scenarioFile = join(dir, 'scenario.yaml');
  let text: string;
  try {
    text = readFileSync(scenarioFile, 'utf8');
  } catch {
    problems.push(problem(scenarioFile, [], `not found (${EXPECT_SHARD})`));
    return undefined;
  }
  if (scenarioHash({ text, seed: manifest.seed }, manifest.overrides) !== manifest.scenarioHash) {
    problems.push(problem(scenarioFile, [], `does not hash to shard.json's scenarioHash (expected the scenario exactly as the shard ran it)`));
    return undefined;
  }
  return { dir, manifest, text };
}

/**
 * Checks that `dirs` are the N shards of one run, exactly once each, and joins their rows.
 * `version` is the merging program's: shards of another version are refused, since summary.json
 * is computed by this version from rows computed by theirs.
 */
export function mergeShardFolders(dirs: string[], version: string): MergedRun {
  const problems: Located[] = [];
  const shards = dirs.map((d) => readShardFolder(d, problems)).filter((s): s is ShardFolder => s !== undefined);
  if (problems.length > 0) throw new ScenarioError(problems);
  const first = shards[0];
  const at = (s: ShardFolder, path: (string | number)[], message: string) => problems.push(problem(join(s.dir, 'shard.json'), path, message));
  for (const s of shards) {
    const m = s.manifest;
    if (m.version !== version) at(s, ['version'], `${m.version} (expected ${version}, the version of this headroom: merge with the version that ran the shards)`);
    if (s === first) continue;
    const f = first.manifest;
    if (m.scenarioHash !== f.scenarioHash) {
      at(s, ['scenarioHash'], `${m.scenarioHash.slice(0, 12)}… differs from ${first.dir}'s ${f.scenarioHash.slice(0, 12)}… (expected shards of one scenario as run: same file text, --seed and --replications)`);
    }
    if (m.seed !== f.seed) at(s, ['seed'], `${m.seed} differs from ${first.dir}'s ${f.seed} (expected one seed for every shard)`);
    if (m.shard.count !== f.shard.count) at(s, ['shard', 'count'], `${m.shard.count} differs from ${first.dir}'s ${f.shard.count} (expected every shard cut with the same N)`);
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  const count = first.manifest.shard.count;
  const byIndex = new Map<number, ShardFolder>();
  for (const s of shards) {
    const other = byIndex.get(s.manifest.shard.index);
    if (other) at(s, ['shard', 'index'], `shard ${s.manifest.shard.index}/${count} given twice, also in ${other.dir} (expected each shard once)`);
    else byIndex.set(s.manifest.shard.index, s);
  }
  const missing: number[] = [];
  for (let k = 1; k <= count; k++) if (!byIndex.has(k)) missing.push(k);
  if (missing.length > 0) {
    const list = missing.length > 10 ? `${missing.slice(0, 10).join(', ')}, … (${missing.length} in all)` : missing.join(', ');
    problems.push(problem(dirs.join(' '), ['shard'], `shard${missing.length > 1 ? 's' : ''} ${list} of ${count} missing (expected one folder for each of shards 1..${count})`));
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  const f = first.manifest;
  const loaded = loadScenarioText(first.text, f.file, f.overrides);
  const results: StudyResult[] = loaded.studies.map((plan) => {
    const layout = layoutOf(plan);
    const replications = maxReplications(plan);
    return { plan, layout, replications, values: new Float64Array(replications * layout.stride) };
  });
  for (const s of byIndex.values()) {
    const m = s.manifest;
    if (m.studies.length !== results.length || m.studies.some((st, i) => st.name !== results[i].plan.name)) {
      at(s, ['studies'], `${m.studies.map((st) => st.name).join(', ')} (expected the studies of the scenario: ${results.map((r) => r.plan.name).join(', ')})`);
      continue;
    }
    m.studies.forEach((st, i) => {
      const res = results[i];
      const [from, to] = shardBlock(m.shard, res.replications);
      if (st.replications !== res.replications || st.stride !== res.layout.stride || st.from !== from || st.to !== to) {
        at(s, ['studies', i], `rows ${st.from}..${st.to} of ${st.replications} × ${st.stride} (expected rows ${from}..${to} of ${res.replications} × ${res.layout.stride})`);
        return;
      }
      const file = join(s.dir, st.values);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(file);
      } catch {
        problems.push(problem(file, [], `not found (${EXPECT_SHARD})`));
        return;
      }
      if (bytes.length !== (to - from) * st.stride * 8 || sha256(bytes) !== st.sha256) {
        problems.push(problem(file, [], `${bytes.length} bytes that do not match shard.json's sha256 (expected the rows as the shard wrote them)`));
        return;
      }
      res.values.set(float64FromBytes(bytes), from * st.stride);
    });
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  const all = [...byIndex.values()].map((s) => s.manifest);
  const run: RunResult = {
    studies: results,
    events: all.reduce((n, m) => n + m.events, 0),
    // The shards ran side by side: the run took as long as the slowest, on all their workers.
    wallMs: Math.max(...all.map((m) => m.wallSeconds)) * 1000,
    workers: all.reduce((n, m) => n + m.workers, 0),
  };
  return { loaded, overrides: f.overrides, file: f.file, run, shards: count };
}
