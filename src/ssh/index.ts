/**
 * The SSH layer: one ssh2 connection per host (lazy, reused, many channels), host keys checked
 * against OpenSSH known_hosts, identity files or ssh-agent, ProxyJump, streaming exec with cancel,
 * atomic SFTP upload.
 *
 *   const pool = new SshPool({ hosts: sshHostsFromLab(lab, { defaultIdentity, knownHosts }) });
 *   const r = await pool.exec('server', sh`cat ${path}`, { onStdout, signal, timeoutMs });
 *   // r: { code, signal ('SIGKILL'...), stdout, stderr, cancelled, timedOut }
 *   await pool.upload('server', '/etc/x.conf', content, { mode: '0644', owner: 'root' });
 *   await pool.close();
 *
 * Errors: SshConnectionLost (the connection dropped under the work; the next call reconnects),
 * SshConnectError (unreachable, timed out, authentication refused), SshHostKeyRefused (unknown,
 * changed or revoked key, with its SHA256 fingerprint), SshIdentityError (key file too open,
 * passphrase-protected, unreadable) — all KthwErrors with `where` and `fix`.
 */
export { SshPool, defaultKnownHostsFiles, type SshPoolOptions } from './pool.js';
export type { SshExecOptions, SshExecResult } from './exec-channel.js';
export { parseMode, type SshUploadOptions } from './upload.js';
export { sshHostsFromLab, checkSshHost, type SshHost, type LabHostOptions } from './host.js';
export { readSshConfig, parseSshConfig, sshHostFromConfig, type SshConfig } from './ssh-config.js';
export { parseKnownHosts, judgeHostKey, knownHostsName, knownHostsLine, hostFieldMatches, type KnownHostEntry, type HostKeyVerdict } from './known-hosts.js';
export { sha256Fingerprint, keyBlobType } from './fingerprint.js';
export { loadIdentity } from './identity.js';
export { SshConnectionLost, SshConnectError, SshHostKeyRefused, SshIdentityError, type HostKeyProblem } from './errors.js';
export { shq, sh } from './shell-quote.js';
