/**
 * A chapter's plan as `run` applies it: with the parameters the lab's state file recorded for it
 * (e.g. `mirror`). The session, replay and the Ansible export all plan through here.
 */
import type { Lab } from '../lab/types.js';
import type { ChapterModule } from '../plan/chapter.js';
import type { Plan } from '../plan/types.js';
import type { LabState } from '../state/index.js';
import { UsageError } from '../util/errors.js';

/** The string parameters recorded for a chapter (anything else in the file is ignored). */
export function recordedParams(state: LabState | undefined, chapterId: string): Record<string, string> {
  const params = state?.chapters[chapterId]?.params ?? {};
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export interface RecordedPlanOptions {
  /** The state file, named in the error when a recorded parameter no longer validates. */
  stateFile?: string;
  /** Parameters the lab gives every chapter (the local lab's built mirror); recorded ones win. */
  defaults?: Record<string, string>;
}

/**
 * When a recorded parameter no longer passes the chapter's own validation, the error says it is the
 * state file's (naming it, when known) and how to record it again; the message stays bounded.
 */
export function recordedPlan(module: ChapterModule, lab: Lab, state: LabState | undefined, { stateFile, defaults = {} }: RecordedPlanOptions = {}): Plan {
  const params = recordedParams(state, module.meta.id);
  try {
    return module.plan(lab, { ...defaults, ...params });
  } catch (error) {
    if (!(error instanceof UsageError) || Object.keys(params).length === 0) throw error;
    const file = stateFile ?? 'the state file';
    const names = Object.keys(params).map((name) => `chapters.${module.meta.id}.params.${name}`);
    throw new UsageError(`a parameter the state file ${file} recorded for ${module.meta.id} is no longer valid: ${bounded(error.message)}`, {
      ...(stateFile === undefined ? {} : { where: stateFile }),
      fix: `record it again (e.g. kthw run ${module.meta.id} --mirror DIR), or delete ${names.join(', ')} from ${file}`,
      cause: error,
    });
  }
}

/** A message from elsewhere, cut to a readable length (a recorded value may be megabytes long). */
function bounded(message: string): string {
  return message.length <= 300 ? message : `${message.slice(0, 299)}…`;
}
