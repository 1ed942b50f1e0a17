import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateProfiles } from '../../../src/pki/index.js';
import { shippedLab } from './labs.js';

// The profiles of both shipped labs, byte for byte as kthw derived them before chapters owned them:
// moving a profile between files must not change a name, a SAN, a destination or the order.
describe('the certificate profiles of the shipped labs', () => {
  for (const name of ['classic', 'ipv6-ha'] as const) {
    it(`are exactly the recorded ones for ${name}`, async () => {
      const recorded = readFileSync(join(import.meta.dirname, 'fixtures', `profiles-${name}.json`), 'utf8');
      expect(`${JSON.stringify(certificateProfiles(await shippedLab(name)), null, 2)}\n`).toBe(recorded);
    });
  }
});
