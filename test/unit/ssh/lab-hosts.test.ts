import { describe, expect, it } from 'vitest';
import { builtinLabPath, loadLab } from '../../../src/lab/load.js';
import { checkSshHost, sshHostsFromLab } from '../../../src/ssh/index.js';
import type { Lab } from '../../../src/lab/types.js';

describe('SSH hosts from a lab', () => {
  it('classic: every host by its primary address, the lab key as default identity', async () => {
    const lab = await loadLab(builtinLabPath('classic'));
    const hosts = sshHostsFromLab(lab, { defaultIdentity: '/lab/ssh/id_ed25519', knownHosts: ['/lab/ssh/known_hosts'] });
    expect([...hosts.keys()]).toEqual(lab.hosts.map((h) => h.name));
    expect(hosts.get('server')).toMatchObject({
      address: '10.240.0.11',
      port: 22,
      user: 'root',
      identity: '/lab/ssh/id_ed25519',
      knownHosts: ['/lab/ssh/known_hosts'],
    });
  });

  it('ipv6-ha: IPv6 addresses', async () => {
    const lab = await loadLab(builtinLabPath('ipv6-ha'));
    const hosts = sshHostsFromLab(lab);
    for (const host of hosts.values()) expect(host.address).toContain(':');
  });

  it('resolves ssh.jump to the named host, and refuses unknown names and loops', async () => {
    const lab = await loadLab(builtinLabPath('classic'));
    const withJump = (jumps: Record<string, string>): Lab => ({
      ...lab,
      hosts: lab.hosts.map((h) => (jumps[h.name] ? { ...h, ssh: { ...h.ssh, jump: jumps[h.name] } } : h)),
    });
    const hosts = sshHostsFromLab(withJump({ 'node-0': 'jumpbox', 'node-1': 'jumpbox' }));
    expect(hosts.get('node-0')?.jump).toBe(hosts.get('jumpbox'));
    expect(() => sshHostsFromLab(withJump({ 'node-0': 'bastion' }))).toThrow(/names "bastion", which is not a host of lab classic/);
    expect(() => sshHostsFromLab(withJump({ 'node-0': 'node-1', 'node-1': 'node-0' }))).toThrow(/loop: node-0 -> node-1 -> node-0/);
  });

  it('checkSshHost refuses descriptions that cannot work', () => {
    const ok = { name: 'a', address: '10.0.0.1', port: 22, user: 'root' };
    expect(() => checkSshHost(ok)).not.toThrow();
    expect(() => checkSshHost({ ...ok, port: 0 })).toThrow(/port 0/);
    expect(() => checkSshHost({ ...ok, address: '10.0.0.1 -oProxyCommand=x' })).toThrow(/no usable address/);
    expect(() => checkSshHost({ ...ok, user: '' })).toThrow(/no SSH user/);
  });
});
