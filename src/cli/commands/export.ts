import type { Command } from 'commander';
import { writeAnsibleProject } from '../../automation/ansible/write-project.js';
import { ExitCode, UsageError } from '../../util/errors.js';
import { globalOptions } from '../global-options.js';
import { paint, printJson } from '../output.js';
import { openSession } from '../../app/session.js';
import { chaptersThrough } from '../../plan/chapter.js';

/**
 * `kthw export ansible DIR`: the chapter plans of this lab as an Ansible project.
 * `--until chapter-N` exports chapters 1..N only (a lab not finished yet lacks later chapters' secrets).
 * `kthw export ansible --chapter chapter-N --print`: the role chapter N becomes, printed ("what you
 * did, as automation"); nothing is written.
 * `--json` prints { dir, roles: {chapterId: roleName}, vaulted: string[], public: string[] } (or, with
 * --print, { chapter, role, files: {path: text} }).
 */
export default async function exportCommand(command: Command, format: string, dir?: string): Promise<number> {
  const options = globalOptions(command);
  const { chapter, print, until } = command.opts<{ chapter?: string; print?: boolean; until?: string }>();
  if (format !== 'ansible') throw new UsageError(`kthw cannot export "${format}"`, { where: 'kthw export', fix: 'use: kthw export ansible DIR' });
  if (print && chapter === undefined)
    throw new UsageError('--print needs --chapter', { where: 'kthw export ansible', fix: 'kthw export ansible --chapter chapter-4 --print' });
  if (!print && dir === undefined)
    throw new UsageError('no directory to export into', { where: 'kthw export ansible', fix: 'kthw export ansible DIR (or --chapter chapter-N --print)' });
  const session = await openSession(options, 'kthw export', { readOnly: Boolean(print) });
  try {
    const last = until === undefined ? Infinity : session.chapter(until).meta.number;
    const wanted = chapter === undefined ? chaptersThrough(session.chapters, last) : [session.chapter(chapter)];
    // each plan with the parameters `run` would use (the chapter's recorded ones over the lab's defaults)
    const chapters = await Promise.all(wanted.map(async (module) => ({ meta: module.meta, plan: await session.plan(module.meta.id) })));
    if (print) {
      const automation = await session.automation(chapters[0]!);
      if (options.json)
        printJson({ chapter: automation.chapter, role: automation.role, files: Object.fromEntries(automation.files.map((f) => [f.path, f.text])) });
      else for (const { path, text } of automation.files) console.log(`${paint.bold(`# ${path}`)}\n${text}`);
      return ExitCode.ok;
    }
    const written = await writeAnsibleProject(session.lab, session.store.paths.dir, chapters, dir!);
    const roles = Object.fromEntries([...written.project.roles].map(([id, r]) => [id, r.name]));
    if (options.json) printJson({ dir: written.dir, roles, vaulted: written.vaulted, public: written.public });
    else {
      console.log(`Ansible project for lab ${session.lab.name} written to ${written.dir}`);
      console.log(`  roles: ${Object.values(roles).join(', ')}`);
      console.log(
        `  ${written.vaulted.length} secret(s) in group_vars/all/vault.yml (ansible-vault; password in ${session.store.paths.dir}/ansible-vault-password)`,
      );
      console.log(`  run: cd ${written.dir} && ansible-playbook site.yml && ansible-playbook verify.yml`);
    }
    return ExitCode.ok;
  } finally {
    await session.close();
  }
}
