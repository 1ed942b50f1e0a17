/** A lab host whose address is this machine's own is refused before kthw acts on it. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertNoHostIsThisMachine } from '../../../src/app/this-machine.js';
import { parseLab } from '../../../src/lab/load.js';
import { runKthw } from '../../support/run-kthw.js';

const classicText = readFileSync(fileURLToPath(new URL('../../../lab/classic.yaml', import.meta.url)), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'kthw-own-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const iface = (address: string, family: 'IPv4' | 'IPv6') => ({ address, family, netmask: '', mac: '', internal: false, cidr: null }) as never;

describe('a host that is this machine', () => {
  const lab = parseLab(classicText, 'classic.yaml');

  it('is refused when one of its addresses is on an interface of this machine (any spelling)', () => {
    expect(() => assertNoHostIsThisMachine(lab, { eth9: [iface('FD00:10:240:0::20', 'IPv6')] })).toThrow(
      "host node-0's address fd00:10:240::20 is an address of this machine (eth9): kthw would act on this machine instead of a lab host",
    );
  });

  it('passes when no host address is this machine', () => {
    expect(() => assertNoHostIsThisMachine(lab, { eth9: [iface('10.240.0.99', 'IPv4')] })).not.toThrow();
  });

  // The machine's real first non-loopback IPv4 address, as a lab file might give it by mistake.
  const own = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4' && !i.address.startsWith('169.254.'));

  it.runIf(own !== undefined)('kthw verify refuses it (exit 2) before connecting or recording anything', () => {
    const [a, b, c] = own!.address.split('.');
    const net = `${a}.${b}.${c}`;
    const spare = (n: number) => (own!.address === `${net}.${n}` ? `${net}.${n + 100}` : `${net}.${n}`);
    const text = classicText
      .replace('10.240.0.0/24', `${net}.0/24`)
      .replace('ipv4: 10.240.0.1,', `ipv4: ${spare(1)},`)
      .replace('ipv4: 10.240.0.10,', `ipv4: ${spare(10)},`)
      .replace('ipv4: 10.240.0.11,', `ipv4: ${own!.address},`)
      .replace('ipv4: 10.240.0.20,', `ipv4: ${spare(20)},`)
      .replace('ipv4: 10.240.0.21,', `ipv4: ${spare(21)},`);
    writeFileSync(join(scratch, 'own.yaml'), text);
    const { code, stderr } = runKthw(['--lab', 'own.yaml', 'verify', 'chapter-3'], { cwd: scratch, env: { KTHW_HOME: undefined } });
    expect(stderr).toContain(`host server's address ${own!.address} is an address of this machine`);
    expect(code).toBe(2);
    expect(existsSync(join(scratch, '.kthw'))).toBe(false);
  });
});
