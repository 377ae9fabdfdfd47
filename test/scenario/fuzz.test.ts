import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { corpus, mutantArb, mutate, validateMutant } from './fuzz.js';

/**
 * The scenario fuzzer, short run (a few seconds): mutants of the bundled scenarios are refused
 * with located lines or accepted, never an exception, a malformed line or a hang. The full run
 * (10,000 cases, accepted mutants run) is fuzz.full.test.ts.
 */
test('fuzz: 40 mutants of the bundled scenarios are each refused with located lines or accepted', () => {
  const bases = corpus();
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  console.log(`fuzz seed ${seed} (rerun with FUZZ_SEED=${seed})`);
  let refused = 0;
  fc.assert(fc.property(mutantArb(bases.length), (m) => {
    const text = mutate(bases, m);
    const o = validateMutant(text);
    if (o.kind === 'refused') refused++;
  }), { numRuns: 40, seed });
  assert.ok(refused > 0, 'mutations do produce bad scenarios');
});

test('the corpus is every bundled scenario but the scale ones (their accepted mutants would not run within the limit)', () => {
  const files = corpus().map((b) => b.file);
  for (const f of ['scenarios/evacuation.yaml', 'scenarios/boot.yaml', 'scenarios/validation/mm1.yaml']) assert.ok(files.includes(f), f);
  assert.deepEqual(files.filter((f) => /hosts|disks/.test(f) && /\d{4,}/.test(f)), []);
});
