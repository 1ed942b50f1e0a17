/**
 * The shape of a lab file, checked with zod: types, required keys, no unknown keys (a typo must not
 * be ignored), and each string's own content. Relations between values (addresses inside prefixes,
 * role counts, overlaps) are checked afterwards by semantics.ts on the parsed result.
 */
import * as z from 'zod';
import './zod-jitless.js';
import { parseAddress, parseCidr, type IpFamily } from './cidr.js';
import { quoted } from './lab-error.js';
import { checkIdentity, checkLabel, checkSubdomain, checkUser, type Complaint } from './safe-values.js';

function checked(check: (value: string) => Complaint | undefined) {
  return z.string().superRefine((value, ctx) => {
    const complaint = check(value);
    if (complaint) ctx.addIssue({ code: 'custom', message: complaint.message, params: { fix: complaint.fix } });
  });
}

function wholeNumber(what: string, min: number, max: number) {
  return z.number().superRefine((value, ctx) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must be a whole number from ${min} to ${max}, not ${value}`,
        params: { fix: `give a value from ${min} to ${max}` },
      });
    }
  });
}

const familyName = (family: IpFamily) => (family === 4 ? 'IPv4' : 'IPv6');

function addressOf(family: IpFamily | undefined, what: string) {
  return checked((value) => {
    const address = parseAddress(value);
    if (!address)
      return { message: `${what} ${quoted(value)} is not an IP address`, fix: 'write a plain address without a /length, e.g. 10.240.0.20 or fd00:4::20' };
    if (family && address.family !== family) {
      return { message: `${what} ${quoted(value)} is not an ${familyName(family)} address`, fix: `put it under ${address.family === 4 ? 'ipv4' : 'ipv6'}:` };
    }
    return undefined;
  });
}

function cidrOf(family: IpFamily, what: string) {
  return checked((value) => {
    const parsed = parseCidr(value);
    if (!parsed.ok)
      return {
        message: `${what} ${quoted(value)} is not a prefix: it ${parsed.reason}`,
        fix: 'write it as ADDRESS/LENGTH with the host bits zero, e.g. 10.240.0.0/24',
      };
    if (parsed.cidr.family !== family) {
      return { message: `${what} ${quoted(value)} is not an ${familyName(family)} prefix`, fix: `put it under ${parsed.cidr.family === 4 ? 'ipv4' : 'ipv6'}:` };
    }
    return undefined;
  });
}

function perFamily<T extends z.ZodType>(v4: T, v6: T, what: string) {
  return z.strictObject({ ipv4: v4.optional(), ipv6: v6.optional() }).superRefine((value, ctx) => {
    if (value.ipv4 === undefined && value.ipv6 === undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} gives neither ipv4 nor ipv6`, params: { fix: 'give ipv4:, ipv6: or both' } });
    }
  });
}

const prefixes = (what: string) => perFamily(cidrOf(4, what), cidrOf(6, what), what);
const addresses = (what: string) => perFamily(addressOf(4, what), addressOf(6, what), what);

export const ROLES = ['jumpbox', 'controller', 'etcd', 'worker', 'router'] as const;

const ssh = z.strictObject({
  user: checked(checkUser).default('root'),
  port: wholeNumber('ssh port', 1, 65535).default(22),
  identity: checked(checkIdentity).optional(),
  jump: checked((v) => checkLabel(v, 'ssh jump host')).optional(),
});

const host = z.strictObject({
  name: checked((v) => checkLabel(v, 'host name')),
  roles: z.array(z.enum(ROLES)).superRefine((roles, ctx) => {
    if (roles.length === 0) ctx.addIssue({ code: 'custom', message: 'roles is empty', params: { fix: `give at least one of ${ROLES.join(', ')}` } });
  }),
  addresses: addresses('address'),
  ssh: ssh.default({ user: 'root', port: 22 }),
  podCidr: prefixes('pod CIDR').optional(),
  asn: wholeNumber('asn', 1, 4294967295).optional(),
});

const component = z.strictObject({
  version: z.string(),
  urls: z.array(z.string()).default([]),
  sha256: z.record(z.string(), z.string()).default({}),
  source: z.enum(['download', 'image']).default('download'),
});

export const labSchema = z.strictObject({
  name: checked((v) => checkLabel(v, 'lab name')),
  track: z.enum(['classic', 'ipv6-ha']),
  domain: checked((v) => checkSubdomain(v, 'domain')),
  arch: z.enum(['amd64', 'arm64']),
  networks: z.strictObject({
    nodes: prefixes('node network'),
    hostAddress: addresses('host address'),
    pods: prefixes('pod network'),
    services: prefixes('service network'),
    clusterDns: addressOf(undefined, 'cluster DNS address'),
    clusterDomain: checked((v) => checkSubdomain(v, 'cluster domain')),
    api: z.strictObject({
      name: checked((v) => checkSubdomain(v, 'API name')),
      port: wholeNumber('API port', 1, 65535),
      vip: addressOf(undefined, 'API VIP').optional(),
    }),
    bgp: z
      .strictObject({
        clusterAsn: wholeNumber('clusterAsn', 1, 4294967295),
        holdTimeSeconds: wholeNumber('holdTimeSeconds', 3, 65535),
        keepaliveSeconds: wholeNumber('keepaliveSeconds', 1, 21845),
      })
      .optional(),
  }),
  hosts: z.array(host).superRefine((hosts, ctx) => {
    if (hosts.length === 0)
      ctx.addIssue({ code: 'custom', message: 'hosts is empty', params: { fix: 'list the lab machines: a jumpbox, controllers and workers' } });
  }),
  versions: z.record(z.string(), component),
});

export type RawLab = z.output<typeof labSchema>;
