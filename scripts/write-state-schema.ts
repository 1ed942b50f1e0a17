// Writes docs/state-file.schema.json from the zod schema of the state file (npm run schema).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stateJsonSchemaText, stateSchemaPath } from '../src/state/json-schema.js';

writeFileSync(fileURLToPath(new URL(`../${stateSchemaPath}`, import.meta.url)), stateJsonSchemaText());
console.log(`wrote ${stateSchemaPath}`);
