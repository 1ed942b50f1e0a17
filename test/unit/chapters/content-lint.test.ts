import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import type { Lab } from '../../../src/lab/types.js';
import { loadChapterFile, renderTemplate, templateVariables } from '../../../src/plan/chapter.js';
import type { FileAction } from '../../../src/plan/types.js';
import { packageRoot } from '../../../src/util/package-root.js';
import { stepLines } from '../../../src/tui/step-commands.js';
import { otherLab, shippedLabs } from './fixtures.js';

let labs: Lab[];
beforeAll(async () => {
  labs = [...Object.values(await shippedLabs()), otherLab()];
});

const renderedFiles = (): FileAction[] =>
  labs.flatMap((lab) => chapters.flatMap((c) => c.plan(lab, {}).steps.flatMap((s) => s.actions))).filter((a): a is FileAction => a.kind === 'file');

describe('renderTemplate', () => {
  it('fills {{ var }} with or without inner spaces', () => {
    expect(renderTemplate('a {{ etcd_name }} b {{etcd_name}} {{  etcd_dir  }}\n', { etcd_name: 'x', etcd_dir: '/d' })).toBe('a x b x /d\n');
  });

  it('throws on a variable without a value, naming it and the template', () => {
    expect(() => renderTemplate('{{ etcd_name }}', {}, 'etcd.service.tmpl')).toThrow(/etcd\.service\.tmpl uses \{\{ etcd_name \}\}/);
  });

  it('refuses any other Jinja2 markup, so templates keep one syntax', () => {
    for (const text of ['{{ a | upper }}', '{% if a %}x{% endif %}', '{# note #}', '{{ A }}', '{{ a.b }}']) {
      expect(() => renderTemplate(text, { a: '1' }), text).toThrow(/markup other than/);
    }
  });

  it('lists the variables a template uses', () => {
    expect(templateVariables('{{ b_x }} {{ a_y }} {{ b_x }}')).toEqual(['b_x', 'a_y']);
  });
});

describe('chapter templates (content lint)', () => {
  it('every rendered file names its template and passes exactly the variables the template uses', () => {
    const files = renderedFiles().filter((f) => f.template);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const [slug, , name] = file.template!.name.split('/');
      const text = loadChapterFile(slug!, `templates/${name}`);
      const used = templateVariables(text).sort();
      const given = Object.keys(file.template!.vars).sort();
      expect(given, `${file.template!.name}: declared but unused or used but undeclared`).toEqual(used);
      expect(renderTemplate(text, file.template!.vars)).toBe(file.content);
    }
  });

  it('variables are snake_case with a component prefix', () => {
    for (const file of renderedFiles()) {
      for (const name of Object.keys(file.template?.vars ?? {})) expect(name).toMatch(/^[a-z]+(_[a-z0-9]+)+$/);
    }
  });

  it('every template file is used by some plan and is named after its destination', () => {
    const used = new Map(
      renderedFiles()
        .filter((f) => f.template)
        .map((f) => [f.template!.name, f.path]),
    );
    for (const chapter of chapters) {
      const dir = join(packageRoot(), 'chapters', chapter.meta.slug, 'templates');
      const files = (() => {
        try {
          return readdirSync(dir);
        } catch {
          return [];
        }
      })();
      for (const file of files) {
        const name = `${chapter.meta.slug}/templates/${file}`;
        expect(file).toMatch(/\.tmpl$/);
        expect(used.has(name), `${name} is not used by any plan`).toBe(true);
        expect(used.get(name)!.endsWith(`/${file.replace(/\.tmpl$/, '')}`), `${name} placed at ${used.get(name)}`).toBe(true);
      }
    }
  });
});

describe('lessons (content lint)', () => {
  it.each(chapters.map((c) => [c.meta.id, c] as const))('%s has a title, a Why section and a Verification section', (_id, chapter) => {
    const lesson = loadChapterFile(chapter.meta.slug, 'lesson.md');
    const lines = lesson.split('\n');
    expect(lines[0]).toBe(`# ${chapter.meta.title}`);
    const why = lesson.split(/^## Why$/m)[1];
    expect(why, 'no "## Why" section').toBeDefined();
    expect(why!.split(/^## /m)[0]!.trim().length).toBeGreaterThan(200);
    expect(lesson).toMatch(/^## Verification$/m);
    expect(lesson).not.toMatch(/\{\{|\{%|TODO/);
  });

  it('chapter files cannot be read from outside the chapter folder', () => {
    expect(() => loadChapterFile('01-prerequisites', '../../package.json')).toThrow(/not a chapter file/);
    expect(() => loadChapterFile('01-prerequisites', 'missing.md')).toThrow(/cannot be read/);
  });
});

describe('glossaries (what explain says each flag means)', () => {
  it('a step with a glossary explains every --flag its commands and files use, and nothing they do not', () => {
    let steps = 0;
    for (const lab of labs) {
      for (const chapter of chapters.filter((c) => c.meta.tracks.includes(lab.track))) {
        for (const step of chapter.plan(lab, {}).steps.filter((s) => s.glossary !== undefined)) {
          steps++;
          const used = new Set(
            stepLines(step)
              .join('\n')
              .match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? [],
          );
          const explained = Object.keys(step.glossary!).filter((term) => term.startsWith('--'));
          expect([...used].sort(), `${lab.name} ${chapter.meta.id} ${step.id}`).toEqual(explained.sort());
          for (const meaning of Object.values(step.glossary!)) expect(meaning).toMatch(/^\S.{20,}\.$/s);
        }
      }
    }
    expect(steps).toBeGreaterThan(10);
  });
});
