import { UsageError } from '../src/util/errors.js';

/**
 * Typed reading of a check spec's params. Every error names the check kind and the field, so a
 * chapter author sees at once which spec is wrong.
 */
export class ParamReader {
  constructor(
    private readonly kind: string,
    private readonly params: Record<string, unknown>,
    /** Set for items of a list param: `members[1].` */
    private readonly prefix = '',
  ) {}

  fail(field: string, expected: string): never {
    const got = JSON.stringify(this.params[field]) ?? 'undefined';
    const name = `${this.prefix}${field}`;
    throw new UsageError(`check "${this.kind}": param "${name}" must be ${expected} (got ${got})`, {
      where: `params.${name}`,
      fix: `Give "${name}" as ${expected} in the check spec.`,
    });
  }

  has(field: string): boolean {
    return this.params[field] !== undefined;
  }

  string(field: string): string {
    const value = this.params[field];
    if (typeof value !== 'string' || value === '' || value.includes('\0')) this.fail(field, 'a non-empty string without NUL bytes');
    return value;
  }

  optString(field: string): string | undefined {
    return this.has(field) ? this.string(field) : undefined;
  }

  /** A string or a list of strings, always returned as a list. */
  optStrings(field: string): string[] | undefined {
    const value = this.params[field];
    if (value === undefined) return undefined;
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item === '' || item.includes('\0'))) {
      this.fail(field, 'a string or a list of non-empty strings');
    }
    return list as string[];
  }

  optNumber(field: string, { min, max }: { min?: number; max?: number } = {}): number | undefined {
    const value = this.params[field];
    if (value === undefined) return undefined;
    const range = `${min ?? '-∞'}..${max ?? '∞'}`;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, `a number in ${range}`);
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) this.fail(field, `a number in ${range}`);
    return value;
  }

  optInteger(field: string, range: { min?: number; max?: number } = {}): number | undefined {
    const value = this.optNumber(field, range);
    if (value !== undefined && !Number.isInteger(value)) this.fail(field, 'an integer');
    return value;
  }

  optBoolean(field: string): boolean | undefined {
    const value = this.params[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') this.fail(field, 'true or false');
    return value;
  }

  optRegex(field: string): RegExp | undefined {
    const source = this.optString(field);
    if (source === undefined) return undefined;
    try {
      return new RegExp(source, 'm');
    } catch (error) {
      return this.fail(field, `a valid regular expression (${(error as Error).message})`);
    }
  }

  optEnum<T extends string>(field: string, choices: readonly T[]): T | undefined {
    const value = this.optString(field);
    if (value !== undefined && !choices.includes(value as T)) this.fail(field, `one of ${choices.join(', ')}`);
    return value as T | undefined;
  }

  /** A list of objects, each read by `read` with its own ParamReader (fields reported as `field[i].x`). */
  list<T>(field: string, read: (item: ParamReader) => T): T[] {
    const value = this.params[field];
    if (!Array.isArray(value) || value.length === 0) this.fail(field, 'a non-empty list');
    return value.map((item, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) this.fail(field, 'a list of objects');
      return read(new ParamReader(this.kind, item as Record<string, unknown>, `${this.prefix}${field}[${index}].`));
    });
  }
}
