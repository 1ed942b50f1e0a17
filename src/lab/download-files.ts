/**
 * The rule for the files a lab's downloads save as, shared by lab validation and chapter 02: a URL
 * must end in a plain file name (the name in downloads/), and no two different URLs may end in the
 * same one (the second would overwrite the first).
 */
import { renderUrl } from './url-template.js';

const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** The file a rendered URL saves as, or undefined when it does not end in a plain file name. */
export function downloadFileName(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const file = path.split('/').pop() ?? '';
  return SAFE_FILE_NAME.test(file) ? file : undefined;
}

export const DOWNLOAD_NAME_FIX = 'each download URL must end in the file name it saves as, e.g. .../kubelet or .../etcd-v3.6.0-linux-amd64.tar.gz';

export interface DownloadClash {
  file: string;
  component: string;
  index: number;
  other: string;
}

/**
 * The first URL (in the lab file's order) whose file name an earlier, different URL already takes.
 * `versions` are the components downloaded, with their URL templates.
 */
export function findDownloadClashes(versions: ReadonlyArray<{ component: string; version: string; urls: readonly string[] }>, arch: string): DownloadClash[] {
  const seen = new Map<string, { url: string; component: string }>();
  const clashes: DownloadClash[] = [];
  for (const { component, version, urls } of versions) {
    urls.forEach((template, index) => {
      const url = renderUrl(template, version, arch);
      const file = downloadFileName(url);
      if (file === undefined) return;
      const earlier = seen.get(file);
      if (earlier && earlier.url !== url) clashes.push({ file, component, index, other: earlier.component });
      else if (!earlier) seen.set(file, { url, component });
    });
  }
  return clashes;
}
