import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import { Connection, type ConnectionSettings } from './connection.js';
import { SshConnectError, SshConnectionLost } from './errors.js';
import { hostKeyCheck } from './host-key-check.js';
import type { SshHost } from './host.js';
import { credentialsFor } from './identity.js';

function describe(host: SshHost): string {
  const via = host.jump ? ` via ${host.jump.name}` : '';
  return `${host.name} (${host.user}@${host.address.includes(':') ? `[${host.address}]` : host.address}:${host.port}${via})`;
}

function forwardThrough(jump: Connection, host: SshHost): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const untrack = jump.track(reject);
    try {
      jump.client.forwardOut('127.0.0.1', 0, host.address, host.port, (error, stream) => {
        untrack();
        if (error) {
          reject(
            new SshConnectError(
              host.name,
              `jump host ${jump.host.name} could not open a connection to ${describe(host)}: ${error.message}`,
              `check that ${jump.host.name} can reach ${host.address} port ${host.port} and that its sshd allows TCP forwarding (AllowTcpForwarding)`,
              error,
            ),
          );
          return;
        }
        resolve(stream);
      });
    } catch (error) {
      untrack();
      reject(new SshConnectionLost(jump.host.name, (error as Error).message, error));
    }
  });
}

/** Opens and authenticates a connection; `jump`, when given, is the already open jump host connection. */
export async function openConnection(host: SshHost, jump: Connection | undefined, settings: ConnectionSettings): Promise<Connection> {
  const credentials = credentialsFor(host.name, host.identity, settings.agentSocket);
  const policy = host.knownHosts ? { ...settings.hostKeys, knownHostsFiles: host.knownHosts } : settings.hostKeys;
  const check = hostKeyCheck(host.name, describe(host), host.address, host.port, policy);
  const sock: Duplex = jump ? await forwardThrough(jump, host) : netConnect({ host: host.address, port: host.port, noDelay: true });

  const client = new ssh2.Client();
  return new Promise<Connection>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      client.end();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(
          new SshConnectError(
            host.name,
            `timed out after ${settings.connectTimeoutMs} ms connecting to ${describe(host)}`,
            `check that ${host.name} is up and sshd listens on port ${host.port}`,
          ),
        ),
      settings.connectTimeoutMs,
    );
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(new Connection(host, client, settings.maxChannels));
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      const refusal = check.refusal();
      if (refusal) return fail(refusal);
      if (error.level === 'client-authentication') {
        return fail(
          new SshConnectError(
            host.name,
            `${describe(host)} refused authentication as ${host.user} with ${'agent' in credentials ? 'the keys in ssh-agent' : host.identity}`,
            `make sure the public key is in ~${host.user}/.ssh/authorized_keys on ${host.name}`,
            error,
          ),
        );
      }
      fail(
        new SshConnectError(
          host.name,
          `cannot connect to ${describe(host)}: ${error.message}`,
          `check that ${host.name} is up, reachable and sshd listens on port ${host.port}`,
          error,
        ),
      );
    });
    client.once('close', () =>
      fail(new SshConnectError(host.name, `${describe(host)} closed the connection during the handshake`, `check sshd's log on ${host.name}`)),
    );
    client.connect({
      sock,
      username: host.user,
      ...credentials,
      hostVerifier: (key: Buffer) => check.verify(key),
      ...(check.serverHostKey ? { algorithms: { serverHostKey: check.serverHostKey as never } } : {}),
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
    });
  });
}
