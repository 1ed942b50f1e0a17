import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labDir } from '../../../src/state/lab-dir.js';
import { labDirPath, labFiles, type LabFile } from '../../../src/state/lab-files.js';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/state-file.md'), 'utf8');
/** The paths the table of docs/state-file.md names (first column, without a trailing slash). */
const documented = [...doc.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1]!.replace(/\/$/, ''));

describe('the lab-directory map', () => {
  it('names every file docs/state-file.md lists, and the doc lists every file it names', () => {
    expect(documented.length).toBeGreaterThan(5);
    expect([...Object.values(labFiles)].sort()).toEqual([...documented].sort());
  });

  it("agrees with the store's own paths", () => {
    const paths = labDir('classic', '/tmp/kthw-map');
    const expected: Array<[string, LabFile]> = [
      [paths.stateFile, 'state'],
      [paths.lockFile, 'lock'],
      [paths.pki, 'pki'],
      [paths.ssh, 'ssh'],
      [paths.generated, 'generated'],
    ];
    for (const [path, file] of expected) expect(labDirPath(paths.dir, file)).toBe(path);
  });
});
