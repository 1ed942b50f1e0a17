/** Component versions: names, version strings, URL templates, checksums and the files they name. */
import { checkComponentName, checkFileName, checkSha256, checkUrlTemplate, checkVersion } from './safe-values.js';
import type { RawLab } from './schema.js';
import { Reporter } from './semantic-support.js';
import { renderUrlFileName } from './url-template.js';

export function checkVersions(raw: RawLab, report: Reporter): void {
  for (const [name, component] of Object.entries(raw.versions)) {
    const at = (...rest: Array<string | number>) => ['versions', name, ...rest];
    const nameComplaint = checkComponentName(name);
    if (nameComplaint) report.add(at(), nameComplaint.message, nameComplaint.fix, true);
    const versionComplaint = checkVersion(component.version, name);
    if (versionComplaint) {
      report.add(at('version'), versionComplaint.message, versionComplaint.fix);
      continue;
    }
    const fileNames = new Set<string>();
    component.urls.forEach((url, u) => {
      const complaint = checkUrlTemplate(url, name);
      if (complaint) report.add(at('urls', u), complaint.message, complaint.fix);
      else fileNames.add(renderUrlFileName(url, component.version, raw.arch));
    });
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
        report.add(at('sha256', file), `sha256 entry ${file} of ${name} matches none of its URLs' files (${[...fileNames].join(', ')})`, 'key each checksum by the file name its URL downloads', true);
      }
    }
  }
}
