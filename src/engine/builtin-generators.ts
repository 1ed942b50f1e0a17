import { execFile } from 'node:child_process';
import { access, chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChapterModule } from '../plan/chapter.js';
import { certificateProfiles } from '../plan/certificates.js';
import { certificateMismatch, generateFromProfiles, readCa, writePki } from '../pki/index.js';
import { UsageError } from '../util/errors.js';
import type { Generator, Generators } from './generators.js';
import { labDirPath } from '../state/lab-files.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Certificates named by `items` (profile ids, from every certificate the chapters declare) that are
 * not in `pki/` yet, or no longer serve their profile (the lab file changed a name or address, or the
 * CA was replaced). An existing CA is kept and signs the rest, so re-running chapter 4 or replaying
 * onto fresh machines reuses the same PKI.
 */
const pkiOf =
  (modules: readonly ChapterModule[]): Generator =>
  async (items, { lab, labDir, note }) => {
    const dir = labDirPath(labDir, 'pki');
    const profiles = certificateProfiles(modules, lab);
    const unknown = items.filter((id) => !profiles.some((p) => p.id === id));
    if (unknown.length > 0)
      throw new UsageError(`no certificate profile ${unknown.join(', ')} for lab ${lab.name}`, {
        fix: 'this is a chapter bug: it names certificates no chapter of the lab declares (ChapterModule.certificates)',
      });
    const wanted = profiles.filter((p) => items.includes(p.id));
    const missing: typeof wanted = [];
    for (const profile of wanted) {
      if (!((await exists(join(dir, `${profile.id}.crt`))) && (await exists(join(dir, `${profile.id}.key`))))) missing.push(profile);
    }
    const existingCa = await readCa(dir);
    if (existingCa) {
      for (const profile of wanted.filter((p) => !p.isCA && !missing.includes(p))) {
        const why = certificateMismatch(profile, await readFile(join(dir, `${profile.id}.crt`), 'utf8'), existingCa.certPem);
        if (why === undefined) continue;
        note?.(`pki/${profile.id}.crt is issued again: ${why}\n`);
        missing.push(profile);
      }
    }
    if (missing.length === 0) return false;
    // Without a CA every wanted certificate is made anew: leaves signed by a lost CA are worthless.
    const toGenerate = existingCa ? missing.filter((p) => !p.isCA) : [...profiles.filter((p) => p.isCA), ...wanted.filter((p) => !p.isCA)];
    const result = await generateFromProfiles(toGenerate, existingCa ? { existingCa, existingCaSource: join(dir, 'ca.crt') } : {});
    if (existingCa) delete result.ca;
    await writePki(dir, result);
    return true;
  };

/** An ed25519 key pair `ssh/<item>_ed25519` made by the real ssh-keygen, kept once made. */
const sshKey: Generator = async (items, { labDir }) => {
  let changed = false;
  const dir = labDirPath(labDir, 'ssh');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const item of items) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(item)) throw new UsageError(`"${item}" cannot name an SSH key`, { fix: 'this is a chapter bug' });
    const path = join(dir, `${item}_ed25519`);
    if ((await exists(path)) && (await exists(`${path}.pub`))) continue;
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${item}@kthw`, '-f', path]).catch((error: Error) => {
      throw new UsageError(`ssh-keygen could not make ${path}: ${error.message}`, { fix: 'install openssh-client (kthw doctor)' });
    });
    await chmod(path, 0o600);
    changed = true;
  }
  return changed;
};

/** kthw's own generators; `pki` makes the certificates `modules` declare. */
export const builtinGenerators = (modules: readonly ChapterModule[]) => ({ pki: pkiOf(modules), 'ssh-key': sshKey }) satisfies Generators;
