/**
 * Hostile lab files (test/fixtures/labs/), read by `kthw lab validate` as a user would: each ends
 * with one clear error, exit 2, no library internals, no stack trace, bounded output.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runKthw } from '../../support/run-kthw.js';
import { CLASSIC } from './lab-fixtures.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/labs/${name}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'kthw-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function validate(file: string) {
  const run = runKthw(['lab', 'validate', file], { cwd: scratch });
  expect(run.code).toBe(2);
  expect(run.stderr).not.toMatch(/\n\s+at |Maximum call stack|YAML\.parse|RangeError|TypeError/);
  return run;
}

describe('hostile lab files', () => {
  it.each([
    ['host-named-local.yaml', 'host name "local" is reserved'],
    ['loopback-nodes.yaml', 'node network 127.0.0.0/24 overlaps the loopback range 127.0.0.0/8'],
    ['multi-document.yaml', 'the file holds more than one document'],
    ['merge-key.yaml', 'YAML merge keys (<<) are not supported in lab files'],
    ['deep-nesting.yaml', 'nests lists, mappings or aliases too deeply'],
    ['no-etcd-version.yaml', 'versions has no etcd entry'],
  ])('%s: %s', (name, message) => {
    expect(validate(fixture(name)).stderr).toContain(message);
  });

  it('deep aliases end in one clear error', () => {
    const { stderr } = validate(fixture('deep-aliases.yaml'));
    expect(stderr).toMatch(/^error: /);
  });

  it('a 10,000-character name is shown by its start and length, not whole', () => {
    const { stderr } = validate(fixture('long-name.yaml'));
    expect(stderr).toContain('… (10001 characters)');
    expect(stderr.length).toBeLessThan(2_000);
  });

  it('thousands of bad hosts: the first 20 problems and a count of the rest', () => {
    const hosts = Array.from({ length: 5000 }, (_, i) => `  - { name: "Bad_${i}", roles: [worker], addresses: { ipv4: 10.240.0.20 } }`).join('\n');
    const file = join(scratch, 'many.yaml');
    writeFileSync(file, CLASSIC.replace(/hosts:\n[\s\S]*?versions:/, `hosts:\n${hosts}\nversions:`));
    const { stderr } = validate(file);
    expect(stderr).toMatch(/the lab file has \d{4,} problems:/);
    expect(stderr).toMatch(/… and \d{4,} more problems/);
    expect(stderr.split('\n').length).toBeLessThan(60);
  });

  it('a FIFO is refused at once instead of waiting for a writer', () => {
    const fifo = join(scratch, 'lab.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(validate(fifo).stderr).toContain('it is not a regular file (a FIFO)');
  });

  it('/dev/zero is refused without reading it', () => {
    expect(validate('/dev/zero').stderr).toContain('it is not a regular file (a device)');
  });

  it('a file larger than 1 MiB is refused by its size', () => {
    const big = join(scratch, 'big.yaml');
    writeFileSync(big, `${CLASSIC}\n${'# padding\n'.repeat(120_000)}`);
    expect(validate(big).stderr).toContain('it is larger than 1 MiB');
  });
});
