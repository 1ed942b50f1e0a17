import { posix } from 'node:path';
import {
  chapterFolder,
  type Action,
  type CertProfile,
  type ChapterModule,
  type CheckSpec,
  type Destination,
  jumpboxOf,
  type Lab,
  opensslCommands,
  opensslConfig,
  sh,
  shq,
  type Step,
  templateFile,
  UsageError,
  workDir,
} from '../kit.js';
import { certificates, profilesOf } from './certificates.js';

const folder = chapterFolder(import.meta.url);
const { slug } = folder;
const caConf = `${workDir}/ca.conf`;

/** opensslConfig refuses values it cannot write unescaped; the lab parser never lets such values through. */
function opensslConfigOf(lab: Lab, profiles: CertProfile[]): string {
  try {
    return opensslConfig(profiles);
  } catch (error) {
    throw new UsageError(`lab ${lab.name}: ${(error as Error).message}`, {
      where: lab.source,
      fix: 'host names must be DNS labels and addresses plain IPs (kthw lab validate says which value is wrong)',
    });
  }
}

/** The openssl commands that make the same certificates by hand, for the learner to read or type. */
function byHand(profiles: CertProfile[]): string {
  const lines = profiles.flatMap((p) => opensslCommands(p, 'ca.conf').map((argv) => argv.map(shq).join(' ')));
  return ['```sh', sh`cd ${workDir}`, ...lines, '```'].join('\n');
}

/** Where the generator leaves each profile's files, relative to the lab directory. */
export function secretOf(profile: { id: string }, file: Destination['file']): string {
  return `pki/${profile.id}.${file === 'cert' ? 'crt' : 'key'}`;
}

const octal = (mode: number) => `0${mode.toString(8)}`;

interface Placement {
  profile: CertProfile;
  destination: Destination;
}

/** Every file placed on a host, grouped by host in the lab's host order. */
function placementsByHost(lab: Lab, profiles: CertProfile[]): Array<[string, Placement[]]> {
  const all = profiles.flatMap((profile) => profile.destinations.map((destination) => ({ profile, destination })));
  return lab.hosts
    .map((host): [string, Placement[]] => [host.name, all.filter((p) => p.destination.host === host.name)])
    .filter(([, placements]) => placements.length > 0);
}

function distributeStep(host: string, placements: Placement[]): Step {
  // Directories that receive a private key are private.
  const keyDirs = [...new Set(placements.filter((p) => p.destination.file === 'key').map((p) => posix.dirname(p.destination.path)))];
  const actions: Action[] = [
    ...keyDirs.map((dir): Action => ({ kind: 'directory', path: dir, mode: '0700' })),
    ...placements.map(({ profile, destination }): Action => ({
      kind: 'secret-file',
      path: destination.path,
      mode: octal(destination.mode),
      owner: 'root',
      group: 'root',
      secret: secretOf(profile, destination.file),
    })),
  ];
  const names = [...new Set(placements.map((p) => p.profile.id))];
  return {
    id: `distribute-${host}`,
    title: `Certificates and keys for ${host}`,
    why:
      `${host} gets ${names.join(', ')}: only what its own components present or check. Certificates are public ` +
      '(0644); private keys are readable by root alone (0600) and never leave the machines that need them.',
    host,
    actions,
  };
}

/** The CA certificate placed on the same host, preferring the one in the same directory. */
function caPathFor(placement: Placement, onHost: Placement[]): string | undefined {
  const cas = onHost.filter((p) => p.profile.isCA && p.destination.file === 'cert');
  const dir = posix.dirname(placement.destination.path);
  return (cas.find((p) => posix.dirname(p.destination.path) === dir) ?? cas[0])?.destination.path;
}

/** `<host>-<profile>`, plus the directory when the profile lands twice on one host (the CA for etcd). */
function placementKey(host: string, { profile, destination }: Placement, onHost: Placement[]): string {
  const twins = onHost.filter((p) => p.profile.id === profile.id && p.destination.file === destination.file);
  if (twins.length === 1) return `${host}-${profile.id}`;
  const dir = posix
    .dirname(destination.path)
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  return `${host}-${profile.id}-${dir || 'root-dir'}`;
}

function checksFor(host: string, onHost: Placement[]): CheckSpec[] {
  return onHost.flatMap(({ profile, destination }): CheckSpec[] => {
    const key = placementKey(host, { profile, destination }, onHost);
    if (destination.file === 'key') {
      return [
        {
          id: `key-mode-${key}`,
          title: `${destination.path} on ${host} is readable by root only`,
          host,
          kind: 'file',
          params: { path: destination.path, mode: octal(destination.mode), owner: 'root' },
          why: `Whoever reads this key can act as ${profile.id} towards the whole cluster.`,
          fix: `chmod ${octal(destination.mode)} ${destination.path} && chown root:root ${destination.path} on ${host}`,
        },
      ];
    }
    const keyFile = onHost.find((p) => p.profile.id === profile.id && p.destination.file === 'key');
    const caPath = profile.isCA ? undefined : caPathFor({ profile, destination }, onHost);
    const attr = (name: string) => profile.subject.filter((a) => a.name === name).map((a) => a.value);
    return [
      {
        id: `cert-${key}`,
        title: `${destination.path} on ${host} is the ${profile.id} certificate`,
        host,
        kind: 'x509',
        params: {
          path: destination.path,
          cn: attr('CN')[0],
          o: attr('O'),
          dnsSans: profile.sans.dns,
          ipSans: profile.sans.ip,
          exactSans: true,
          keyUsage: profile.keyUsage,
          extKeyUsage: profile.extKeyUsage,
          isCa: profile.isCA,
          ...(caPath ? { caPath } : {}),
          ...(keyFile ? { keyPath: keyFile.destination.path } : {}),
        },
        why: `${profile.purpose} A wrong name, usage or issuer makes the other side refuse it.`,
        fix: `run chapter 4 again: it places the certificate kthw generated for ${profile.id}`,
      },
      {
        id: `cert-mode-${key}`,
        title: `${destination.path} on ${host} has mode ${octal(destination.mode)}`,
        host,
        kind: 'file',
        params: { path: destination.path, mode: octal(destination.mode), owner: 'root' },
        why: 'Components running as other users still need to read the certificate.',
        fix: `chmod ${octal(destination.mode)} ${destination.path} on ${host}`,
      },
    ];
  });
}

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Certificate authority',
    summary: "A CA of the lab's own, a certificate for every component and node, and each placed on the machines that use it.",
    tracks: ['classic', 'ipv6-ha'],
  },
  secrets: ['pki/'],
  certificates,
  plan(lab) {
    const profiles = profilesOf(lab);
    const byHost = placementsByHost(lab, profiles);
    const generate: Step = {
      id: 'generate',
      title: 'Generate the CA and every certificate',
      why:
        'kthw generates the keys and signs the certificates on your machine and keeps them in the lab directory ' +
        `(${profiles.map((p) => p.id).join(', ')}). Upstream does the same with openssl on the jumpbox. ` +
        'Generating is idempotent: an existing CA is kept, so a re-run does not invalidate what is already placed.',
      host: 'local',
      actions: [{ kind: 'generate', generator: 'pki', items: profiles.map((p) => p.id) }],
    };
    const jumpbox = jumpboxOf(lab).name;
    const config = templateFile(
      slug,
      'ca.conf.tmpl',
      { pki_openssl_config: opensslConfigOf(lab, profiles).replace(/\n+$/, '') },
      { path: caConf, mode: '0644', owner: 'root', group: 'root' },
    );
    const configStep: Step = {
      id: 'openssl-config',
      title: 'The same certificates as an openssl configuration',
      why:
        `For reading and for doing it by hand: ${caConf} on ${jumpbox} has one section per certificate of this lab ` +
        '(subject, usages, names). These commands, run there, make the same certificates as kthw does:\n\n' +
        byHand(profiles),
      host: jumpbox,
      actions: [config],
    };
    return {
      chapter: folder.id,
      steps: [generate, configStep, ...byHost.map(([host, placements]) => distributeStep(host, placements))],
      checks: byHost.flatMap(([host, placements]) => checksFor(host, placements)),
    };
  },
};
