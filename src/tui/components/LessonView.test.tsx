import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { composeLesson } from '../lesson-document.js';
import { fixturePlans } from '../../../test/fixtures/local-session.js';
import { LessonView } from './LessonView.js';

const wait = async (view: ReturnType<typeof render>, text: string) => {
  for (let i = 0; i < 200 && !view.lastFrame()?.includes(text); i++) await new Promise((r) => setTimeout(r, 20));
  return view.lastFrame()!;
};

describe('LessonView', () => {
  it('renders the lesson with the plan’s commands in code blocks, each marked with its host', async () => {
    const plan = fixturePlans('/srv/lab dir')['chapter-1']!;
    const markdown = composeLesson('# A workspace\n\nFirst the directory:\n\n<!-- step: make-dir -->\n\nSome **bold** words.\n', plan);
    const view = render(<LessonView markdown={markdown} width={80} height={22} scroll={0} />);
    const frame = await wait(view, 'A workspace');
    expect(frame).toContain('Make the work directory — on local');
    expect(frame).toContain('# on local');
    expect(frame).toContain("mkdir -p '/srv/lab dir/work'");
    expect(frame).toContain('Some bold words.');
    expect(frame).not.toContain('**');
    // Steps the lesson did not place come last, so no command is missing.
    expect(frame).toContain('Your commands');
    expect(frame).toContain('Write a note — on local');
  });

  it('scrolls', async () => {
    const markdown = Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1}.`).join('\n\n');
    const view = render(<LessonView markdown={markdown} width={80} height={10} scroll={20} />);
    const frame = await wait(view, 'Paragraph');
    expect(frame.split('\n')[0]).toMatch(/^Paragraph 11\.|^$/);
    expect(frame).not.toContain('Paragraph 1.');
    expect(frame).toMatch(/lines 21–29 of \d+/);
  });
});

describe('LessonView list items', () => {
  it('renders bold inside list items and wraps long items at the width, under their text', async () => {
    const markdown = `Intro.\n\n* **Is it Debian?** ${'The commands in this tutorial use apt and dpkg. '.repeat(3)}\n* second\n`;
    const view = render(<LessonView markdown={markdown} width={60} height={20} scroll={0} />);
    for (let i = 0; i < 200 && !view.lastFrame()?.includes('Intro'); i++) await new Promise((r) => setTimeout(r, 20));
    const rows = view.lastFrame()!.split('\n');
    expect(rows.join('\n')).not.toContain('**');
    expect(rows.join('\n')).toContain('Is it Debian?');
    expect(rows.every((r) => r.length <= 60)).toBe(true);
    expect(rows.join('\n')).not.toContain('…');
    const item = rows.findIndex((r) => r.includes('Is it Debian?'));
    expect(rows[item + 1]).toMatch(/^ {4}\S/);
  });
});
