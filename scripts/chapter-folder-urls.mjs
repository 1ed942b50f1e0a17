// esbuild plugin: a chapter reads its id, number and slug from its folder's name through
// import.meta.url (chapterFolder in src/plan/chapter-folder.ts). Bundled, every module would see its
// chunk's URL instead, so each chapter file gets its own path inside the package written in.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** @param {URL} root the package's root directory */
export function chapterFolderUrls(root) {
  return {
    name: 'chapter-folder-urls',
    setup(build) {
      build.onLoad({ filter: /[\\/]chapters[\\/][0-9]{2}-[a-z0-9-]+[\\/][^\\/]+\.ts$/ }, (args) => ({
        contents: readFileSync(args.path, 'utf8').replaceAll(
          'import.meta.url',
          JSON.stringify(pathToFileURL(`/${relative(fileURLToPath(root), args.path)}`).href),
        ),
        loader: 'ts',
      }));
    },
  };
}
