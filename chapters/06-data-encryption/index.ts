import { chapterFolder, type ChapterModule, type CheckSpec, hostsWithRole, jumpboxOf, type Lab, sh, sshRoot, type Step, UsageError } from '../kit.js';

const folder = chapterFolder(import.meta.url);

/** Where the lab directory keeps it (this chapter's encryption-key generator writes it there). */
export const encryptionSecret = 'secrets/encryption-config.yaml';
/** Upstream copies it to root's home on each controller; chapter 08 moves it into place. */
export const encryptionConfigPath = '/root/encryption-config.yaml';

/** Prints only the number of bytes the first `secret:` decodes to: the key itself never leaves the host. */
export const keyLengthCommand = sh`awk '$1 == "secret:" { print $2; exit }' ${encryptionConfigPath} | base64 -d | wc -c`;

/** The provider names in order, e.g. `aescbc identity`. */
export const providersCommand = sh`awk '/^[ \\t]*-[ \\t]*(aescbc|aesgcm|secretbox|kms|identity):/ { sub(/^[ \\t]*-[ \\t]*/, ""); sub(/:.*/, ""); print }' ${encryptionConfigPath} | paste -sd ' ' -`;

/**
 * From the jumpbox: one line `<host> <sha256 prefix>` per controller, then the controllers whose file
 * differs from the first one's, or whose file is missing. Exit 1 when any differs. Only hashes
 * (of the whole file) are printed; a hash does not reveal the key.
 */
export function sameEverywhereCommand(hosts: string[]): string {
  const lines = hosts.map(
    (h) => `{ ${sshRoot(h, sh`sha256sum < ${encryptionConfigPath}`)} 2>/dev/null || echo; } | ` + sh`awk -v ${`h=${h}`} '{ print h, substr($1, 1, 12) }'`,
  );
  return (
    `{ ${lines.join('; ')}; } | awk 'NR == 1 { first = $2; host = $1 } { print } ` +
    `$2 == "" { bad = bad " " $1 " (missing)" } $2 != "" && $2 != first { bad = bad " " $1 } ` +
    'END { if (bad != "") { print "differs from " host ":" bad; exit 1 } }\''
  );
}

function steps(lab: Lab, controllers: string[]): Step[] {
  return [
    {
      id: 'generate-key',
      title: 'A 32-byte encryption key and its configuration',
      why:
        'kthw draws 32 random bytes on your machine and writes the EncryptionConfiguration into the lab directory ' +
        `(\`${encryptionSecret}\`, readable by you only). Made once: running this again keeps the key, because secrets ` +
        'already stored under it would become unreadable with a new one. The key is never shown, logged or recorded in the state file. ' +
        'By hand: `head -c 32 /dev/urandom | base64`, pasted into the file shown in the lesson.',
      host: 'local',
      actions: [{ kind: 'generate', generator: 'encryption-key', items: ['key1'] }],
    },
    ...controllers.map((host): Step => ({
      id: `place-${host}`,
      title: `encryption-config.yaml on ${host}`,
      why:
        `Every API server must hold the same key, or a secret written through one cannot be read through another. In root's ` +
        `home on ${host} as upstream (chapter 08 hands it to the API server), mode 0600: the file is the key.`,
      host,
      actions: [{ kind: 'secret-file', path: encryptionConfigPath, mode: '0600', owner: 'root', group: 'root', secret: encryptionSecret }],
    })),
  ];
}

function checks(lab: Lab, controllers: string[]): CheckSpec[] {
  const perHost = controllers.flatMap((host): CheckSpec[] => [
    {
      id: `config-mode-${host}`,
      title: `${encryptionConfigPath} on ${host} is readable by root only`,
      host,
      kind: 'file',
      params: { path: encryptionConfigPath, mode: '0600', owner: 'root' },
      why: 'Whoever reads this file can decrypt every secret in etcd, backups included.',
      fix: `chmod 0600 ${encryptionConfigPath} on ${host}, or run chapter 6 again`,
    },
    {
      id: `key-length-${host}`,
      title: `the key on ${host} is 32 bytes (AES-256)`,
      host,
      kind: 'command',
      params: { run: keyLengthCommand, stdout: '^32\\n?$' },
      why: 'aescbc takes a 16-, 24- or 32-byte key; upstream and kthw use 32. A key that does not decode makes the API server refuse to start.',
      fix: 'run chapter 6 again: it places the configuration kept in the lab directory',
    },
    {
      id: `providers-${host}`,
      title: `secrets on ${host} are written with aescbc, identity only for reading old data`,
      host,
      kind: 'command',
      params: { run: providersCommand, stdout: '^aescbc identity\\n?$' },
      why: 'The first provider encrypts every write; identity first would store secrets in clear.',
      fix: 'run chapter 6 again',
    },
  ]);
  if (controllers.length < 2) return perHost;
  const jumpbox = jumpboxOf(lab).name;
  return [
    ...perHost,
    {
      id: 'same-key-everywhere',
      title: `every controller holds the same encryption configuration (${controllers.join(', ')})`,
      host: jumpbox,
      kind: 'command',
      params: { run: sameEverywhereCommand(controllers) },
      why: 'Behind the VIP any API server may serve a request: with different keys, a secret written through one is unreadable through the others.',
      fix: 'run chapter 6 again: it places the one configuration from the lab directory on every controller',
    },
  ];
}

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Data encryption',
    summary: 'An encryption key for secrets at rest, in an EncryptionConfiguration placed on every control-plane machine.',
    tracks: ['classic', 'ipv6-ha'],
  },
  secrets: [encryptionSecret],
  generators: { 'encryption-key': () => import('./encryption-key.js').then((m) => m.encryptionKeyGenerator) },
  plan(lab) {
    const controllers = hostsWithRole(lab, 'controller').map((h) => h.name);
    if (controllers.length === 0) {
      throw new UsageError(`lab "${lab.name}" has no host with the controller role`, {
        where: lab.source,
        fix: 'give at least one host `roles: [controller, etcd]`',
      });
    }
    return { chapter: folder.id, steps: steps(lab, controllers), checks: checks(lab, controllers) };
  },
};
