import { posix } from 'node:path';
import type { UnpackAction } from '../plan/types.js';
import { sh } from '../ssh/shell-quote.js';

/** How many leading directories the members share (all members sit at the same depth). */
export function unpackDepth(members: string[]): number | { error: string } {
  if (members.length === 0) return { error: 'no archive member named' };
  const depths = new Set<number>();
  for (const member of members) {
    const parts = member.split('/');
    if (posix.isAbsolute(member) || parts.some((p) => p === '' || p === '.' || p === '..'))
      return { error: `${JSON.stringify(member)} is not a plain relative path inside the archive` };
    depths.add(parts.length - 1);
  }
  if (depths.size > 1) return { error: `the members ${members.join(', ')} are not all at the same depth` };
  return [...depths][0]!;
}

/**
 * The commands (one a line, and joined as `run`) that unpack an archive's members into a directory,
 * and their guard: each member is already there with the same bytes (compared with the archive's copy, so a newer archive replaces
 * files unpacked from an older one), or the archive is optional and absent.
 */
export function unpackCommand(action: UnpackAction): { lines: string[]; run: string; unless: string } | { error: string } {
  const depth = unpackDepth(action.members);
  if (typeof depth !== 'number') return depth;
  const same = action.members.map((m) => sh`tar -xOf ${action.archive} ${m} 2>/dev/null | cmp -s - ${posix.join(action.dest, posix.basename(m))}`).join(' && ');
  const lines = [sh`mkdir -p ${action.dest}`, sh`tar -xf ${action.archive} -C ${action.dest} --strip-components=${depth} ${action.members}`];
  return {
    lines,
    run: lines.join(' && '),
    unless: action.optional ? sh`test ! -f ${action.archive}` + ` || { ${same}; }` : same,
  };
}
