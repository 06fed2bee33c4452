/** Writes the JSON Schemas and the AsyncAPI document from `src/schemas.ts` (npm run schemas:export). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument, NOTIFICATION_SCHEMAS } from '../src/schemas';

const root = join(__dirname, '..');
mkdirSync(join(root, 'schemas'), { recursive: true });
for (const [type, schema] of Object.entries(NOTIFICATION_SCHEMAS))
  writeFileSync(join(root, 'schemas', `${type}.json`), `${JSON.stringify(schema, null, 2)}\n`);
writeFileSync(join(root, 'asyncapi.json'), `${JSON.stringify(asyncApiDocument(), null, 2)}\n`);
console.log(`wrote ${Object.keys(NOTIFICATION_SCHEMAS).length} schemas and asyncapi.json`);
