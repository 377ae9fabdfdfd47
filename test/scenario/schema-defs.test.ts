import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { jsonSchema, mergeIdenticalDefs, rootSchema } from '../../sim/scenario/schema.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Replaces every `$ref` by the definition it names, keeping the keywords beside it (a default, a
 * description: JSON Schema 2020-12 applies both); the schema has no recursive definitions.
 */
function expand(v: Json, defs: { [k: string]: Json }): Json {
  if (Array.isArray(v)) return v.map((x) => expand(x, defs));
  if (v && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    if (typeof v.$ref === 'string') Object.assign(out, expand(defs[v.$ref.slice('#/$defs/'.length)], defs));
    for (const [k, x] of Object.entries(v)) if (k !== '$defs' && k !== '$ref') out[k] = expand(x, defs);
    // Inlined, zod writes a union of bare types as `type: [a, b]`; behind a $ref as `anyOf`: the same schema.
    const any = out.anyOf;
    if (Array.isArray(any) && any.every((a) => a && typeof a === 'object' && !Array.isArray(a) && Object.keys(a).join() === 'type' && typeof a.type === 'string')) {
      delete out.anyOf;
      out.type = any.map((a) => (a as { type: string }).type);
    }
    return out;
  }
  return v;
}

test('schema.json with merged $defs says exactly what the fully inlined schema says', () => {
  const merged = jsonSchema() as { [k: string]: Json };
  const inlined = z.toJSONSchema(rootSchema(), { io: 'input', unrepresentable: 'any' }) as { [k: string]: Json };
  const { $id, title, ...rest } = merged;
  assert.equal($id, 'https://headroom.dev/scenario.schema.json');
  assert.equal(title, 'headroom scenario');
  assert.deepEqual(expand(rest, merged.$defs as { [k: string]: Json }), expand(inlined, {}));
  const size = JSON.stringify(merged).length;
  assert.ok(size < JSON.stringify(inlined).length / 2, `merged schema ${size} characters, inlined ${JSON.stringify(inlined).length}`);
});

test('mergeIdenticalDefs merges identical definitions to a fixpoint and numbers them in reading order', () => {
  const s = {
    type: 'object',
    properties: { a: { $ref: '#/$defs/x1' }, b: { $ref: '#/$defs/x2' }, c: { $ref: '#/$defs/y' } },
    $defs: {
      y: { type: 'string' },
      x1: { anyOf: [{ $ref: '#/$defs/n1' }, { type: 'null' }] },
      x2: { anyOf: [{ $ref: '#/$defs/n2' }, { type: 'null' }] },
      n1: { type: 'number', minimum: 0 },
      n2: { type: 'number', minimum: 0 },
    },
  };
  assert.deepEqual(mergeIdenticalDefs(s), {
    type: 'object',
    properties: { a: { $ref: '#/$defs/def1' }, b: { $ref: '#/$defs/def1' }, c: { $ref: '#/$defs/def3' } },
    $defs: {
      def1: { anyOf: [{ $ref: '#/$defs/def2' }, { type: 'null' }] },
      def2: { type: 'number', minimum: 0 },
      def3: { type: 'string' },
    },
  });
});
