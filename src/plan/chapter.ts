/**
 * What a chapter is to the engine: metadata plus a pure function from a lab to a plan. Chapter
 * content (lesson, templates) lives in `chapters/<slug>/` and is read through `loadChapterFile`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../lab/types.js';
import type { CertDraft } from '../pki/types.js';
import { UsageError } from '../util/errors.js';
import { packageRoot } from '../util/package-root.js';
import type { GeneratorLoader } from './generator.js';
import type { ChapterMeta, FileAction, Plan } from './types.js';

export interface ChapterModule {
  meta: ChapterMeta;
  /** Pure: no connections, no clock, no randomness. `params` are the recorded run parameters. */
  plan(lab: Lab, params: Record<string, string>): Plan;
  /** Generators this chapter's `generate` actions name, beyond kthw's own (`pki`, `ssh-key`). */
  generators?: Readonly<Record<string, GeneratorLoader>>;
  /**
   * What this chapter's generators make in the lab directory that is the lab's identity (keys,
   * certificates), as lab-directory paths (`dir/` for a whole directory): `kthw replay --to`
   * copies them so the other lab's machines hold the same keys.
   */
  secrets?: readonly string[];
  /**
   * The certificates this chapter teaches, in the order it issues them (pure, like `plan`). kthw's
   * `pki` generator makes any of them a `generate` action names, signed by the CA among them.
   */
  certificates?: (lab: Lab) => CertDraft[];
}

/** The one placeholder syntax: `{{ var_name }}`, Jinja2-compatible so exports can ship it as `.j2`. */
const placeholder = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;
/** Anything else that Jinja2 would treat as markup: refused, so templates stay one syntax. */
const foreignMarkup = /\{\{|\{%|\{#/;

/** The variable names a template uses, in order of first use. */
export function templateVariables(text: string): string[] {
  const names = [...text.matchAll(placeholder)].map((m) => m[1]!);
  return [...new Set(names)];
}

/** Fills `{{ var }}` placeholders; a variable without a value or unknown markup is an error. */
export function renderTemplate(text: string, vars: Record<string, string>, name = 'template'): string {
  const leftover = text.replace(placeholder, '');
  if (foreignMarkup.test(leftover)) {
    throw new UsageError(`${name} uses markup other than {{ variable_name }} placeholders`, {
      where: name,
      fix: 'use only {{ snake_case_name }} placeholders: no filters, expressions, blocks or comments',
    });
  }
  return text.replace(placeholder, (_match, variable: string) => {
    const value = Object.hasOwn(vars, variable) ? vars[variable] : undefined;
    if (value === undefined) {
      throw new UsageError(`${name} uses {{ ${variable} }} but no value was given for it`, {
        where: name,
        fix: `provide "${variable}" in the variables passed to the template`,
      });
    }
    return value;
  });
}

const fileCache = new Map<string, string>();

/** Reads `chapters/<slug>/<relPath>` from kthw's package (cached: the files never change at run time). */
export function loadChapterFile(slug: string, relPath: string): string {
  if (!/^[0-9]{2}-[a-z0-9-]+$/.test(slug) || relPath.split('/').some((part) => part === '..' || part === '')) {
    throw new UsageError(`not a chapter file: ${slug}/${relPath}`, { fix: 'use a chapter slug and a path inside its folder' });
  }
  const path = join(packageRoot(), 'chapters', slug, relPath);
  let text = fileCache.get(path);
  if (text === undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`chapter file ${slug}/${relPath} cannot be read`, {
        where: path,
        fix: 'reinstall kthw: its chapters/ folder is incomplete',
        cause: error,
      });
    }
    fileCache.set(path, text);
  }
  return text;
}

/**
 * A file action rendered from `chapters/<slug>/templates/<template>`; the action records the
 * template and its variables so the Ansible export can ship the same template.
 */
export function templateFile(
  slug: string,
  template: string,
  vars: Record<string, string>,
  file: Omit<FileAction, 'kind' | 'content' | 'template'>,
): FileAction {
  const name = `${slug}/templates/${template}`;
  const content = renderTemplate(loadChapterFile(slug, `templates/${template}`), vars, name);
  return { kind: 'file', ...file, content, template: { name, vars: { ...vars } } };
}

/** The chapters `all` means, up to chapter number `last`: every one that builds (a teardown chapter only when named). */
export function chaptersThrough(chapters: readonly ChapterModule[], last = Infinity): ChapterModule[] {
  return chapters.filter((c) => c.meta.number <= last && !c.meta.teardown);
}
