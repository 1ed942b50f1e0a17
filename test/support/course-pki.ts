import { chapters } from '../../chapters/index.js';
import type { Lab } from '../../src/lab/types.js';
import { certificateProfiles } from '../../src/plan/certificates.js';
import { generateFromProfiles, type CertProfile, type GenerateOptions, type PkiResult, type ProfileOptions } from '../../src/pki/index.js';

/** The lab's certificates as the course declares them: collected from the chapter registry, as a session does. */
export function courseProfiles(lab: Lab, options: ProfileOptions = {}): CertProfile[] {
  return certificateProfiles(chapters, lab, options);
}

/** Every certificate and key of the lab, in-process. The result always holds `ca`. */
export function generatePki(lab: Lab, options: GenerateOptions = {}): Promise<PkiResult> {
  return generateFromProfiles(courseProfiles(lab, options), options);
}
