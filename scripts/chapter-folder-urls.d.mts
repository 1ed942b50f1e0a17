import type { Plugin } from 'esbuild';
export function chapterFolderUrls(root: URL): Plugin;
