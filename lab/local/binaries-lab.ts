/**
 * Whether the built mirror serves a lab: every file its lab file downloads is in the mirror. The
 * local lab then records the mirror as the lab's default `mirror` parameter, so chapters that copy
 * downloads find it without a flag.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../src/lab/types.js';
import { renderUrlFileName } from '../../src/lab/url-template.js';

/** The lab's download file names the mirror directory lacks (empty: the mirror serves the lab). */
export function missingFromMirror(lab: Lab, dir: string): string[] {
  const files = Object.values(lab.versions)
    .filter((spec) => spec.source === 'download')
    .flatMap((spec) => spec.urls.map((url) => renderUrlFileName(url, spec.version, lab.arch)));
  return [...new Set(files)].filter((file) => !existsSync(join(dir, file)));
}
