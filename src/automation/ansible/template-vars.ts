/**
 * Where each template variable's value lives in the export: the same value everywhere → the role's
 * `defaults/main.yml`; one value per host → `host_vars/<host>.yml`. A variable that would take two
 * values on one host cannot be a host variable: the files using it are shipped as rendered content.
 */
import { loadChapterFile } from '../../plan/chapter.js';
import type { FileAction, Plan } from '../../plan/types.js';

export interface VarPlacement {
  /** Role slug → variable → value, for variables with one value across the whole lab. */
  defaults: Map<string, Map<string, string>>;
  /** Host → variable → value, for variables whose value depends on the host. */
  hostVars: Map<string, Map<string, string>>;
  /** Variables that cannot be placed (two values on one host): files using them are not templated. */
  unplaceable: Set<string>;
}

export interface RoleInput {
  slug: string;
  plan: Plan;
}

export function placeTemplateVars(roles: RoleInput[]): VarPlacement {
  // variable → host → values seen
  const seen = new Map<string, Map<string, Set<string>>>();
  const users = new Map<string, Set<string>>(); // variable → role slugs
  for (const { slug, plan } of roles) {
    for (const step of plan.steps) {
      for (const action of step.actions) {
        // A file Ansible could not render byte for byte ships as content: its variables are not needed.
        if (action.kind !== 'file' || !action.template || !ansibleRendersAs(action.content, templateSource(action.template.name))) continue;
        for (const [name, value] of Object.entries(action.template.vars)) {
          const byHost = seen.get(name) ?? new Map<string, Set<string>>();
          seen.set(name, byHost);
          const values = byHost.get(step.host) ?? new Set<string>();
          byHost.set(step.host, values.add(value));
          users.set(name, (users.get(name) ?? new Set()).add(slug));
        }
      }
    }
  }
  const placement: VarPlacement = { defaults: new Map(), hostVars: new Map(), unplaceable: new Set() };
  for (const [name, byHost] of seen) {
    const all = new Set([...byHost.values()].flatMap((values) => [...values]));
    if (all.size === 1) {
      for (const slug of users.get(name)!) {
        const vars = placement.defaults.get(slug) ?? new Map<string, string>();
        placement.defaults.set(slug, vars.set(name, [...all][0]!));
      }
    } else if ([...byHost.values()].every((values) => values.size === 1)) {
      for (const [host, values] of byHost) {
        const vars = placement.hostVars.get(host) ?? new Map<string, string>();
        placement.hostVars.set(host, vars.set(name, [...values][0]!));
      }
    } else {
      placement.unplaceable.add(name);
    }
  }
  return placement;
}

/** Whether a file action is exported as a template (else as its rendered content). */
export function exportsAsTemplate(action: FileAction, placement: VarPlacement): action is FileAction & { template: NonNullable<FileAction['template']> } {
  return action.template !== undefined && Object.keys(action.template.vars).every((name) => !placement.unplaceable.has(name));
}

export function templateSource(name: string): string {
  const [slug, , ...rest] = name.split('/');
  return loadChapterFile(slug!, `templates/${rest.join('/')}`);
}

const trailingNewlines = (text: string) => text.length - text.replace(/\n+$/, '').length;

/**
 * Whether Ansible's template module writes exactly `rendered`: Jinja drops one trailing newline of
 * its output and Ansible adds back as many as the template *source* ends with, so a value that ends
 * in a newline right before the template's last one loses it. Such files ship as rendered content.
 */
export function ansibleRendersAs(rendered: string, source: string): boolean {
  let output = rendered.endsWith('\n') ? rendered.slice(0, -1) : rendered;
  const missing = trailingNewlines(source) - trailingNewlines(output);
  if (missing > 0) output += '\n'.repeat(missing);
  return output === rendered;
}
