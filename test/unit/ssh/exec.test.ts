import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool, sh, type SshHost } from '../../../src/ssh/index.js';
import { knownHostsLineFor, processesMatching, startSshd, type Sshd } from './sshd-fixture.js';

let sshd: Sshd;
let pool: SshPool;
let host: SshHost;
let scratch: string;

beforeAll(async () => {
  sshd = await startSshd();
  scratch = mkdtempSync(join(tmpdir(), 'kthw-ssh-exec-'));
  const knownHosts = join(scratch, 'known_hosts');
  writeFileSync(knownHosts, `${knownHostsLineFor(sshd, 'ed25519')}\n`);
  host = { name: 'box', address: '127.0.0.1', port: sshd.port, user: 'root', identity: sshd.clientKey.path };
  pool = new SshPool({ hosts: [host], knownHostsFiles: [knownHosts] });
});

afterAll(async () => {
  await pool?.close();
  await sshd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('exec', () => {
  it('returns stdout, stderr and the exit code', async () => {
    const result = await pool.exec('box', 'echo out; echo err >&2; exit 3');
    expect(result).toMatchObject({ code: 3, signal: null, stdout: 'out\n', stderr: 'err\n', cancelled: false });
  });

  it('never loses an exit status, even for instant commands right after an sftp transfer', async () => {
    // Confirmation, exit-status and close of a fast command can arrive in one TCP read.
    await pool.upload('box', join(scratch, 'warm-sftp'), 'x', { mode: '0644' });
    const codes = await Promise.all(Array.from({ length: 60 }, (_, i) => pool.exec('box', `exit ${i % 7}`)));
    expect(codes.map((r) => r.code)).toEqual(Array.from({ length: 60 }, (_, i) => i % 7));
    for (let i = 0; i < 30; i++) expect((await pool.exec('box', 'exit 5')).code).toBe(5);
  });

  it('keeps a flood of output bounded (head, tail and a notice) while streaming every byte', async () => {
    let streamed = 0;
    const result = await pool.exec('box', 'seq 1 6000000', { onStdout: (text) => void (streamed += text.length) });
    expect(result.code).toBe(0);
    let printed = 0; // bytes of `seq 1 6000000`: each number's digits and a newline
    for (let n = 1; n <= 6_000_000; n *= 10) printed += (Math.min(n * 10 - 1, 6_000_000) - n + 1) * (String(n).length + 1);
    expect(streamed).toBe(printed);
    expect(result.stdout.startsWith('1\n2\n3\n')).toBe(true);
    expect(result.stdout.endsWith('5999999\n6000000\n')).toBe(true);
    expect(result.stdout).toMatch(/\n\[kthw: \d+ bytes of output left out here\]\n\d+\n/);
    expect(result.stdout.length).toBeLessThan(9 * 1024 * 1024);
  }, 60_000);

  it('reports a command killed by a signal', async () => {
    const result = await pool.exec('box', 'kill -KILL $$');
    expect(result.code).toBeNull();
    expect(result.signal).toBe('SIGKILL');
  });

  it('runs as the configured user, many commands on one connection, in parallel', async () => {
    const sessions = () => sshd.sessionPids().filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sshd: root@notty'));
    const before = sessions();
    // A fresh pool: 40 first calls at once still open one connection.
    const fresh = new SshPool({ hosts: [host], knownHostsFiles: [join(scratch, 'known_hosts')] });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => fresh.exec('box', `echo ${i} $(id -un)`)));
    results.forEach((r, i) => expect(r.stdout).toBe(`${i} root\n`));
    expect(sessions().filter((pid) => !before.includes(pid))).toHaveLength(1);
    await fresh.close();
  });

  it('streams output in the order it was produced, as it is produced', async () => {
    const events: string[] = [];
    let firstSeenBeforeEnd = false;
    const result = await pool.exec('box', 'echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three', {
      onStdout: (chunk) => {
        events.push(`out:${chunk}`);
        if (chunk === 'one\n') firstSeenBeforeEnd = true;
      },
      onStderr: (chunk) => events.push(`err:${chunk}`),
    });
    expect(firstSeenBeforeEnd).toBe(true);
    expect(events).toEqual(['out:one\n', 'err:two\n', 'out:three\n']);
    expect(result.code).toBe(0);
  });

  it('keeps every byte of big outputs and multi-byte characters split across chunks', async () => {
    const result = await pool.exec('box', "head -c 8000000 /dev/zero | tr '\\0' 'x'; for i in $(seq 1 20000); do printf 'é€'; done >&2");
    expect(result.stdout.length).toBe(8_000_000);
    expect(result.stdout).toMatch(/^x+$/);
    expect(result.stderr).toBe('é€'.repeat(20000));
    let streamed = '';
    await pool.exec('box', "for i in $(seq 1 50000); do printf 'ü'; done", { onStdout: (c) => (streamed += c) });
    expect(streamed).toBe('ü'.repeat(50000));
  });

  it('feeds stdin, and gives commands that read stdin an end of file when none is given', async () => {
    const input = Buffer.concat([Buffer.from('line 1\n'), Buffer.alloc(3_000_000, 'y')]);
    const result = await pool.exec('box', 'sha256sum', { stdin: input });
    const { createHash } = await import('node:crypto');
    expect(result.stdout.split(' ')[0]).toBe(createHash('sha256').update(input).digest('hex'));
    const noInput = await pool.exec('box', 'cat; echo done', { timeoutMs: 10_000 });
    expect(noInput).toMatchObject({ stdout: 'done\n', timedOut: false });
  });

  it('passes hostile values through sh`` untouched', async () => {
    const hostile = [`a;b`, `$(touch ${scratch}/pwned)`, '`id`', `it's "quoted"`, 'new\nline', '  spaces  ', '-n', ''];
    for (const value of hostile) {
      const result = await pool.exec('box', sh`printf '%s' ${value}`);
      expect(result.stdout).toBe(value);
    }
    expect(() => statSync(join(scratch, 'pwned'))).toThrow();
  });
});

describe('cancel and timeout', () => {
  it('an abort stops a running command quickly and kills its remote processes', async () => {
    const controller = new AbortController();
    const marker = 'sleep 31.4159';
    const pending = pool.exec('box', `echo started; ${marker}; echo never`, {
      signal: controller.signal,
      onStdout: (chunk) => chunk.includes('started') && controller.abort(),
    });
    const result = await pending;
    expect(result).toMatchObject({ cancelled: true, timedOut: false, code: null });
    expect(result.stdout).not.toContain('never');
    expect(processesMatching(sshd, marker)).toEqual([]);
  });

  it('kills a whole pipeline and background children, not only the login shell', async () => {
    const controller = new AbortController();
    const pending = pool.exec('box', 'sleep 27.18 & sleep 27.19 | cat; wait', { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    expect(processesMatching(sshd, 'sleep 27.1').length).toBeGreaterThanOrEqual(2);
    controller.abort();
    await pending;
    expect(processesMatching(sshd, 'sleep 27.1')).toEqual([]);
  });

  it('cancelling more commands at once than the server has sessions for kills them all', async () => {
    const controller = new AbortController();
    const pending = Array.from({ length: 14 }, (_, i) => pool.exec('box', `sleep 29.${i + 10}`, { signal: controller.signal }));
    // 9 channels per connection (8 once the SFTP session holds one); the rest wait for a slot.
    for (let i = 0; i < 200 && processesMatching(sshd, 'sleep 29.').length < 8; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200));
    const running = processesMatching(sshd, 'sleep 29.').length;
    expect(running).toBeGreaterThanOrEqual(8);
    expect(running).toBeLessThanOrEqual(9);
    controller.abort();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.cancelled)).toBe(true);
    expect(processesMatching(sshd, 'sleep 29.')).toEqual([]);
  });

  it('an already aborted signal runs nothing', async () => {
    const result = await pool.exec('box', `touch ${scratch}/ran`, { signal: AbortSignal.abort() });
    expect(result.cancelled).toBe(true);
    expect(() => statSync(join(scratch, 'ran'))).toThrow();
  });

  it('a timeout stops the command and says so', async () => {
    const result = await pool.exec('box', 'sleep 23.45', { timeoutMs: 200 });
    expect(result).toMatchObject({ cancelled: true, timedOut: true, code: null });
    expect(processesMatching(sshd, 'sleep 23.45')).toEqual([]);
    // The connection is still good after a cancel.
    expect((await pool.exec('box', 'echo ok')).stdout).toBe('ok\n');
  });
});

describe('upload', () => {
  it('writes content with the exact mode, atomically, replacing an existing file', async () => {
    const target = join(scratch, 'ca.key');
    writeFileSync(target, 'old');
    await pool.upload('box', target, 'secret\n', { mode: '0600' });
    expect(readFileSync(target, 'utf8')).toBe('secret\n');
    expect(statSync(target).mode & 0o7777).toBe(0o600);
    await pool.upload('box', target, Buffer.from([0, 1, 2, 255]), { mode: '0755' });
    expect([...readFileSync(target)]).toEqual([0, 1, 2, 255]);
    expect(statSync(target).mode & 0o7777).toBe(0o755);
    // No temp file left behind.
    expect(readFileSync(join(scratch, '..', scratch.split('/').pop()!, 'ca.key')).length).toBe(4);
  });

  it('sets owner and group', async () => {
    const target = join(scratch, 'owned');
    await pool.upload('box', target, 'x', { mode: '0640', owner: 'nobody', group: 'nogroup' });
    const st = statSync(target);
    expect(st.uid).toBe(Number((await pool.exec('box', 'id -u nobody')).stdout));
    expect(st.gid).toBe(Number((await pool.exec('box', 'getent group nogroup | cut -d: -f3')).stdout));
    expect(st.mode & 0o7777).toBe(0o640);
  });

  it('refuses an unknown owner and leaves no temp file', async () => {
    const target = join(scratch, 'bad-owner');
    await expect(pool.upload('box', target, 'x', { mode: '0644', owner: 'no-such-user-kthw' })).rejects.toThrow(/cannot set owner of box:.*no-such-user-kthw/);
    expect(() => statSync(target)).toThrow();
    const leftovers = (await pool.exec('box', sh`ls -A ${scratch}`)).stdout;
    expect(leftovers).not.toMatch(/kthw-.*\.tmp/);
  });

  it('says where it could not write', async () => {
    await expect(pool.upload('box', join(scratch, 'missing-dir', 'f'), 'x', { mode: '0644' })).rejects.toThrow(/cannot upload box:.*missing-dir/);
    await expect(pool.upload('box', 'relative/path', 'x', { mode: '0644' })).rejects.toThrow(/not an absolute file path/);
    await expect(pool.upload('box', join(scratch, 'f'), 'x', { mode: '0999' })).rejects.toThrow(/not an octal mode/);
  });
});
