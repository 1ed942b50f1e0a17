/**
 * The guided tutor behind one plain function: callers never import React or Ink. Load this module
 * with a dynamic import so other commands do not pay for them.
 */
import './interactive-terminal.js';
export { startTutor, type TutorOptions } from './start-tutor.js';
