import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOne, tempDir } from './helpers.js';
import { makePki, type Pki } from './pki-fixture.js';

/*
 * A real three-member etcd cluster with TLS for peers and clients, on 127.0.0.1, using Debian's
 * etcd (apt-get install etcd-server etcd-client; 3.4 here, 3.5 in the lab image). The same checks
 * run live on the lab machines in test/lab/checks-live.test.ts.
 */
const haveEtcd = ['etcd', 'etcdctl'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
if (!haveEtcd) console.warn('etcd checks: etcd/etcdctl not installed (apt-get install etcd-server etcd-client); skipped');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Member {
  name: string;
  clientUrl: string;
  peerUrl: string;
  process?: ChildProcess;
}

describe.skipIf(!haveEtcd)('etcd checks against a real 3-member TLS cluster', () => {
  const dir = tempDir('etcd');
  let pki: Pki;
  const members: Member[] = [];
  const tls = () => ({ cacert: pki.path('ca.crt'), cert: pki.path('admin.crt'), key: pki.path('admin.key') });
  const healthParams = () => ({ members: members.map(({ name, clientUrl }) => ({ name, clientUrl })), ...tls() });
  const membersParams = () => ({
    endpoints: members.map((m) => m.clientUrl),
    members: members.map(({ name, peerUrl }) => ({ name, peerUrls: [peerUrl] })),
    ...tls(),
  });

  beforeAll(async () => {
    pki = makePki(dir);
    for (const name of ['e1', 'e2', 'e3']) {
      members.push({ name, clientUrl: `https://127.0.0.1:${await freePort()}`, peerUrl: `https://127.0.0.1:${await freePort()}` });
    }
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    for (const member of members) {
      member.process = spawn(
        'etcd',
        [
          '--name',
          member.name,
          '--data-dir',
          join(dir, member.name),
          '--listen-client-urls',
          member.clientUrl,
          '--advertise-client-urls',
          member.clientUrl,
          '--listen-peer-urls',
          member.peerUrl,
          '--initial-advertise-peer-urls',
          member.peerUrl,
          '--initial-cluster',
          initialCluster,
          '--initial-cluster-state',
          'new',
          '--initial-cluster-token',
          'kthw-test',
          '--cert-file',
          pki.path('server.crt'),
          '--key-file',
          pki.path('server.key'),
          '--trusted-ca-file',
          pki.path('ca.crt'),
          '--client-cert-auth',
          '--peer-cert-file',
          pki.path('server.crt'),
          '--peer-key-file',
          pki.path('server.key'),
          '--peer-trusted-ca-file',
          pki.path('ca.crt'),
          '--peer-client-cert-auth',
        ],
        { stdio: 'ignore' },
      );
    }
    // Started in parallel: the first member waits for quorum. Ready when every endpoint is healthy.
    for (let attempt = 0; attempt < 60; attempt++) {
      if ((await runOne('etcd-health', healthParams())).ok) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error('the test etcd cluster did not become healthy');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      members.map((m) =>
        m.process && m.process.exitCode === null && m.process.signalCode === null
          ? new Promise((resolve) => {
              m.process!.once('exit', resolve);
              m.process!.kill();
            })
          : Promise.resolve(),
      ),
    );
  });

  it('etcd-health passes with every member healthy', async () => {
    const result = await runOne('etcd-health', healthParams());
    expect(result.ok).toBe(true);
    expect(result.observed).toBe('3/3 members healthy, quorum holds');
  });

  it('etcd-members passes for the expected names and peer URLs, and finds the leader', async () => {
    const result = await runOne('etcd-members', membersParams());
    expect(result.diagnosis).toBeUndefined();
    expect(result.observed).toMatch(/^members e1, e2, e3; leader e[123]$/);
  });

  it('etcd-members fails for a missing member, an unexpected one and a wrong peer URL', async () => {
    const expected = membersParams();
    expected.members[2] = { name: 'e9', peerUrls: [members[2]!.peerUrl] };
    expected.members[0] = { name: 'e1', peerUrls: ['https://[fd00:4::20]:2380'] };
    const result = await runOne('etcd-members', expected);
    expect(result.diagnosis?.found).toBe(
      `member e1 has peer URLs ${members[0]!.peerUrl}, expected https://[fd00:4::20]:2380; member e9 is missing; unexpected member e3 (${members[2]!.peerUrl})`,
    );
  });

  it('a client without a certificate is refused (http refused check), one with a cert is served', async () => {
    const refused = await runOne('http', { url: `${members[0]!.clientUrl}/health`, cacert: pki.path('ca.crt'), refused: true });
    expect(refused.diagnosis).toBeUndefined();
    expect(refused.ok).toBe(true);
    const served = await runOne('http', { url: `${members[0]!.clientUrl}/health`, ...tls(), body: '"health":\\s*"true"' });
    expect(served.ok).toBe(true);
  });

  it('etcd-members without a client certificate fails with the TLS reason', async () => {
    const { cert: _c, key: _k, ...noCert } = membersParams();
    const result = await runOne('etcd-members', noCert);
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toMatch(
      /^cannot list members: the server rejected the TLS connection: no client certificate was given and etcd requires one \(curl: \((35|52|55|56)\)/,
    );
  });

  it('one stopped member is reported by name while the others stay healthy', async () => {
    const stopped = members[1]!;
    await new Promise((resolve) => {
      stopped.process!.once('exit', resolve);
      stopped.process!.kill();
    });
    const result = await runOne('etcd-health', healthParams());
    expect(result.ok).toBe(false);
    expect(result.observed).toBe('2/3 members healthy, quorum holds');
    expect(result.diagnosis?.found).toBe(
      `member e2 (${stopped.clientUrl}) is unhealthy: connection refused (nothing listens there: etcd down or on another address); healthy: e1, e3`,
    );

    const quorum = await runOne('etcd-health', { ...healthParams(), require: 'quorum' });
    expect(quorum.ok).toBe(true);
    expect(quorum.warning).toBe(`member e2 (${stopped.clientUrl}) is unhealthy: connection refused (nothing listens there: etcd down or on another address)`);

    // The member is still in the list and the two others still elect a leader.
    const list = await runOne('etcd-members', membersParams());
    expect(list.ok).toBe(true);
  });
});
