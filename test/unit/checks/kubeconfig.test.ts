import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigCheck } from '../../../checks/index.js';
import { parseFacts } from '../../../checks/facts.js';
import { localExecutor } from '../../../src/checks-runner/index.js';
import { runOne, tempDir } from './helpers.js';
import { makePki, type Pki } from './pki-fixture.js';

const dir = tempDir('kubeconfig-check');
let pki: Pki;
beforeAll(() => {
  pki = makePki(dir);
});

const b64 = (name: string) => Buffer.from(pki.pem(name)).toString('base64');

interface Shape {
  server?: string;
  ca?: string;
  caByPath?: boolean;
  cert?: string;
  key?: string;
  current?: string;
  keyAsBlock?: boolean;
}

/** A kubeconfig as `kubectl config` writes it with --embed-certs, for node-0's kubelet; one piece swappable. */
function kubeconfig(name: string, shape: Shape = {}): string {
  const { server = 'https://server.kubernetes.local:6443', ca = 'ca.crt', cert = 'node-0.crt', key = 'node-0.key', current = 'default' } = shape;
  const caLine = shape.caByPath ? `    certificate-authority: ${pki.path(ca)}` : `    certificate-authority-data: ${b64(ca)}`;
  const keyLines = shape.keyAsBlock
    ? `    client-key-data: |\n${b64(key)
        .match(/.{1,64}/g)!
        .map((l) => `      ${l}`)
        .join('\n')}`
    : `    client-key-data: ${b64(key)}`;
  const text = [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    caLine,
    `    server: ${server}`,
    '  name: kubernetes-the-hard-way',
    'contexts:',
    '- context:',
    '    cluster: kubernetes-the-hard-way',
    '    user: system:node:node-0',
    '  name: default',
    `current-context: ${current}`,
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: system:node:node-0',
    '  user:',
    `    client-certificate-data: ${b64(cert)}`,
    keyLines,
    '',
  ].join('\n');
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

const expectations = (path: string) => ({
  path,
  server: 'https://server.kubernetes.local:6443',
  caPem: pki.pem('ca.crt'),
  context: 'default',
  user: 'system:node:node-0',
  userCn: 'system:node:node-0',
  userO: 'system:nodes',
});

describe('kubeconfig check against hand-written kubeconfigs', () => {
  it('passes for the right kubeconfig (CA given as PEM or as a path on the host)', async () => {
    const path = kubeconfig('good.kubeconfig');
    const result = await runOne('kubeconfig', expectations(path));
    expect(result.diagnosis).toBeUndefined();
    expect(result.observed).toBe('context default: server https://server.kubernetes.local:6443, user system:node:node-0');
    const { caPem: _, ...rest } = expectations(path);
    expect((await runOne('kubeconfig', { ...rest, caPath: pki.path('ca.crt') })).ok).toBe(true);
  });

  it('fails for the wrong server', async () => {
    const result = await runOne('kubeconfig', expectations(kubeconfig('server.kubeconfig', { server: 'https://127.0.0.1:6443' })));
    expect(result.diagnosis?.found).toBe('server is https://127.0.0.1:6443, expected https://server.kubernetes.local:6443');
  });

  it('fails when the embedded CA is another CA', async () => {
    const result = await runOne('kubeconfig', expectations(kubeconfig('ca.kubeconfig', { ca: 'other-ca.crt' })));
    expect(result.diagnosis?.found).toBe('certificate-authority-data is not the expected CA (it holds CN=someone-else-ca)');
  });

  it('fails when the CA is referenced by path instead of embedded', async () => {
    const result = await runOne('kubeconfig', expectations(kubeconfig('ca-path.kubeconfig', { caByPath: true })));
    expect(result.diagnosis?.found).toBe(`the cluster CA is referenced by path (${pki.path('ca.crt')}), not embedded`);
  });

  it('fails when the user certificate is for another identity', async () => {
    const result = await runOne('kubeconfig', expectations(kubeconfig('user.kubeconfig', { cert: 'admin.crt', key: 'admin.key' })));
    expect(result.diagnosis?.found).toBe(
      'client certificate subject CN is "admin", expected "system:node:node-0"; client certificate subject O is "system:masters", expected "system:nodes"',
    );
  });

  it('fails when the user certificate was signed by another CA', async () => {
    const result = await runOne('kubeconfig', expectations(kubeconfig('issuer.kubeconfig', { cert: 'by-other-ca.crt', key: 'by-other-ca.key' })));
    expect(result.diagnosis?.found).toContain('client certificate issued by CN=someone-else-ca, not by the CA CN=kthw-test-ca');
  });

  it('fails when the embedded key does not belong to the certificate', async () => {
    const result = await runOne('kubeconfig', expectations(kubeconfig('key.kubeconfig', { key: 'admin.key' })));
    expect(result.diagnosis?.found).toBe('the client-key-data of user system:node:node-0 does not match its client certificate');
  });

  it('fails when current-context is another or names no context', async () => {
    const other = await runOne('kubeconfig', { ...expectations(kubeconfig('ctx.kubeconfig')), context: 'admin@kthw' });
    expect(other.diagnosis?.found).toBe('current-context is "default", expected "admin@kthw"');
    const dangling = await runOne('kubeconfig', expectations(kubeconfig('dangling.kubeconfig', { current: 'nowhere' })));
    expect(dangling.diagnosis?.found).toBe('current-context "nowhere" names no context in the file');
  });

  it('fails for a missing file and for a file that is not YAML', async () => {
    expect((await runOne('kubeconfig', { path: join(dir, 'absent') })).diagnosis?.found).toMatch(/^cannot read the kubeconfig: .*(No such file|cannot open)/);
    writeFileSync(join(dir, 'bad.kubeconfig'), 'clusters: [\n');
    expect((await runOne('kubeconfig', { path: join(dir, 'bad.kubeconfig') })).diagnosis?.found).toMatch(/^not a kubeconfig/);
  });

  it('never brings the private key back from the host, even written as a block scalar', async () => {
    for (const keyAsBlock of [false, true]) {
      const path = kubeconfig(`secret-${keyAsBlock}.kubeconfig`, { keyAsBlock });
      const gathered = await localExecutor.exec('local', kubeconfigCheck.gather(kubeconfigCheck.parse(expectations(path))));
      const facts = parseFacts(gathered.stdout);
      const everything = [...facts.values()].map((f) => f.stdout + f.stderr).join('\n') + gathered.stdout;
      const keyBody = pki.pem('node-0.key').split('\n')[1]!;
      expect(facts.get('config')?.stdout).toContain('client-key-data: REDACTED');
      expect(everything).not.toContain(b64('node-0.key').slice(0, 40));
      expect(everything).not.toContain(keyBody);
      expect(everything).not.toMatch(/PRIVATE KEY/);
      // The rest of the file still reads: the check passes on the redacted text.
      expect((await runOne('kubeconfig', { ...expectations(path), keyMatch: !keyAsBlock })).ok).toBe(true);
    }
  });
});
