/** Component versions: names, version strings, URL templates, checksums and the files they name. */
import { checkComponentName, checkFileName, checkSha256, checkUrlTemplate, checkVersion } from './safe-values.js';
import type { RawLab } from './schema.js';
import { DOWNLOAD_NAME_FIX, downloadFileName, findDownloadClashes } from './download-files.js';
import { quoted } from './lab-error.js';
import { type Reporter } from './semantic-support.js';
import { renderUrl } from './url-template.js';

/** Components every track's chapters read the version of. */
const REQUIRED_COMPONENTS: ReadonlyArray<[string, string]> = [['etcd', 'etcd: { version: v3.6.0-rc.3, urls: [...] } (or source: image)']];

export function checkVersions(raw: RawLab, report: Reporter): void {
  // A misspelt component name (Etcd) is reported as such, not also as a missing component.
  const namesValid = Object.keys(raw.versions).every((name) => checkComponentName(name) === undefined);
  for (const [name, example] of REQUIRED_COMPONENTS) {
    if (namesValid && !Object.hasOwn(raw.versions, name))
      report.add(['versions'], `versions has no ${name} entry: chapter 07 installs etcd at that version`, `add ${example} under versions`, true);
  }
  const valid: Array<{ component: string; version: string; urls: string[] }> = [];
  for (const [name, component] of Object.entries(raw.versions)) {
    const at = (...rest: Array<string | number>) => ['versions', name, ...rest];
    const nameComplaint = checkComponentName(name);
    if (nameComplaint) report.add(at(), nameComplaint.message, nameComplaint.fix, true);
    const versionComplaint = checkVersion(component.version, name);
    if (versionComplaint) {
      report.add(at('version'), versionComplaint.message, versionComplaint.fix);
      continue;
    }
    if (name === 'etcd' && !/^v?\d+\.\d+\.\d+/.test(component.version)) {
      report.add(
        at('version'),
        `etcd version ${quoted(component.version)} is not major.minor.patch: chapter 07 needs it to choose etcd's settings`,
        'write it as etcd tags its releases, e.g. v3.5.16',
      );
    }
    const fileNames = new Set<string>();
    component.urls.forEach((url, u) => {
      const complaint = checkUrlTemplate(url, name);
      if (complaint) return report.add(at('urls', u), complaint.message, complaint.fix);
      const file = downloadFileName(renderUrl(url, component.version, raw.arch));
      if (file === undefined) report.add(at('urls', u), `download URL ${quoted(url)} of ${name} does not end in a plain file name`, DOWNLOAD_NAME_FIX);
      else fileNames.add(file);
    });
    if (component.source === 'download') valid.push({ component: name, version: component.version, urls: component.urls });
    if (component.source === 'download' && component.urls.length === 0) {
      report.add(at(), `component ${name} is downloaded but lists no urls`, 'add urls:, or set source: image when the machine image ships it', true);
    }
    for (const [file, sum] of Object.entries(component.sha256)) {
      const fileComplaint = checkFileName(file, name);
      if (fileComplaint) {
        report.add(at('sha256', file), fileComplaint.message, fileComplaint.fix, true);
        continue;
      }
      const sumComplaint = checkSha256(sum, file);
      if (sumComplaint) report.add(at('sha256', file), sumComplaint.message, sumComplaint.fix);
      else if (fileNames.size > 0 && !fileNames.has(file)) {
        report.add(
          at('sha256', file),
          `sha256 entry ${file} of ${name} matches none of its URLs' files (${[...fileNames].join(', ')})`,
          'key each checksum by the file name its URL downloads',
          true,
        );
      }
    }
  }
  for (const clash of findDownloadClashes(valid, raw.arch)) {
    report.add(
      ['versions', clash.component, 'urls', clash.index],
      `two downloads would both be saved as downloads/${clash.file} (${clash.other} has a URL ending in it too)`,
      `make the URLs of ${clash.component} end in distinct file names`,
    );
  }
}
