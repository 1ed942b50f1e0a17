import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { Host, Lab } from '../../src/lab/types.js';

/**
 * A stand-in for src/lab/load.ts (not written yet): reads a lab file into the Lab shape with the
 * defaults the real loader fills in (fqdn, ssh root@22). No validation: the lab tests only read
 * the shipped files and their own small ones. The top-level `versions:` section is skipped: the
 * local lab never reads it, and the shipped files' `urls: [https://…/{version}/…]` are not valid
 * flow YAML (`{` opens a map), which is the real loader's business.
 */
export function loadTestLab(path: string): Lab {
  const source = resolve(path);
  const text = readFileSync(source, 'utf8').split(/^versions:/m)[0]!;
  const raw = parse(text) as Record<string, any>;
  const hosts: Host[] = (raw.hosts as any[]).map((h) => ({
    name: h.name,
    fqdn: `${h.name}.${raw.domain}`,
    roles: h.roles,
    addresses: h.addresses,
    ssh: { user: 'root', port: 22, ...(h.ssh ?? {}) },
    ...(h.podCidr ? { podCidr: h.podCidr } : {}),
    ...(h.asn ? { asn: h.asn } : {}),
  }));
  return { name: raw.name, track: raw.track, domain: raw.domain, arch: raw.arch, hosts, networks: raw.networks, versions: {}, source };
}
