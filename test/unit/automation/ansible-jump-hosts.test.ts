/**
 * The exported inventory reaches hosts behind jump hosts with the real ansible over real OpenSSH:
 * three private sshd on ::1, the target behind a chain of two hops (node-0 via server via home1),
 * every hop's host key checked against the lab's known_hosts and nothing else.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnsibleProject } from '../../../src/automation/ansible/project.js';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';
import type { Lab } from '../../../src/lab/types.js';
import { knownHostsLineFor, startSshd, type Sshd } from '../ssh/sshd-fixture.js';

let sshds: Record<'home1' | 'server' | 'node-0', Sshd>;
let dir: string;
let labDir: string;
let lab: Lab;

beforeAll(async () => {
  const home1 = await startSshd({ config: ['LogLevel DEBUG1'], hostKeyTypes: ['ed25519'] });
  const server = await startSshd({ config: ['LogLevel DEBUG1'], hostKeyTypes: ['ed25519'], clientKey: home1.clientKey });
  const node0 = await startSshd({ hostKeyTypes: ['ed25519'], clientKey: home1.clientKey });
  sshds = { home1, server, 'node-0': node0 };
  dir = mkdtempSync(join(tmpdir(), 'kthw-ansible-jump-'));
  labDir = join(dir, 'lab');
  mkdirSync(join(labDir, 'ssh'), { recursive: true, mode: 0o700 });
  copyFileSync(home1.clientKey.path, join(labDir, 'ssh', 'id_ed25519'));
  const shipped = await loadLab(builtinLabPath('ipv6-ha'));
  const hop = { home1: undefined, server: 'home1', 'node-0': 'server' } as const;
  lab = {
    ...shipped,
    hosts: shipped.hosts
      .filter((h): h is typeof h & { name: keyof typeof sshds } => h.name in sshds)
      .map((h) => ({ ...h, addresses: { ipv6: '::1' }, ssh: { user: 'root', port: sshds[h.name].port, ...(hop[h.name] ? { jump: hop[h.name] } : {}) } })),
  };
  writeFileSync(join(labDir, 'ansible-vault-password'), 'unused\n', { mode: 0o600 });
});
afterAll(async () => {
  await Promise.all(Object.values(sshds ?? {}).map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes the export's ansible.cfg and inventory with this known_hosts, and runs an ad-hoc shell command
 * on node-0. Asynchronously: the sshd fixtures log into pipes this process must keep reading.
 */
function ansibleOnNode0(knownHosts: string[], module = 'ansible.builtin.shell'): Promise<{ code: number; output: string }> {
  writeFileSync(join(labDir, 'ssh', 'known_hosts'), knownHosts.map((line) => `${line}\n`).join(''));
  const project = buildAnsibleProject(lab, labDir, []);
  const out = join(dir, 'export');
  mkdirSync(out, { recursive: true });
  for (const name of ['ansible.cfg', 'inventory.yml']) writeFileSync(join(out, name), project.files.get(name)!);
  rmSync(join(labDir, 'ansible-cp'), { recursive: true, force: true }); // no master connection from the run before
  return new Promise((resolve) => {
    execFile(
      'ansible',
      ['node-0', '-m', module, '-a', 'echo "$SSH_CONNECTION"'],
      // HOME: no ~/.ssh of this machine's root to fall back on
      { cwd: out, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_RETRIES: '0', HOME: dir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

const all = () => (['home1', 'server', 'node-0'] as const).map((name) => knownHostsLineFor(sshds[name], 'ed25519', '::1'));

describe('Ansible through jump hosts', () => {
  it('reaches node-0 through server through home1, each hop a connection of its own', async () => {
    const result = await ansibleOnNode0(all());
    expect(result.output).toMatch(/node-0 \| CHANGED \| rc=0 >>\n::1 \d+ ::1 (\d+)/);
    expect(result.output).toContain(` ::1 ${sshds['node-0'].port}\n`); // node-0's sshd answered
    expect(sshds.home1.log()).toMatch(new RegExp(`direct_tcpip: originator .*, target ::1 port ${sshds.server.port}(?!\\d)`));
    expect(sshds.server.log()).toMatch(new RegExp(`direct_tcpip: originator .*, target ::1 port ${sshds['node-0'].port}(?!\\d)`));
  });

  it.each(['home1', 'server', 'node-0'] as const)('refuses when the key of %s is not in the lab known_hosts', async (unknown) => {
    // raw: with a Python module, Ansible may write to ssh before it gives up and report only the broken pipe.
    const result = await ansibleOnNode0(
      all().filter((line) => !line.startsWith(`[::1]:${sshds[unknown].port} `)),
      'ansible.builtin.raw',
    );
    expect(result.code).not.toBe(0);
    // node-0's own refusal is ssh's message; a hop's reaches Ansible as the connection its ssh closed.
    expect(result.output).toMatch(unknown === 'node-0' ? /Host key verification failed/ : /UNREACHABLE![\s\S]*kex_exchange_identification: Connection closed/);
  });

  it('writes each hop as argv a shell splits back exactly: no ProxyJump, whose hops would not get the pinned options', () => {
    writeFileSync(join(labDir, 'ssh', 'known_hosts'), all().join('\n'));
    const project = buildAnsibleProject(lab, labDir, []);
    const out = join(dir, 'parsed');
    mkdirSync(out, { recursive: true });
    for (const name of ['ansible.cfg', 'inventory.yml']) writeFileSync(join(out, name), project.files.get(name)!);
    const vars = JSON.parse(execFileSync('ansible-inventory', ['--host', 'node-0'], { cwd: out, encoding: 'utf8', env: { ...process.env, HOME: dir } })) as {
      ansible_ssh_common_args: string;
    };
    // Ansible splits ansible_ssh_common_args with shlex; ssh runs a ProxyCommand with sh -c.
    const split = (text: string): string[] =>
      JSON.parse(
        execFileSync('python3', ['-c', 'import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))', text], { encoding: 'utf8' }),
      ) as string[];
    const pinned = [
      '-o',
      `UserKnownHostsFile=${join(labDir, 'ssh', 'known_hosts')}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'HostKeyAlgorithms=ssh-ed25519',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-i',
      join(labDir, 'ssh', 'id_ed25519'),
    ];
    const [o, outer, ...rest] = split(vars.ansible_ssh_common_args);
    expect([o, rest]).toEqual(['-o', []]);
    const viaServer = split(outer!.replace(/^ProxyCommand=/, ''));
    expect(viaServer).toEqual([
      'ssh',
      ...pinned,
      '-o',
      expect.stringMatching(/^ProxyCommand=/),
      '-p',
      String(sshds.server.port),
      '-W',
      `[::1]:${sshds['node-0'].port}`,
      'root@::1',
    ]);
    const viaHome1 = split(viaServer[pinned.length + 2]!.replace(/^ProxyCommand=/, ''));
    expect(viaHome1).toEqual(['ssh', ...pinned, '-p', String(sshds.home1.port), '-W', `[::1]:${sshds.server.port}`, 'root@::1']);
    expect(project.files.get('inventory.yml')).not.toContain('ProxyJump');
  });
});
