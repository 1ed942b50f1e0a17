/** Labs the chapter tests plan for: the two shipped files, a third with other names and addresses, and a hostile one. */
import { builtinLabPath, loadLab, parseLab } from '../../../src/lab/load.js';
import type { Lab } from '../../../src/lab/types.js';

export const shippedLabs = async (): Promise<Record<'classic' | 'ipv6-ha', Lab>> => ({
  classic: await loadLab(builtinLabPath('classic')),
  'ipv6-ha': await loadLab(builtinLabPath('ipv6-ha')),
});

/** Classic track, but two control-plane machines, three workers, arm64 and names of its own. */
export const otherLabYaml = `
name: garage
track: classic
domain: lab.example.internal
arch: arm64
networks:
  nodes: { ipv4: 192.168.50.0/24 }
  hostAddress: { ipv4: 192.168.50.1 }
  pods: { ipv4: 10.66.0.0/16 }
  services: { ipv4: 10.96.0.0/24 }
  clusterDns: 10.96.0.10
  clusterDomain: garage.local
  api: { name: api.lab.example.internal, port: 6443 }
hosts:
  - name: bastion
    roles: [jumpbox]
    addresses: { ipv4: 192.168.50.5 }
  - name: ctl-1
    roles: [controller, etcd]
    addresses: { ipv4: 192.168.50.11 }
  - name: ctl-2
    roles: [controller, etcd]
    addresses: { ipv4: 192.168.50.12 }
  - name: wk-a
    roles: [worker]
    addresses: { ipv4: 192.168.50.21 }
    podCidr: { ipv4: 10.66.1.0/24 }
  - name: wk-b
    roles: [worker]
    addresses: { ipv4: 192.168.50.22 }
    podCidr: { ipv4: 10.66.2.0/24 }
  - name: wk-c
    roles: [worker]
    addresses: { ipv4: 192.168.50.23 }
    podCidr: { ipv4: 10.66.3.0/24 }
versions:
  kubernetes:
    version: v1.33.1
    urls:
      - https://dl.k8s.io/{version}/bin/linux/{arch}/kubelet
      - https://dl.k8s.io/{version}/bin/linux/{arch}/kubectl
    sha256:
      kubelet: "${'ab'.repeat(32)}"
  containerd:
    version: v2.0.4
    urls:
      - https://github.com/containerd/containerd/releases/download/{version}/containerd-{version_bare}-linux-{arch}.tar.gz
  etcd:
    version: v3.5.16
    source: image
`;

export const otherLab = (): Lab => parseLab(otherLabYaml, 'garage.yaml');

/**
 * Values the lab parser would refuse, built by hand so the plans meet them anyway: every run of
 * letters in them says "pwn", so any of it outside single quotes shows in a command's unquoted text.
 */
export const hostileNames = ['pwn;pwn', 'pwn$(pwn)', 'pwn`pwn`', "pwn'pwn", 'pwn pwn|pwn&pwn', 'pwn"pwn>pwn'];

export function hostileLab(base: Lab): Lab {
  const lab = structuredClone(base);
  lab.hosts = lab.hosts.map((host, i) => {
    const name = hostileNames[i % hostileNames.length]! + String(i);
    return { ...host, name, fqdn: `${name}.pwn*pwn` };
  });
  return lab;
}

/** Names with spaces: all an openssl config (chapter 4) can hold unescaped, still unsafe in a shell. */
export function spaceyLab(base: Lab): Lab {
  const lab = structuredClone(base);
  lab.hosts = lab.hosts.map((host, i) => ({ ...host, name: `pwn pwn${i}`, fqdn: `pwn pwn${i}.pwn` }));
  return lab;
}
