import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinLabPath, LabError, loadLab, parseLab } from '../../../src/lab/load.js';
import { hostsWithRole, labFamilies, primaryAddress } from '../../../src/lab/types.js';
import { UsageError } from '../../../src/util/errors.js';
import { CLASSIC, edit } from './lab-fixtures.js';

describe('the shipped lab files', () => {
  it('classic: upstream machines, IPv4 cluster on a dual-stack node network', async () => {
    const path = builtinLabPath('classic');
    expect(path).toBe(resolve(import.meta.dirname, '../../../lab/classic.yaml'));
    const lab = await loadLab(path);
    expect(lab.source).toBe(path);
    expect(lab.track).toBe('classic');
    expect(lab.hosts.map((h) => h.name)).toEqual(['jumpbox', 'server', 'node-0', 'node-1']);
    expect(labFamilies(lab)).toEqual(['ipv4', 'ipv6']);
    const server = lab.hosts[1]!;
    expect(server).toEqual({
      name: 'server',
      fqdn: 'server.kubernetes.local',
      roles: ['controller', 'etcd'],
      addresses: { ipv4: '10.240.0.11', ipv6: 'fd00:10:240::11' },
      ssh: { user: 'root', port: 22 },
    });
    expect(hostsWithRole(lab, 'worker').map((h) => h.podCidr)).toEqual([{ ipv4: '10.200.0.0/24' }, { ipv4: '10.200.1.0/24' }]);
    expect(primaryAddress(lab, server)).toBe('10.240.0.11');
    expect(lab.networks.clusterDns).toBe('10.32.0.10');
    expect(lab.networks.api).toEqual({ name: 'server.kubernetes.local', port: 6443 });
    // containerd from the machine image's Debian package; Kubernetes and etcd from the mirror built from source
    expect(lab.versions.containerd).toEqual({ version: 'v1.7.24', urls: [], sha256: {}, source: 'image' });
    expect(lab.versions.kubernetes).toMatchObject({ version: 'v1.36.3', source: 'download' });
    expect(Object.keys(lab.versions).sort()).toEqual(['cni-plugins', 'containerd', 'crictl', 'etcd', 'kubernetes', 'runc']);
  });

  it('ipv6-ha: three controllers with odd etcd, routers with ASNs, VIP and BGP', async () => {
    const lab = await loadLab(builtinLabPath('ipv6-ha'));
    expect(lab.track).toBe('ipv6-ha');
    expect(labFamilies(lab)).toEqual(['ipv6']);
    expect(hostsWithRole(lab, 'controller').map((h) => h.addresses.ipv6)).toEqual(['fd00:4::20', 'fd00:4::120', 'fd00:4::21']);
    expect(hostsWithRole(lab, 'etcd')).toHaveLength(3);
    expect(hostsWithRole(lab, 'router').map((h) => [h.name, h.asn])).toEqual([
      ['home1', 65069],
      ['home2', 65070],
    ]);
    expect(hostsWithRole(lab, 'jumpbox').map((h) => h.name)).toEqual(['home1']);
    expect(lab.networks.api.vip).toBe('fd00:4::4');
    expect(lab.networks.bgp).toEqual({ clusterAsn: 65004, holdTimeSeconds: 9, keepaliveSeconds: 3 });
    expect(lab.hosts.find((h) => h.name === 'node-2')!.podCidr).toEqual({ ipv6: 'fd00:4:69:2::/64' });
    expect(lab.versions.etcd).toEqual({
      version: 'v3.6.17',
      urls: ['https://github.com/etcd-io/etcd/releases/download/{version}/etcd-{version}-linux-{arch}.tar.gz'],
      sha256: {},
      source: 'download',
    });
    expect(primaryAddress(lab, lab.hosts[2]!)).toBe('fd00:4::20');
  });
});

describe('loading', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kthw-lab-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file is a usage error naming it', async () => {
    const path = join(dir, 'nope.yaml');
    const error = await loadLab(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`cannot read lab file ${path}: no such file`);
    expect((error as UsageError).where).toBe(path);
  });

  it('a directory is a usage error', async () => {
    await expect(loadLab(dir)).rejects.toThrow(`cannot read lab file ${dir}: it is a directory`);
  });

  it('errors from a file carry its path', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, edit(CLASSIC, 'track: classic', 'track: modern'));
    const error = await loadLab(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).where).toBe(`${path}:2:8`);
  });

  it('fills defaults and normalises addresses to canonical form', () => {
    const text = edit(
      edit(
        CLASSIC,
        '  nodes: { ipv4: 10.240.0.0/24 }\n  hostAddress: { ipv4: 10.240.0.1 }',
        '  nodes: { ipv4: 10.240.0.0/24, ipv6: "FD00:0010:0240:0000::/64" }\n  hostAddress: { ipv4: 10.240.0.1, ipv6: "fd00:10:240::1" }',
      ),
      '    roles: [jumpbox]\n    addresses: { ipv4: 10.240.0.10 }',
      '    roles: [jumpbox]\n    addresses: { ipv4: 10.240.0.10, ipv6: "fd00:10:240:0:0:0:0:a" }\n    ssh: { user: debian, port: 2222, identity: ~/.ssh/lab_ed25519 }',
    )
      .replace('    addresses: { ipv4: 10.240.0.11 }', '    addresses: { ipv4: 10.240.0.11, ipv6: "fd00:10:240::b" }\n    ssh: { jump: jumpbox }')
      .replace('    addresses: { ipv4: 10.240.0.20 }', '    addresses: { ipv4: 10.240.0.20, ipv6: "fd00:10:240::14" }')
      .replace('    addresses: { ipv4: 10.240.0.21 }', '    addresses: { ipv4: 10.240.0.21, ipv6: "fd00:10:240::15" }');
    const lab = parseLab(text, 'mine.yaml');
    expect(lab.networks.nodes.ipv6).toBe('fd00:10:240::/64');
    expect(lab.hosts[0]).toMatchObject({ addresses: { ipv6: 'fd00:10:240::a' }, ssh: { user: 'debian', port: 2222, identity: '~/.ssh/lab_ed25519' } });
    expect(lab.hosts[1]!.ssh).toEqual({ user: 'root', port: 22, jump: 'jumpbox' });
    expect(lab.versions.etcd!.sha256).toEqual({});
    expect(lab.source).toBe('mine.yaml');
  });
});
