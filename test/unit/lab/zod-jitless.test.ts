// kthw parses each file once per command: zod must not compile its per-schema fast path for that
// (src/lab/zod-jitless.ts), and the lab schema must bring that setting with it.
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { labSchema } from '../../../src/lab/schema.js';

describe('zod configuration', () => {
  it('is jitless once the lab schema is loaded', () => {
    expect(labSchema).toBeDefined();
    expect(z.config().jitless).toBe(true);
  });
});
