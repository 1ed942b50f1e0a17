import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { EnvironmentError, UsageError, formatError } from '../../src/util/errors.js';
import { checkPrerequisites, labDown, labSshArgs, labSnapshot, labUp } from '../../lab/local/index.js';
import { NO_TRACES, labTraces, useLabHome } from './helpers.js';
import { loadLab } from '../../src/lab/load.js';

const root = resolve(import.meta.dirname, '..', '..');
const fixture = (name: string) => join(root, 'test', 'lab', 'fixtures', name);

beforeAll(() => useLabHome());

describe('clear errors', () => {
  it('a bad lab file is refused at file:line with the fix, before anything is made', async () => {
    const error = await loadLab(fixture('address-outside.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    const text = formatError(error as UsageError);
    expect(text).toMatch(/10\.67\.0\.10 is outside the node network 10\.66\.0\.0\/24/);
    expect(text).toMatch(/address-outside\.yaml:\d+:\d+/);
  });

  it('labUp checks what it relies on itself, even for a Lab built in code', async () => {
    const classic = await loadLab(inject('classicLab'));
    const lab = {
      ...classic,
      name: 'handmade',
      hosts: classic.hosts.map((h, i) => (i === 1 ? { ...h, addresses: { ...h.addresses, ipv4: '10.67.0.10' } } : h)),
    };
    const error = await labUp(lab).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/server: 10\.67\.0\.10 is not inside the node network 10\.240\.0\.0\/24/);
    expect((error as UsageError).where).toBe(lab.source);
    expect(labTraces(lab)).toEqual(NO_TRACES);
  });

  it('a lab whose network overlaps a running lab is refused, naming both', async () => {
    const lab = await loadLab(fixture('overlaps-classic.yaml'));
    const error = await labUp(lab).catch((e: unknown) => e);
    // had it come up (the classic lab not running), it must not stay up to block the next run's classic lab
    if (!(error instanceof Error)) await labDown(lab.name);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(/10\.240\.0\.0\/16 overlaps 10\.240\.0\.0\/24 of the running lab classic/);
    expect(labTraces(lab)).toEqual(NO_TRACES);
  });

  it('a missing host tool is named with the fix', () => {
    let error: unknown;
    try {
      checkPrerequisites({ path: '/nonexistent' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).message).toMatch(/ssh not found/);
    expect((error as EnvironmentError).fix).toMatch(/lab\/setup-host\.sh.*openssh-client/);
  });

  it('setup-host.sh as a non-root user with a package missing exits 3 and says why', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', join(root, 'lab', 'setup-host.sh'), '--quiet'],
        { env: { ...process.env, KTHW_SETUP_EXTRA_PACKAGES: 'kthw-no-such-package' } },
        (error, _stdout, stderr) => done({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/needs these host packages: kthw-no-such-package/);
    expect(result.stderr).toMatch(/run as root/);
  });

  it('ssh to a host the lab does not have, and a bad snapshot name, are usage errors', async () => {
    const classic = await loadLab(inject('classicLab'));
    expect(() => labSshArgs(classic, 'node-9')).toThrow(/no host "node-9" in lab classic/);
    await expect(labSnapshot(classic, 'Chapter 4!')).rejects.toThrow(UsageError);
  });
});
