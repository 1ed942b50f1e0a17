import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePki, type PkiResult } from '../../../src/pki/index.js';
import { generatePki } from '../../support/course-pki.js';
import { otherClassicLab, shippedLab } from './labs.js';

const run = promisify(execFile);

/** A loopback port nobody is listening on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '::1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the certificates in real TLS handshakes (node:tls, loopback)', () => {
  let pki: PkiResult;
  let stranger: PkiResult;
  let port: number;
  let server: ReturnType<typeof createServer>;
  const seenClients: string[] = [];

  beforeAll(async () => {
    [pki, stranger] = await Promise.all([generatePki(await shippedLab('classic')), generatePki(otherClassicLab())]);
    server = createServer(
      { cert: pki['kube-api-server']!.certPem, key: pki['kube-api-server']!.keyPem, ca: pki.ca!.certPem, requestCert: true, rejectUnauthorized: true },
      (socket) => {
        const subject = socket.getPeerCertificate().subject;
        seenClients.push(`${String(subject.CN)}/${String(subject.O)}`);
        socket.end('ok');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function handshake(host: string, client: { certPem: string; keyPem: string }, servername?: string): Promise<string> {
    return new Promise((resolve) => {
      const socket: TLSSocket = connect({ host, port, servername, ca: pki.ca!.certPem, cert: client.certPem, key: client.keyPem });
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('end', () => resolve(data === 'ok' ? 'ok' : `closed after "${data}"`));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  }

  it('a client holding the admin certificate reaches the API server by ::1, 127.0.0.1 and the service name', async () => {
    expect(await handshake('::1', pki.admin!)).toBe('ok');
    expect(await handshake('127.0.0.1', pki.admin!)).toBe('ok');
    expect(await handshake('127.0.0.1', pki.admin!, 'kubernetes.default.svc.cluster.local')).toBe('ok');
    expect(await handshake('127.0.0.1', pki.admin!, 'server.kubernetes.local')).toBe('ok');
    expect(seenClients).toContain('admin/system:masters');
  });

  it("upstream's slipped name fails hostname verification", async () => {
    expect(await handshake('127.0.0.1', pki.admin!, 'kubernetes.svc.cluster.local')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('the server refuses a client certificate from another CA', async () => {
    const outcome = await handshake('::1', stranger.admin!);
    expect(outcome).not.toBe('ok');
    expect(outcome).toMatch(/ECONNRESET|ERR_SSL|alert|closed/i);
  });
});

describe('a three-member etcd cluster on loopback with the ipv6-ha certificates (real etcd)', () => {
  const members = ['server', 'server2', 'server3'];
  let dir: string;
  let clientPorts: number[];
  const processes: ChildProcess[] = [];
  const logs: string[] = [];
  const file = (name: string) => join(dir, 'pki', name);
  const endpoints = () => clientPorts.map((p) => `https://[::1]:${p}`).join(',');
  const etcdctl = (cert: string, ...args: string[]) =>
    run(
      'etcdctl',
      ['--endpoints', endpoints(), '--cacert', file('ca.crt'), '--cert', file(`${cert}.crt`), '--key', file(`${cert}.key`), '--dial-timeout', '3s', ...args],
      {
        env: { ...process.env, ETCDCTL_API: '3' },
      },
    ).then(
      ({ stdout }) => ({ ok: true, output: stdout }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kthw-etcd-'));
    const lab = await shippedLab('ipv6-ha');
    const pki = await generatePki(lab);
    await writePki(join(dir, 'pki'), { ...pki, stranger: (await generatePki(otherClassicLab())).admin! });
    clientPorts = await Promise.all(members.map(freePort));
    const peerPorts = await Promise.all(members.map(freePort));
    const cluster = members.map((m, i) => `${m}=https://[::1]:${peerPorts[i]}`).join(',');
    members.forEach((m, i) => {
      const child = spawn(
        'etcd',
        [
          '--name',
          m,
          '--data-dir',
          join(dir, m),
          '--listen-client-urls',
          `https://[::1]:${clientPorts[i]}`,
          '--advertise-client-urls',
          `https://[::1]:${clientPorts[i]}`,
          '--listen-peer-urls',
          `https://[::1]:${peerPorts[i]}`,
          '--initial-advertise-peer-urls',
          `https://[::1]:${peerPorts[i]}`,
          '--initial-cluster',
          cluster,
          '--initial-cluster-state',
          'new',
          '--initial-cluster-token',
          'kthw-pki-test',
          '--cert-file',
          file(`etcd-server-${m}.crt`),
          '--key-file',
          file(`etcd-server-${m}.key`),
          '--client-cert-auth',
          '--trusted-ca-file',
          file('ca.crt'),
          '--peer-cert-file',
          file(`etcd-peer-${m}.crt`),
          '--peer-key-file',
          file(`etcd-peer-${m}.key`),
          '--peer-client-cert-auth',
          '--peer-trusted-ca-file',
          file('ca.crt'),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stderr.on('data', (chunk: Buffer) => logs.push(`${m}: ${chunk.toString()}`));
      processes.push(child);
    });
    for (let attempt = 0; attempt < 60; attempt++) {
      if ((await etcdctl('kube-api-server-etcd-client', 'endpoint', 'health', '--cluster')).ok) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`etcd did not become healthy:\n${logs.slice(-30).join('')}`);
  }, 60_000);

  afterAll(async () => {
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve())));
    await rm(dir, { recursive: true, force: true });
  });

  it("the members reach each other over peer TLS and the API server's etcd client certificate can write and read", async () => {
    const list = await etcdctl('kube-api-server-etcd-client', 'member', 'list');
    expect(list.ok).toBe(true);
    expect(
      list.output
        .trim()
        .split('\n')
        .map((l) => l.split(', ')[2])
        .sort(),
    ).toEqual(members);
    expect((await etcdctl('kube-api-server-etcd-client', 'put', '/kthw/pki', 'works')).output.trim()).toBe('OK');
    expect((await etcdctl('kube-api-server-etcd-client', 'get', '/kthw/pki', '--print-value-only')).output.trim()).toBe('works');
  });

  it('a client certificate from another CA is turned away', async () => {
    const outcome = await etcdctl('stranger', 'get', '/kthw/pki');
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/deadline exceeded|bad certificate|unknown authority|transport/i);
  });
});
