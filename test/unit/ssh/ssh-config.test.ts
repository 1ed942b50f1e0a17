import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/util/errors.js';
import { parseSshConfig, readSshConfig, sshHostFromConfig } from '../../../src/ssh/index.js';

const config = parseSshConfig(
  [
    '# lab machines',
    'Host server server.kubernetes.local',
    '  HostName 10.240.0.11',
    '  ProxyJump jumpbox',
    'Host node-? !node-9',
    '  HostName %h.kubernetes.local',
    '  Port 2222',
    '  ProxyJump admin@jumpbox:2200,server',
    'Host jumpbox',
    '  HostName=10.240.0.10',
    '  User admin',
    '  IdentityFile ~/.ssh/jump_key',
    'Match host node-1',
    '  User ignored-because-match',
    'Host *',
    '  User root',
    '  Port 22',
    '  IdentityFile "/keys/with space/id_ed25519"',
    '  UserKnownHostsFile ~/.kthw/known_hosts /etc/ssh/extra_known_hosts',
  ].join('\n'),
  '/test/ssh_config',
);

describe('ssh config Host entries', () => {
  it('first value wins, in file order, across matching blocks', () => {
    const server = sshHostFromConfig(config, 'server');
    expect(server).toMatchObject({ name: 'server', address: '10.240.0.11', port: 22, user: 'root', identity: '/keys/with space/id_ed25519' });
    expect(server.knownHosts).toEqual([join(homedir(), '.kthw/known_hosts'), '/etc/ssh/extra_known_hosts']);
    const jump = sshHostFromConfig(config, 'jumpbox');
    expect(jump).toMatchObject({ address: '10.240.0.10', user: 'admin', identity: join(homedir(), '.ssh/jump_key') });
    expect(jump.jump).toBeUndefined();
  });

  it('resolves ProxyJump by alias, including multi-hop lists and user@host:port hops', () => {
    expect(sshHostFromConfig(config, 'server.kubernetes.local').jump).toMatchObject({ name: 'jumpbox', address: '10.240.0.10' });
    const node = sshHostFromConfig(config, 'node-1');
    expect(node).toMatchObject({ address: 'node-1.kubernetes.local', port: 2222, user: 'root' });
    // node-1 -> via server -> via admin@jumpbox:2200
    expect(node.jump).toMatchObject({ name: 'server', address: '10.240.0.11' });
    expect(node.jump?.jump).toMatchObject({ name: 'admin@jumpbox:2200', address: '10.240.0.10', port: 2200, user: 'admin' });
  });

  it('honours negated patterns, and an alias no block names keeps its name and defaults', () => {
    const nine = sshHostFromConfig(config, 'node-9');
    expect(nine).toMatchObject({ address: 'node-9', port: 22, user: 'root' });
    expect(nine.jump).toBeUndefined();
    expect(sshHostFromConfig(parseSshConfig('', 'empty'), 'plain')).toEqual({ name: 'plain', address: 'plain', port: 22, user: userInfo().username });
  });

  it('reports Match and Include as not read', () => {
    expect(config.ignored).toEqual(['/test/ssh_config:13: Match']);
  });

  it('refuses a bad port, a jump loop and an unbalanced quote with where it is', () => {
    expect(() => sshHostFromConfig(parseSshConfig('Host x\n Port 99999', 'c'), 'x')).toThrow(/Port "99999" for x is not a TCP port/);
    expect(() => sshHostFromConfig(parseSshConfig('Host a\n ProxyJump b\nHost b\n ProxyJump a', 'c'), 'a')).toThrow(
      /ProxyJump loop in ssh config: a -> b -> a/,
    );
    const error = (() => {
      try {
        parseSshConfig('Host a\n IdentityFile "/open', 'cfg');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).where).toBe('cfg:2');
  });
});

describe('readSshConfig', () => {
  it('reads a file (the local lab writes one like this) and treats a missing one as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kthw-ssh-config-'));
    try {
      const path = join(dir, 'ssh_config');
      writeFileSync(
        path,
        'Host server server.kubernetes.local\n  HostName 10.240.0.11\n  User root\n  Port 22\n\nHost server server.kubernetes.local\n  IdentityFile "/lab dir/ssh/id_ed25519"\n  UserKnownHostsFile "/lab dir/ssh/known_hosts"\n  StrictHostKeyChecking yes\n',
      );
      expect(sshHostFromConfig(readSshConfig(path), 'server.kubernetes.local')).toEqual({
        name: 'server.kubernetes.local',
        address: '10.240.0.11',
        port: 22,
        user: 'root',
        identity: '/lab dir/ssh/id_ed25519',
        knownHosts: ['/lab dir/ssh/known_hosts'],
      });
      expect(readSshConfig(join(dir, 'absent')).blocks).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
