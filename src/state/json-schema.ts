/**
 * The state file's JSON Schema, generated from the zod schema that reads it (so the two cannot
 * drift): published as docs/state-file.schema.json (`npm run schema`), checked by a test.
 */
import { z } from 'zod';
import { currentStateVersion, labStateSchema } from './schema.js';

export const stateSchemaPath = 'docs/state-file.schema.json';

export function stateJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(labStateSchema, { target: 'draft-2020-12', io: 'input' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: `kthw lab state, version ${currentStateVersion}`,
    description: "A lab's progress as kthw records it in <lab directory>/state.json (docs/state-file.md describes every field).",
    ...rest,
  };
}

export const stateJsonSchemaText = () => `${JSON.stringify(stateJsonSchema(), null, 2)}\n`;
