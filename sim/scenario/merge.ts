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
  for (const [k, v] of Object.entries(base)) put(out, k, clone(v) as Json);
  for (const [k, v] of Object.entries(patch)) put(out, k, deepMerge(own(base, k), v) as Json);
  return out;
}

/**
 * Own properties only, read and written as plain data: a key named `__proto__` or `constructor`
 * can never reach or replace an object's prototype (the loader refuses such keys anyway).
 */
export function own(obj: object, k: string | number): Json | undefined {
  return Object.hasOwn(obj, k) ? (obj as Record<string | number, Json>)[k] : undefined;
}

function put(obj: Record<string, Json>, k: string, v: Json): void {
  Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
}

export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

export function getPath(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = own(v, k);
  }
  return v;
}

/** Sets `path` in `root` (creating objects on the way); returns false when a step is not an object. */
export function setPath(root: Record<string, Json>, path: readonly string[], value: Json): boolean {
  let v: Record<string, Json> = root;
  for (const k of path.slice(0, -1)) {
    if (own(v, k) === undefined) put(v, k, {});
    const next = v[k];
    if (!isObject(next)) return false;
    v = next;
  }
  put(v, path[path.length - 1], value);
  return true;
}
