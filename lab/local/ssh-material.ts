import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/util/errors.js';
import { labFamilies, primaryAddress, type Host, type Lab } from '../../src/lab/types.js';
import { sshDir } from './paths.js';
import { run } from './run.js';

/** Files of a lab's SSH material, all under `<labdir>/ssh` (0700). */
export function sshPaths(labName: string) {
  const dir = sshDir(labName);
  return {
    dir,
    key: join(dir, 'id_ed25519'),
    knownHosts: join(dir, 'known_hosts'),
    config: join(dir, 'ssh_config'),
    hostKey: (host: string) => join(dir, 'host-keys', host, 'ssh_host_ed25519_key'),
  };
}

function writeAtomic(path: string, content: string, mode: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode });
  chmodSync(temp, mode);
  renameSync(temp, path);
}

async function keygen(path: string, comment: string): Promise<void> {
  if (existsSync(path) && existsSync(`${path}.pub`)) {
    chmodSync(path, 0o600);
    return;
  }
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.new`;
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', temp]);
  chmodSync(temp, 0o600);
  renameSync(`${temp}.pub`, `${path}.pub`);
  renameSync(temp, path);
}

/** ssh_config values are quoted; a path that cannot be quoted there is refused. */
function configPath(path: string): string {
  if (/["\n\r]/.test(path))
    throw new UsageError(`the lab directory path cannot be used in ssh_config: ${path}`, { fix: 'set KTHW_HOME to a path without quotes or newlines' });
  return `"${path}"`;
}

function hostNames(lab: Lab, host: Host): string[] {
  return [
    host.name,
    host.fqdn,
    ...labFamilies(lab)
      .map((f) => host.addresses[f])
      .filter((a): a is string => a !== undefined),
  ];
}

/**
 * The lab's own key (root's authorized key on every machine), one host key per machine made before
 * its first boot, known_hosts pinning exactly those keys, and an ssh_config that verifies them.
 * Keys are kept across `lab down` so known_hosts stays valid.
 */
export async function ensureSshMaterial(lab: Lab): Promise<void> {
  const paths = sshPaths(lab.name);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);
  await keygen(paths.key, `kthw-lab-${lab.name}`);
  await Promise.all(lab.hosts.map((h) => keygen(paths.hostKey(h.name), `${h.name}@kthw-${lab.name}`)));

  const known = lab.hosts.map((h) => {
    const [type, key] = readFileSync(`${paths.hostKey(h.name)}.pub`, 'utf8')
      .trim()
      .split(/\s+/);
    return `${hostNames(lab, h).join(',')} ${type} ${key}`;
  });
  writeAtomic(paths.knownHosts, known.join('\n') + '\n', 0o600);

  const blocks = lab.hosts.map((h) =>
    [`Host ${[h.name, h.fqdn].join(' ')}`, `  HostName ${primaryAddress(lab, h)}`, `  User ${h.ssh.user}`, `  Port ${h.ssh.port}`].join('\n'),
  );
  const common = [
    `Host ${lab.hosts.flatMap((h) => [h.name, h.fqdn]).join(' ')}`,
    `  IdentityFile ${configPath(paths.key)}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${configPath(paths.knownHosts)}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  HostKeyAlgorithms ssh-ed25519',
    '  PasswordAuthentication no',
    '  KbdInteractiveAuthentication no',
    '  ConnectTimeout 5',
    '  LogLevel ERROR',
  ].join('\n');
  writeAtomic(paths.config, `# Written by kthw for the local lab "${lab.name}": ssh -F ${paths.config} <host>\n${blocks.join('\n\n')}\n\n${common}\n`, 0o600);
}
