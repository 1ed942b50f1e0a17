/**
 * A chapter's plan as `run` applies it: with the parameters the lab's state file recorded for it
 * (e.g. `mirror`). The session, replay and the Ansible export all plan through here.
 */
import type { Lab } from '../lab/types.js';
import type { ChapterModule } from '../plan/chapter.js';
import type { Plan } from '../plan/types.js';
import type { LabState } from '../state/index.js';

/** The string parameters recorded for a chapter (anything else in the file is ignored). */
export function recordedParams(state: LabState | undefined, chapterId: string): Record<string, string> {
  const params = state?.chapters[chapterId]?.params ?? {};
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export function recordedPlan(module: ChapterModule, lab: Lab, state: LabState | undefined): Plan {
  return module.plan(lab, recordedParams(state, module.meta.id));
}
