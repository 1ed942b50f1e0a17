import { appendFileSync, chmodSync } from 'node:fs';
import { SshHostKeyRefused } from './errors.js';
import { keyBlobType, sha256Fingerprint } from './fingerprint.js';
import { shq } from './shell-quote.js';
import { judgeHostKey, knownHostsLine, knownHostsName, knownKeyTypes, readKnownHostsFiles } from './known-hosts.js';

export interface HostKeyPolicy {
  /** known_hosts files to trust, in order. */
  knownHostsFiles: string[];
  /**
   * Only for a known_hosts file kthw itself generated (a lab it built): unknown hosts have their key
   * appended there and are trusted. A changed or revoked key is still refused.
   */
  acceptNewInto?: string;
}

const algorithmsFor: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

export interface HostKeyCheck {
  /** Host key algorithms to offer, or undefined for ssh2's defaults (nothing known yet). */
  serverHostKey: string[] | undefined;
  verify(keyBlob: Buffer): boolean;
  /** Set when `verify` said no: the error to report instead of ssh2's generic one. */
  refusal(): SshHostKeyRefused | undefined;
}

/** Checks the key host `hostName` (described in messages as `label`) offers against known_hosts, OpenSSH-style. */
export function hostKeyCheck(hostName: string, label: string, address: string, port: number, policy: HostKeyPolicy): HostKeyCheck {
  const name = knownHostsName(address, port);
  const entries = readKnownHostsFiles(policy.knownHostsFiles);
  const types = knownKeyTypes(entries, name).flatMap((t) => algorithmsFor[t] ?? []);
  const files = policy.knownHostsFiles.join(', ') || '(no known_hosts file)';
  let refused: SshHostKeyRefused | undefined;

  const verify = (keyBlob: Buffer): boolean => {
    const fingerprint = sha256Fingerprint(keyBlob);
    const verdict = judgeHostKey(entries, name, keyBlob);
    if (verdict.status === 'trusted') return true;
    if (verdict.status === 'revoked') {
      refused = new SshHostKeyRefused(
        hostName,
        'revoked',
        fingerprint,
        `host ${label} offered a REVOKED ${keyBlobType(keyBlob)} key ${fingerprint} (revoked at ${verdict.where})`,
        `do not connect: this key was revoked on purpose; give ${label} a new host key and record it in known_hosts`,
      );
      return false;
    }
    if (verdict.status === 'changed') {
      const known = verdict.known.map((e) => `${sha256Fingerprint(e.keyBlob)} (${e.where})`).join(', ');
      refused = new SshHostKeyRefused(
        hostName,
        'changed',
        fingerprint,
        `HOST KEY CHANGED for ${label}: it offered ${keyBlobType(keyBlob)} key ${fingerprint}, but known_hosts expects ${known}. ` +
          'Someone may be intercepting the connection, or the machine was rebuilt.',
        `if and only if you know ${label} was re-installed, check ${fingerprint} on the machine (ssh-keygen -lf /etc/ssh/ssh_host_${shortType(keyBlob)}_key.pub) and replace the old line (ssh-keygen -R ${shq(name)} -f ${shq(fileOf(verdict.known[0]!.where))})`,
      );
      return false;
    }
    if (policy.acceptNewInto !== undefined) {
      appendFileSync(policy.acceptNewInto, `${knownHostsLine(name, keyBlob)}\n`, { mode: 0o600 });
      chmodSync(policy.acceptNewInto, 0o600);
      return true;
    }
    const others = verdict.knownTypes.length > 0 ? ` (known_hosts has only ${verdict.knownTypes.join(', ')} keys for it)` : '';
    refused = new SshHostKeyRefused(
      hostName,
      'unknown',
      fingerprint,
      `unknown host key for ${label}: it offered ${keyBlobType(keyBlob)} key ${fingerprint}, which is not in ${files}${others}`,
      `check ${fingerprint} on the machine itself (ssh-keygen -lf /etc/ssh/ssh_host_${shortType(keyBlob)}_key.pub); if it matches, add this line to ${policy.knownHostsFiles[0] ?? '~/.ssh/known_hosts'}: ${knownHostsLine(name, keyBlob)}`,
    );
    return false;
  };

  return { serverHostKey: types.length > 0 ? types : undefined, verify, refusal: () => refused };
}

/** The file of a `file:line` location. */
function fileOf(where: string): string {
  return where.slice(0, where.lastIndexOf(':'));
}

function shortType(keyBlob: Buffer): string {
  const type = keyBlobType(keyBlob);
  if (type === 'ssh-ed25519') return 'ed25519';
  if (type.startsWith('ecdsa-')) return 'ecdsa';
  if (type === 'ssh-rsa') return 'rsa';
  return '*';
}
