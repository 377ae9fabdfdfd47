import { createHash } from 'node:crypto';
import type { LoadedScenario, Overrides } from '../scenario/load.js';
import type { RunResult } from './run.js';

/**
 * Shards: replication block K of N of every study, for batch engines (Kubernetes Indexed Jobs, CI
 * matrices). A block holds whole replications — every design and sweep point of each — so common
 * random numbers stay paired inside a shard, and since the numbers of replication r depend only on
 * (seed, r, stream name), the union of the N blocks is exactly the single-machine run.
 */
export interface ShardSpec {
  /** 1-based, as `--shard 1/3` … `3/3`. */
  index: number;
  count: number;
}

export const SHARD_FORMAT = 'headroom-shard/1';
/** The most shards a run may be cut into: more is a typo, not a cluster. */
export const MAX_SHARDS = 100_000;

/** Parses `K/N`; returns a problem sentence instead when it is not a valid shard. */
export function parseShard(text: string): ShardSpec | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `--shard must be K/N with whole numbers 1 <= K <= N, got "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) return `--shard ${text}: N must be between 1 and ${MAX_SHARDS}`;
  if (index < 1 || index > count) return `--shard ${text}: K must be between 1 and N (${count})`;
  return { index, count };
}

/**
 * Replications [from, to) of shard K of N over `replications`: contiguous blocks whose sizes differ
 * by at most one; with more shards than replications some blocks are empty.
 */
export function shardBlock(spec: ShardSpec, replications: number): [number, number] {
  const from = Math.floor(((spec.index - 1) * replications) / spec.count);
  const to = Math.floor((spec.index * replications) / spec.count);
  return [from, to];
}

/**
 * Identifies the scenario as run: its text and the command line's overrides (effective seed,
 * replications). Shards or queue chunks with the same hash compute rows of the same table.
 */
export function scenarioHash(loaded: Pick<LoadedScenario, 'text' | 'seed'>, overrides: Overrides): string {
  return createHash('sha256')
    .update(JSON.stringify({ text: loaded.text, seed: loaded.seed, replications: overrides.replications ?? null }))
    .digest('hex');
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What shard.json says about one study of the shard. */
export interface ShardStudy {
  name: string;
  /** All replications of the study (the length of the merged table). */
  replications: number;
  stride: number;
  from: number;
  to: number;
  /** Rows from..to as little-endian float64, in `values` (a file of the shard folder). */
  values: string;
  sha256: string;
}

/** shard.json: everything merge needs to check shards belong together and rebuild the run. */
export interface ShardManifest {
  format: typeof SHARD_FORMAT;
  version: string;
  scenario: string;
  /** The scenario file as given to `headroom run` (for the merged run.json's command). */
  file: string;
  scenarioHash: string;
  seed: number;
  overrides: Overrides;
  shard: ShardSpec;
  studies: ShardStudy[];
  events: number;
  wallSeconds: number;
  workers: number;
}

/** Float64 values as little-endian bytes, whatever the machine's byte order. */
export function float64Bytes(values: Float64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return out;
}

export function float64FromBytes(bytes: Uint8Array): Float64Array {
  const out = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/**
 * The files of a shard folder for the block `spec` of a run made with `block: shardBlock(spec, …)`:
 * shard.json, scenario.yaml and one `<study>.f64` per study with its rows from..to.
 */
export function shardFiles(loaded: LoadedScenario, overrides: Overrides, run: RunResult, spec: ShardSpec, meta: { version: string; file: string }): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  const studies: ShardStudy[] = run.studies.map((s) => {
    const [from, to] = shardBlock(spec, s.replications);
    const bytes = float64Bytes(s.values.subarray(from * s.layout.stride, to * s.layout.stride));
    const values = `${s.plan.name}.f64`;
    files.set(values, bytes);
    return { name: s.plan.name, replications: s.replications, stride: s.layout.stride, from, to, values, sha256: sha256(bytes) };
  });
  const manifest: ShardManifest = {
    format: SHARD_FORMAT,
    version: meta.version,
    scenario: loaded.name,
    file: meta.file,
    scenarioHash: scenarioHash(loaded, overrides),
    seed: loaded.seed,
    overrides: { ...(overrides.seed !== undefined ? { seed: overrides.seed } : {}), ...(overrides.replications !== undefined ? { replications: overrides.replications } : {}) },
    shard: spec,
    studies,
    events: run.events,
    wallSeconds: run.wallMs / 1000,
    workers: run.workers,
  };
  files.set('shard.json', JSON.stringify(manifest, null, 2) + '\n');
  files.set('scenario.yaml', loaded.text);
  return files;
}
