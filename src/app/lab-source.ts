/**
 * Where a session's lab comes from. `--lab` names a lab file, or a lab directory: a directory
 * kthw keeps (state.json and the lab file pinned beside it as lab.yaml), wherever it was copied,
 * under whatever KTHW_HOME. Each session pins the lab file it was opened with, so a lab directory
 * alone is enough to replay the lab elsewhere.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../state/index.js';
import { labDirPath } from '../state/lab-files.js';
import { UsageError } from '../util/errors.js';

export interface LabSource {
  /** The lab file to load. */
  labFile: string;
  /** The root of the lab directory, when `--lab` named the directory itself. */
  root?: string;
}

export async function labSource(given: string): Promise<LabSource> {
  const isDirectory = await stat(given).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) return { labFile: given };
  const dir = resolve(given);
  const pinned = labDirPath(dir, 'pinnedLab');
  if (
    !(await stat(pinned).then(
      (s) => s.isFile(),
      () => false,
    ))
  ) {
    throw new UsageError(`${dir} is a directory without a pinned lab file (lab.yaml)`, {
      where: '--lab',
      fix: 'give a lab file, or a lab directory kthw made (it pins lab.yaml there when a session opens)',
    });
  }
  return { labFile: pinned, root: dirname(dir) };
}

/** The lab directory's name must be the lab's: it is how the store finds the directory. */
export function checkDirectoryName(source: LabSource, labName: string): void {
  if (source.root === undefined) return;
  const dir = dirname(source.labFile);
  if (basename(dir) !== labName) {
    throw new UsageError(`the lab directory ${dir} holds lab "${labName}" under another name`, {
      where: '--lab',
      fix: `name the directory ${labName} (e.g. mv ${dir} ${resolve(dir, '..', labName)})`,
    });
  }
}

/** Keeps a copy of the lab file in the lab directory (lab.yaml), rewritten when the lab file changed. */
export async function pinLabFile(labDir: string, labFile: string): Promise<void> {
  const pinned = labDirPath(labDir, 'pinnedLab');
  if (resolve(labFile) === pinned) return;
  const [text, current] = await Promise.all([readFile(labFile), readFile(pinned).catch(() => undefined)]);
  if (current === undefined || !current.equals(text)) await writeFileAtomic(pinned, text, { mode: 0o600 });
}
