import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { certificateProfiles } from '../../../src/plan/certificates.js';
import { shippedLab } from './labs.js';

// The profiles of both shipped labs, collected from the chapters that declare them, byte for byte as
// src/pki/profiles.ts derived them before the chapters owned them (fixtures written by that code):
// moving a profile between files must not change a name, a SAN, a destination or the order. Changed
// on purpose since: ipv6-ha's controllers are nodes, with a kubelet certificate each.
describe('the certificate profiles of the shipped labs', () => {
  for (const name of ['classic', 'ipv6-ha'] as const) {
    it(`are exactly the recorded ones for ${name}`, async () => {
      const recorded = readFileSync(join(import.meta.dirname, 'fixtures', `profiles-${name}.json`), 'utf8');
      expect(`${JSON.stringify(certificateProfiles(chapters, await shippedLab(name)), null, 2)}\n`).toBe(recorded);
    });
  }
});
