/**
 * The lesson's closing page, "what you did, as automation": the Ansible role this chapter becomes,
 * built from the learner's own plan (their host names and addresses), with a short guide to it.
 * The role's files are the ones `kthw export ansible --chapter N --print` prints.
 */
import type { ChapterAutomation } from '../automation/ansible/chapter-automation.js';
import { primaryAddress, type Lab } from '../lab/types.js';
import type { ChapterMeta } from '../plan/types.js';
import { fenceFor } from './lesson-document.js';

export const AUTOMATION_TITLE = 'What you did, as automation';

/** A template shorter than this is shown whole; a longer one by name (the export has it). */
const SHORT_TEMPLATE_LINES = 30;

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const list = (items: string[]) => items.map(code).join(', ');

function addressOf(lab: Lab, host: string): string {
  const found = lab.hosts.find((h) => h.name === host);
  return found ? `${code(host)} (${primaryAddress(lab, found)})` : code(host);
}

function block(path: string, text: string, language: string): string {
  const lines = text.replace(/\n+$/, '').split('\n');
  const fence = fenceFor(lines);
  return [`### ${path}`, '', `${fence}${language}`, ...lines, fence].join('\n');
}

/** Fence language for a template, from the name of the file it renders. */
function templateLanguage(file: string): string {
  const name = file.replace(/\.j2$/, '');
  if (/\.(ya?ml)$/.test(name)) return 'yaml';
  if (/\.json$/.test(name)) return 'json';
  if (/\.sh$/.test(name)) return 'sh';
  if (/\.(service|timer|socket|conf|ini|cfg)$/.test(name)) return 'ini';
  return 'text';
}

export function automationPage(meta: ChapterMeta, automation: ChapterAutomation, lab: Lab): string {
  const { role, files } = automation;
  const roleDir = `roles/${role}/`;
  const intro: string[] = [
    '---',
    '',
    `## ${AUTOMATION_TITLE}`,
    '',
    `Everything this chapter had you do is also an Ansible role, **${role}**, generated from the same plan as the commands above: the hosts and addresses in it are your lab's.`,
    '',
  ];
  const points: string[] = [];
  if (automation.stepBlocks === 0) points.push('This chapter changes no machine over SSH, so the role has no tasks: its work is done by kthw itself.');
  else
    points.push(
      `**Tasks follow your steps.** Each step you did is one block of ${code(`${roleDir}tasks/main.yml`)}, named after it and run only on its host (${code('when: inventory_hostname == …')}); steps in a row that do the same on several hosts share one block run on all of them at once (${code('when: inventory_hostname in […]')}). It runs on ${automation.hosts.map((h) => addressOf(lab, h)).join(', ')}. Each task looks before it changes anything: a file is compared before it is written, a command is guarded by a check of its effect.`,
    );
  points.push(
    automation.restarts.length > 0
      ? `**Handlers restart only what changed.** A unit is restarted when a file it reads was changed, not on every run: ${list(automation.restarts)}.`
      : '**Handlers restart only what changed.** No file of this chapter is read by a running unit, so its role restarts nothing.',
  );
  points.push(
    automation.secrets.length > 0
      ? `**Secrets come from the vault.** ${list(automation.secrets)} never appear in the role: tasks read them from variables that the whole export keeps in ${code('group_vars/all/vault.yml')}, encrypted with ansible-vault; the password stays in your lab directory.`
      : `**Secrets come from the vault.** This role reads none; the chapters that do read keys from ${code('group_vars/all/vault.yml')}, encrypted with ansible-vault, whose password stays in your lab directory.`,
  );
  if (automation.localSteps.length > 0)
    points.push(`**Done by kthw, not by the role:** ${automation.localSteps.join('; ')}. Its results reach the machines through the variables above.`);
  const run = [
    'Export the whole lab, every chapter one role, and run it:',
    '',
    '```sh',
    'kthw export ansible DIR',
    'cd DIR',
    'ansible-playbook site.yml     # the roles, chapter by chapter',
    "ansible-playbook verify.yml   # the chapters' checks, as assert tasks",
    '```',
    '',
    `${code(`kthw export ansible --chapter ${meta.id} --print`)} prints the files below.`,
    '',
  ];

  const shown: string[] = [];
  const named: string[] = [];
  for (const { path, text } of files) {
    if (path.startsWith(`${roleDir}templates/`)) {
      const file = path.slice(`${roleDir}templates/`.length);
      if (text.split('\n').length <= SHORT_TEMPLATE_LINES) shown.push(block(path, text, templateLanguage(file)));
      else named.push(`${code(path)} (${text.split('\n').length} lines)`);
    } else if (path.startsWith(`${roleDir}meta/`) || path.startsWith('verify/')) named.push(code(path));
    else shown.push(block(path, text, 'yaml'));
  }
  const rest = named.length > 0 ? [`Also in the export: ${named.join(', ')}.`, ''] : [];
  return [...intro, ...points.map((p) => `- ${p}`), '', ...run, ...shown.flatMap((b) => [b, '']), ...rest].join('\n');
}

/** The closing page when the role could not be built: the reason, in one line. */
export function automationPageError(message: string): string {
  const line = message.split('\n')[0]!.trim();
  return ['---', '', `## ${AUTOMATION_TITLE}`, '', `kthw could not build this chapter's Ansible role: ${line}`, ''].join('\n');
}
