import { useEffect, useMemo, useState } from 'react';
import { loadMarkdownRenderer } from './markdown.js';

type Render = Awaited<ReturnType<typeof loadMarkdownRenderer>>;
let ready: Render | undefined;

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
  return useMemo(() => render?.(markdown, width, color), [render, markdown, width, color]);
}
