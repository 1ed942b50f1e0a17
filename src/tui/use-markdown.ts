import { useEffect, useMemo, useState } from 'react';
import { loadMarkdownRenderer } from './markdown.js';

type Render = Awaited<ReturnType<typeof loadMarkdownRenderer>>;
let ready: Render | undefined;

/**
 * The last few documents rendered, by text then width and colour: going back to a lesson (or to its
 * closing page, a role of a thousand lines) draws it again without rendering it again.
 */
const rendered = new Map<string, Map<string, string[]>>();
const DOCUMENTS_KEPT = 6;

function renderCached(render: Render, markdown: string, width: number, color: boolean): string[] {
  const key = `${width}/${color}`;
  let byLayout = rendered.get(markdown);
  const hit = byLayout?.get(key);
  if (hit) return hit;
  const lines = render(markdown, width, color);
  if (!byLayout) {
    byLayout = new Map();
    rendered.set(markdown, byLayout);
    if (rendered.size > DOCUMENTS_KEPT) rendered.delete(rendered.keys().next().value!);
  }
  byLayout.set(key, lines);
  return lines;
}

/** Markdown as terminal lines for this width; undefined until the renderer has loaded. */
export function useMarkdown(markdown: string, width: number, color: boolean): string[] | undefined {
  const [render, setRender] = useState<Render | undefined>(() => ready);
  useEffect(() => {
    if (render) return;
    let live = true;
    void loadMarkdownRenderer().then((r) => {
      ready = r;
      if (live) setRender(() => r);
    });
    return () => void (live = false);
  }, [render]);
  return useMemo(() => (render ? renderCached(render, markdown, width, color) : undefined), [render, markdown, width, color]);
}
