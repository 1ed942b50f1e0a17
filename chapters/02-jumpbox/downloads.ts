/** The files chapter 02 expects in the jumpbox's downloads/ directory, rendered from the lab's versions. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentVersion, Lab } from '../../src/lab/types.js';
import { DOWNLOAD_NAME_FIX, downloadFileName, findDownloadClashes } from '../../src/lab/download-files.js';
import { renderUrl } from '../../src/lab/url-template.js';
import { UsageError } from '../../src/util/errors.js';

export interface Download {
  component: string;
  version: string;
  url: string;
  /** The URL's last path segment: the name in downloads/. */
  file: string;
  sha256?: string;
  /** Where `sha256` comes from when the lab file pins none: the mirror's FILE.sha256. */
  sha256Source?: string;
}

function downloadsOf(lab: Lab, component: string, spec: ComponentVersion): Download[] {
  if (spec.source !== 'download') return [];
  return spec.urls.map((template) => {
    const url = renderUrl(template, spec.version, lab.arch);
    const file = downloadFileName(url);
    if (file === undefined)
      throw new UsageError(`download URL ${url} (${component}) does not end in a plain file name`, { where: lab.source, fix: DOWNLOAD_NAME_FIX });
    return { component, version: spec.version, url, file, sha256: spec.sha256[file] };
  });
}

/** Every file to download for this lab, in the lab file's order; components from the image are left out. */
export function downloadsFor(lab: Lab): Download[] {
  const all = Object.entries(lab.versions).flatMap(([component, spec]) => downloadsOf(lab, component, spec));
  const downloaded = Object.entries(lab.versions).filter(([, spec]) => spec.source === 'download');
  const clash = findDownloadClashes(
    downloaded.map(([component, spec]) => ({ component, version: spec.version, urls: spec.urls })),
    lab.arch,
  )[0];
  if (clash)
    throw new UsageError(`two downloads would both be saved as downloads/${clash.file}`, {
      where: lab.source,
      fix: `make the URLs of ${clash.component} end in distinct file names`,
    });
  return all.filter((d, i) => all.findIndex((e) => e.url === d.url) === i);
}

/** Components the machine image already ships: nothing to download for them. */
export function imageComponents(lab: Lab): Array<{ component: string; version: string }> {
  return Object.entries(lab.versions)
    .filter(([, spec]) => spec.source === 'image')
    .map(([component, spec]) => ({ component, version: spec.version }));
}

/**
 * With a mirror: a download the lab file pins no sha256 for takes the one the mirror publishes next
 * to it (FILE.sha256, as dl.k8s.io does: the hex digest, optionally followed by the file name).
 */
export function withMirrorSums(downloads: Download[], mirror: string | undefined): Download[] {
  if (mirror === undefined) return downloads;
  return downloads.map((d) => {
    const path = join(mirror, `${d.file}.sha256`);
    if (d.sha256 !== undefined || !existsSync(path)) return d;
    const sum = readFileSync(path, 'utf8').trim().split(/\s+/)[0] ?? '';
    if (!/^[0-9a-f]{64}$/.test(sum)) {
      throw new UsageError(`${path} does not hold a sha256 (64 lower-case hex digits)`, {
        where: '--mirror',
        fix: `write the output of \`sha256sum ${d.file}\` into it, or delete it`,
      });
    }
    return { ...d, sha256: sum, sha256Source: `the mirror's ${d.file}.sha256` };
  });
}
