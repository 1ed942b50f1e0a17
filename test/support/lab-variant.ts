import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A shipped lab file under another name with its addresses moved (each `[from, to]` replaced
 * everywhere), written into `dir`: a lab of one test file's (or benchmark's) own that never meets another's.
 */
export function labVariant(dir: string, shipped: 'classic' | 'ipv6-ha', name: string, moves: Array<[string, string]>): string {
  let text = readFileSync(join(import.meta.dirname, '..', '..', 'lab', `${shipped}.yaml`), 'utf8').replace(
    new RegExp(`^name: ${shipped}$`, 'm'),
    `name: ${name}`,
  );
  for (const [from, to] of moves) text = text.replaceAll(from, to);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}
