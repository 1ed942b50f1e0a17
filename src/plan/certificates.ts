import type { Lab } from '../lab/types.js';
// Not the pki barrel: it brings node-forge, which listing chapters has no use for.
import { profilesFrom, type ProfileOptions } from '../pki/profiles.js';
import type { CertProfile } from '../pki/types.js';
import type { ChapterModule } from './chapter.js';

/** Every certificate of a lab: what the chapters of its track declare, in teaching order, made whole with `options`. */
export function certificateProfiles(modules: readonly ChapterModule[], lab: Lab, options: ProfileOptions = {}): CertProfile[] {
  const drafts = modules.filter((m) => m.meta.tracks.includes(lab.track)).flatMap((m) => m.certificates?.(lab) ?? []);
  return profilesFrom(lab, drafts, options);
}
