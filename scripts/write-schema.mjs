// Regenerates scenarios/schema.json from the zod schema (test/scenario/schema-sync.test.ts fails when it is stale).
import { writeFileSync } from 'node:fs';
const { jsonSchema } = await import('../dist/sim/scenario/schema.js');
writeFileSync(new URL('../scenarios/schema.json', import.meta.url), JSON.stringify(jsonSchema(), null, 2) + '\n');
console.log('wrote scenarios/schema.json');
