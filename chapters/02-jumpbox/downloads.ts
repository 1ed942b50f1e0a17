/** The files chapter 02 expects in the jumpbox's downloads/ directory, rendered from the lab's versions. */
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
}

function downloadsOf(lab: Lab, component: string, spec: ComponentVersion): Download[] {
  if (spec.source !== 'download') return [];
  return spec.urls.map((template) => {
    const url = renderUrl(template, spec.version, lab.arch);
    const file = downloadFileName(url);
    if (file === undefined) throw new UsageError(`download URL ${url} (${component}) does not end in a plain file name`, { where: lab.source, fix: DOWNLOAD_NAME_FIX });
    return { component, version: spec.version, url, file, sha256: spec.sha256[file] };
  });
}

/** Every file to download for this lab, in the lab file's order; components from the image are left out. */
export function downloadsFor(lab: Lab): Download[] {
  const all = Object.entries(lab.versions).flatMap(([component, spec]) => downloadsOf(lab, component, spec));
  const downloaded = Object.entries(lab.versions).filter(([, spec]) => spec.source === 'download');
  const clash = findDownloadClashes(downloaded.map(([component, spec]) => ({ component, version: spec.version, urls: spec.urls })), lab.arch)[0];
  if (clash) throw new UsageError(`two downloads would both be saved as downloads/${clash.file}`, { where: lab.source, fix: `make the URLs of ${clash.component} end in distinct file names` });
  return all.filter((d, i) => all.findIndex((e) => e.url === d.url) === i);
}

/** Components the machine image already ships: nothing to download for them. */
export function imageComponents(lab: Lab): Array<{ component: string; version: string }> {
  return Object.entries(lab.versions)
    .filter(([, spec]) => spec.source === 'image')
    .map(([component, spec]) => ({ component, version: spec.version }));
}
