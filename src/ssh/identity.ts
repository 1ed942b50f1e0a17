import { readFileSync, statSync } from 'node:fs';
import ssh2 from 'ssh2';
import { SshConnectError, SshIdentityError } from './errors.js';
import { shq } from './shell-quote.js';

export type Credentials = { privateKey: Buffer } | { agent: string };

/**
 * Loads a private key the way OpenSSH would accept it: a key file that group or others can read
 * is refused, since anyone who could read it could be us.
 */
export function loadIdentity(path: string): Buffer {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw new SshIdentityError(
      `cannot read the SSH identity file ${path}: ${(error as Error).message}`,
      path,
      "point the host's identity at an existing private key file",
      error,
    );
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new SshIdentityError(
      `permissions ${octal} for the SSH identity file ${path} are too open: a private key must not be readable by group or others`,
      path,
      `chmod 600 ${shq(path)}`,
    );
  }
  const key = readFileSync(path);
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new SshIdentityError(
      encrypted ? `the SSH identity file ${path} is protected by a passphrase` : `${path} is not a private key ssh2 can read (${parsed.message})`,
      path,
      encrypted
        ? 'load the key into ssh-agent (ssh-add) and leave the identity unset, so kthw uses the agent'
        : 'use an OpenSSH or PEM private key (ed25519, ecdsa or rsa)',
      parsed,
    );
  }
  return key;
}

/** An identity file when given (and only it), else ssh-agent. */
export function credentialsFor(host: string, identity: string | undefined, agentSocket: string | undefined): Credentials {
  if (identity !== undefined) return { privateKey: loadIdentity(identity) };
  if (agentSocket) return { agent: agentSocket };
  throw new SshConnectError(
    host,
    `no way to authenticate to ${host}: it has no identity file and SSH_AUTH_SOCK is not set`,
    'give the host an identity file in the lab file (ssh.identity), or start ssh-agent and ssh-add your key',
  );
}
