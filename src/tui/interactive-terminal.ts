/**
 * Ink decides once, when it loads, whether it runs in CI (CI or CONTINUOUS_INTEGRATION set) and then
 * draws only the last frame at exit. The tutor runs only on a terminal (the learn command refuses
 * anything else), and a person at a terminal must see every frame, so a terminal wins over those
 * variables. This module is imported before anything that loads Ink.
 */
if (process.stdout.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}

export {};
