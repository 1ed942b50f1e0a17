/**
 * The etcd cluster a lab asks for, as data: members, URLs, TLS files, the binary and the flags that
 * fit the etcd version the machines actually run.
 */
import { hostsWithRole, type Lab, primaryAddress, renderUrl, urlHost, UsageError } from '../kit.js';

export const etcdDir = '/etc/etcd';
export const dataDir = '/var/lib/etcd';
export const unitPath = '/etc/systemd/system/etcd.service';

/** Client TLS files chapter 04 put on each etcd host; the server certificate also carries clientAuth. */
export const memberClientTls = { cacert: `${etcdDir}/ca.crt`, cert: `${etcdDir}/server.crt`, key: `${etcdDir}/server.key` };
/** The API server's own client identity towards etcd (chapter 04, root's home on each controller). */
export const apiServerClientTls = { cacert: '/root/ca.crt', cert: '/root/kube-api-server-etcd-client.crt', key: '/root/kube-api-server-etcd-client.key' };

export interface EtcdMember {
  name: string;
  /** Address peers and clients use; IPv6 in brackets inside URLs. */
  address: string;
  peerUrl: string;
  clientUrl: string;
  listenClientUrls: string[];
  listenPeerUrls: string[];
  metricsUrls: string[];
}

export interface EtcdCluster {
  /** ipv6-ha: TLS for clients and peers, metrics port, tuned timing, ionice, chattr, weekly defrag. */
  care: boolean;
  tls: boolean;
  members: EtcdMember[];
  token: string;
  /** major.minor of the etcd the machines run. */
  version: { major: number; minor: number; text: string };
  /** Where the unit runs etcd from: the image's package (/usr/bin) or upstream's tarball (/usr/local/bin). */
  binary: string;
  source: 'download' | 'image';
  /** The upstream tarball in the jumpbox's downloads/, when the lab downloads etcd. */
  tarball?: { file: string; dir: string };
}

export const heartbeatMs = 250;
export const electionMs = 2500;
export const metricsPort = 2381;

export function parseVersion(text: string, where: string): EtcdCluster['version'] {
  const match = /^v?(\d+)\.(\d+)\./.exec(text);
  if (!match) throw new UsageError(`etcd version "${text}" is not major.minor.patch`, { where, fix: 'write it as in the release name, e.g. v3.5.16' });
  return { major: Number(match[1]), minor: Number(match[2]), text };
}

export function etcdCluster(lab: Lab): EtcdCluster {
  const hosts = hostsWithRole(lab, 'etcd');
  if (hosts.length === 0)
    throw new UsageError(`lab "${lab.name}" has no host with the etcd role`, {
      where: lab.source,
      fix: 'give the control-plane hosts `roles: [controller, etcd]`',
    });
  const spec = lab.versions.etcd;
  if (!spec)
    throw new UsageError(`lab "${lab.name}" names no etcd version`, {
      where: lab.source,
      fix: "add `versions: etcd: { version: v3.5.16, source: image }` or upstream's download",
    });
  const care = lab.track === 'ipv6-ha';
  const tls = care;
  const single = hosts.length === 1 && !care;
  const scheme = tls ? 'https' : 'http';
  const members = hosts.map((host): EtcdMember => {
    const address = single ? '127.0.0.1' : primaryAddress(lab, host);
    const at = (port: number, s = scheme) => `${s}://${urlHost(address)}:${port}`;
    const loopback = address.includes(':') ? '[::1]' : '127.0.0.1';
    return {
      name: host.name,
      address,
      peerUrl: at(2380),
      clientUrl: at(2379),
      listenPeerUrls: [at(2380)],
      // Clients on the loopback too, so local tools and health checks need not know the address.
      listenClientUrls: single ? [at(2379)] : [at(2379), `${scheme}://${loopback}:2379`],
      metricsUrls: care ? [at(metricsPort, 'http'), `http://${loopback}:${metricsPort}`] : [],
    };
  });
  const file = spec.urls.map((u) => new URL(renderUrl(u, spec.version, lab.arch)).pathname.split('/').pop()!).find((f) => /^etcd-.*\.tar\.gz$/.test(f));
  return {
    care,
    tls,
    members,
    token: `${lab.name}-etcd`,
    version: parseVersion(spec.version, lab.source),
    binary: spec.source === 'image' ? '/usr/bin/etcd' : '/usr/local/bin/etcd',
    source: spec.source,
    tarball: spec.source === 'download' && file ? { file, dir: file.replace(/\.tar\.gz$/, '') } : undefined,
  };
}

/** The flags for one member, one `--name=value` a line; version-specific ones chosen by the running version. */
export function etcdFlags(cluster: EtcdCluster, member: EtcdMember): string[] {
  const flags = [
    `--name=${member.name}`,
    `--data-dir=${dataDir}`,
    `--listen-peer-urls=${member.listenPeerUrls.join(',')}`,
    `--initial-advertise-peer-urls=${member.peerUrl}`,
    `--listen-client-urls=${member.listenClientUrls.join(',')}`,
    `--advertise-client-urls=${member.clientUrl}`,
    `--initial-cluster=${cluster.members.map((m) => `${m.name}=${m.peerUrl}`).join(',')}`,
    `--initial-cluster-token=${cluster.token}`,
    '--initial-cluster-state=new',
  ];
  if (cluster.tls) {
    flags.push(
      '--client-cert-auth=true',
      `--trusted-ca-file=${etcdDir}/ca.crt`,
      `--cert-file=${etcdDir}/server.crt`,
      `--key-file=${etcdDir}/server.key`,
      '--peer-client-cert-auth=true',
      `--peer-trusted-ca-file=${etcdDir}/ca.crt`,
      `--peer-cert-file=${etcdDir}/peer.crt`,
      `--peer-key-file=${etcdDir}/peer.key`,
    );
  }
  if (cluster.care) {
    flags.push(`--listen-metrics-urls=${member.metricsUrls.join(',')}`, `--heartbeat-interval=${heartbeatMs}`, `--election-timeout=${electionMs}`);
    const { major, minor } = cluster.version;
    if (major > 3 || (major === 3 && minor >= 6)) {
      // 3.6 moved the experimental checks behind feature gates (the old flags go in 3.7).
      flags.push('--feature-gates=InitialCorruptCheck=true,CompactHashCheck=true');
    } else {
      // 3.6's default; 3.5 keeps 100000 entries in memory between snapshots.
      flags.push('--experimental-initial-corrupt-check=true', '--experimental-compact-hash-check-enabled=true', '--snapshot-count=10000');
    }
  }
  return flags;
}

/** etcdctl client TLS arguments for the member's own files (none on a plain-HTTP cluster). */
export function clientTlsArgs(cluster: EtcdCluster, tlsFiles = memberClientTls): string[] {
  return cluster.tls ? [`--cacert=${tlsFiles.cacert}`, `--cert=${tlsFiles.cert}`, `--key=${tlsFiles.key}`] : [];
}
