/**
 * Design patches are plain YAML values deep-merged onto the base scenario: objects merge key by
 * key, anything else (numbers, strings, arrays) replaces. Arrays replace rather than merge because
 * "racks: [...]" in a design means "these racks", not "append these".
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: Json | undefined, patch: Json | undefined): Json | undefined {
  if (patch === undefined) return clone(base);
  if (!isObject(base) || !isObject(patch)) return clone(patch);
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(base)) out[k] = clone(v) as Json;
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v) as Json;
  return out;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

export function getPath(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** Sets `path` in `root` (creating objects on the way); returns false when a step is not an object. */
export function setPath(root: Record<string, Json>, path: readonly string[], value: Json): boolean {
  let v: Record<string, Json> = root;
  for (const k of path.slice(0, -1)) {
    if (v[k] === undefined) v[k] = {};
    const next = v[k];
    if (!isObject(next)) return false;
    v = next;
  }
  v[path[path.length - 1]] = value;
  return true;
}
