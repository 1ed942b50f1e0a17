/**
 * The subset of JSON Schema (2020-12) that z.toJSONSchema emits for the state file: type, const,
 * enum, pattern, minLength, properties/required/additionalProperties, propertyNames, items, anyOf.
 * Returns the problems found (empty: valid). Enough to hold a published schema against real files.
 */
type Schema = Record<string, unknown>;

const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value);

export function schemaProblems(schema: Schema, value: unknown, where = '$'): string[] {
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as Schema[]).some((s) => schemaProblems(s, value, where).length === 0) ? [] : [`${where}: matches none of anyOf`];
  }
  const problems: string[] = [];
  const type = schema.type as string | undefined;
  const actual = typeOf(value);
  if (type !== undefined && !(type === actual || (type === 'number' && actual === 'integer'))) return [`${where}: ${actual}, expected ${type}`];
  if ('const' in schema && value !== schema.const) problems.push(`${where}: not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${where}: not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${where}: does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${where}: shorter than ${schema.minLength}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...schemaProblems(schema.items as Schema, item, `${where}[${i}]`)));
  if (actual === 'object' && (schema.properties || schema.additionalProperties !== undefined || schema.propertyNames)) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) problems.push(`${where}.${key}: missing`);
    for (const [key, item] of Object.entries(object)) {
      if (schema.propertyNames) problems.push(...schemaProblems(schema.propertyNames as Schema, key, `${where} key ${JSON.stringify(key)}`));
      if (Object.hasOwn(properties, key)) problems.push(...schemaProblems(properties[key]!, item, `${where}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${where}.${key}: not allowed`);
      else if (typeof schema.additionalProperties === 'object')
        problems.push(...schemaProblems(schema.additionalProperties as Schema, item, `${where}.${key}`));
    }
  }
  return problems;
}
