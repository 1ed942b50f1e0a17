/**
 * "What you did, as automation": the Ansible role one chapter becomes, as the files a learner would
 * read. The one source for `kthw export ansible --chapter N --print` and the tutor's closing page of
 * a lesson. Built from the lab and the chapter's plan only: no secret has to exist yet.
 */
import type { Lab } from '../../lab/types.js';
import { buildAnsibleProject, roleName, type ExportChapter } from './project.js';

export interface AutomationFile {
  /** Relative to the exported project's root (`roles/etcd/tasks/main.yml`). */
  path: string;
  text: string;
}

export interface ChapterAutomation {
  chapter: string;
  role: string;
  /** Tasks first, then handlers, defaults, templates, the role's meta, host variables, checks. */
  files: AutomationFile[];
  /** Hosts the role's tasks run on, in the order the chapter first uses them. */
  hosts: string[];
  /** Units a handler restarts when a file they read changed. */
  restarts: string[];
  /** Template files of the role (`etcd.service.j2`). */
  templates: string[];
  /** Steps kthw does on its own machine (key generation): not part of the role. */
  localSteps: string[];
  /** Lab-directory files the role reads, through vaulted variables (`pki/ca.key`). */
  secrets: string[];
  /** Steps of the plan that became a block of tasks. */
  stepBlocks: number;
}

const order = (name: string) => [
  `roles/${name}/tasks/`,
  `roles/${name}/handlers/`,
  `roles/${name}/defaults/`,
  `roles/${name}/templates/`,
  `roles/${name}/`,
  'host_vars/',
  'verify/',
];

export function chapterAutomation(lab: Lab, labDir: string, chapter: ExportChapter): ChapterAutomation {
  const project = buildAnsibleProject(lab, labDir, [chapter]);
  const built = project.roles.get(chapter.meta.id);
  const name = built?.name ?? roleName(chapter.meta.slug);
  const prefixes = order(name);
  const rank = (path: string) => prefixes.findIndex((prefix) => path.startsWith(prefix));
  const files = [...project.files]
    .filter(([path]) => rank(path) >= 0)
    .map(([path, text]) => ({ path, text }))
    .sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  const role = built?.role;
  return {
    chapter: chapter.meta.id,
    role: name,
    files,
    hosts: role?.hosts ?? [],
    restarts: (role?.handlers ?? []).map(unitOf).filter((u): u is string => u !== undefined),
    templates: [...(role?.templates.keys() ?? [])],
    localSteps: role?.localSteps ?? [],
    secrets: [...(role?.secrets ?? [])],
    stepBlocks: role?.tasks.length ?? 0,
  };
}

function unitOf(handler: unknown): string | undefined {
  const module = (handler as Record<string, unknown>)['ansible.builtin.systemd_service'];
  const unit = module && typeof module === 'object' ? (module as { name?: unknown }).name : undefined;
  return typeof unit === 'string' ? unit : undefined;
}
