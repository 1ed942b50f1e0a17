import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chapters } from '../../../chapters/index.js';
import { copyLabSecrets, labSecrets } from '../../../src/app/copy-lab-secrets.js';
import { ansibleRendersAs } from '../../../src/automation/ansible/role.js';
import { pkiFits } from '../../../src/app/replay.js';
import { clearReplayProgress, readReplayProgress, replayProgressFile, writeReplayProgress } from '../../../src/app/replay-progress.js';
import { builtinLabPath, loadLab, parseLab } from '../../../src/lab/load.js';
import type { Lab } from '../../../src/lab/types.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kthw-replay-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, text: string, mode = 0o600) {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeFile(path, text, { mode });
}

describe('copyLabSecrets', () => {
  it("copies the PKI, the jumpbox key pair and secrets/, not the lab's own SSH key, keys 0600", async () => {
    const source = join(root, 'source');
    const target = join(root, 'target');
    await put(join(source, 'pki/ca.key'), 'ca key');
    await put(join(source, 'pki/ca.crt'), 'ca cert', 0o644);
    await put(join(source, 'ssh/jumpbox_ed25519'), 'jumpbox key');
    await put(join(source, 'ssh/jumpbox_ed25519.pub'), 'jumpbox pub', 0o644);
    await put(join(source, 'ssh/id_ed25519'), 'the lab access key');
    await put(join(source, 'secrets/encryption-config.yaml'), 'secret: x');
    const copied = await copyLabSecrets(source, target, labSecrets(chapters));
    expect(copied.sort()).toEqual(['pki/ca.crt', 'pki/ca.key', 'secrets/encryption-config.yaml', 'ssh/jumpbox_ed25519', 'ssh/jumpbox_ed25519.pub']);
    expect(await readFile(join(target, 'ssh/id_ed25519')).catch(() => 'absent')).toBe('absent');
    expect((await stat(join(target, 'pki/ca.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(target, 'secrets/encryption-config.yaml'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(target, 'pki'))).mode & 0o777).toBe(0o700);
    expect(await copyLabSecrets(source, target, labSecrets(chapters))).toEqual([]); // identical files are left alone
  });

  it("refuses to overwrite a target's own different key, and leaves it as it was", async () => {
    const source = join(root, 'source');
    const target = join(root, 'target');
    await put(join(source, 'pki/ca.key'), 'source key');
    await put(join(target, 'pki/ca.key'), 'target key');
    await expect(copyLabSecrets(source, target, labSecrets(chapters))).rejects.toMatchObject({
      name: 'UsageError',
      fix: expect.stringContaining('--new-pki') as unknown,
    });
    expect(await readFile(join(target, 'pki/ca.key'), 'utf8')).toBe('target key');
  });
});

describe('replay progress', () => {
  it('round-trips, is private, and a damaged or cleared file means no replay to resume', async () => {
    const progress = { source: '/labs/a.yaml', chapters: ['chapter-1', 'chapter-2'], done: ['chapter-1'], startedAt: new Date().toISOString() };
    await writeReplayProgress(root, progress);
    expect(await readReplayProgress(root)).toEqual(progress);
    expect((await stat(replayProgressFile(root))).mode & 0o777).toBe(0o600);
    await writeFile(replayProgressFile(root), '{"source": 3}');
    expect(await readReplayProgress(root)).toBeUndefined();
    await clearReplayProgress(root);
    expect(await readReplayProgress(root)).toBeUndefined();
  });
});

describe('pkiFits', () => {
  it('a lab with the same hosts and addresses takes the PKI; one with other addresses does not', async () => {
    const classic = await loadLab(builtinLabPath('classic'));
    const text = await readFile(builtinLabPath('classic'), 'utf8');
    const on = (lab: Lab) => ({ lab, chapters });
    expect(pkiFits(on(classic), on(parseLab(text.replace(/^name: classic$/m, 'name: twin'), 'twin.yaml')))).toBe(true);
    expect(pkiFits(on(classic), on(parseLab(text.replaceAll('10.240.', '10.248.'), 'moved.yaml')))).toBe(false);
  });
});

describe('ansibleRendersAs', () => {
  it("accepts what Ansible's template module writes unchanged, and catches a value whose last newline it would drop", () => {
    expect(ansibleRendersAs('node-0\n', '{{ hostname_short }}\n')).toBe(true);
    expect(ansibleRendersAs('a\nb', 'a\n{{ x }}')).toBe(true);
    expect(ansibleRendersAs('[ca]\nkey = 1\n\n', '{{ pki_openssl_config }}\n')).toBe(false);
  });
});
