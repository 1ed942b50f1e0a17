/**
 * The exported checks and kthw's own judges agree: the same specs, on real files, certificates,
 * kubeconfigs, sockets and an mTLS server on this machine, are run by `runChecks` and, exported by
 * `verifyPlaybook`, by `ansible-playbook` on localhost. Both must fail exactly the checks meant to
 * fail (ids `fail-…`) and pass the rest (`pass-…`). Every path lives under a directory whose name
 * holds a quote, `$(…)` and `{{ … }}`: a value that reached a shell or Jinja unquoted would break
 * the check or run something (both looked for).
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPlaybook } from '../../../src/automation/ansible/verify-playbook.js';
import { yamlDocument } from '../../../src/automation/ansible/yaml-text.js';
import { localExecutor, runChecks } from '../../../src/checks-runner/index.js';
import type { CheckSpec } from '../../../src/plan/types.js';
import { makePki, type Pki } from '../checks/pki-fixture.js';

const base = mkdtempSync(join(tmpdir(), 'kthw-vfy-parity-'));
const dir = join(base, `it's $(touch pwned-by-shell) {{ 6 * 7 }}`);
const pwnedByJinja = join(base, 'pwned-by-jinja');
let pki: Pki;
let mtls: Server;
let plain: HttpServer;
let listener: TcpServer;
let closedPort: number;

const listen = (server: Server | HttpServer | TcpServer, host: string) =>
  new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  // openssl's config files cannot name the hostile directory: the PKI is made beside it, then copied in.
  const made = makePki(mkdirSync(join(base, 'pki'), { recursive: true })!);
  cpSync(made.dir, dir, { recursive: true });
  pki = { dir, path: (name) => join(dir, name), pem: (name) => made.pem(name) };
  const respond = (req: { url?: string }, res: { writeHead: (code: number) => void; end: (body: string) => void }) => {
    res.writeHead(req.url === '/healthz' ? 200 : 404);
    res.end(req.url === '/healthz' ? 'ok' : 'not found');
  };
  mtls = createServer({ key: pki.pem('server.key'), cert: pki.pem('server.crt'), ca: pki.pem('ca.crt'), requestCert: true, rejectUnauthorized: true }, respond);
  plain = createHttpServer(respond);
  listener = createTcpServer();
  const probe = createTcpServer();
  closedPort = await listen(probe, '127.0.0.1');
  await new Promise((resolve) => probe.close(resolve));
  await Promise.all([listen(mtls, '127.0.0.1'), listen(plain, '127.0.0.1'), listen(listener, '127.0.0.1')]);
});
afterAll(() => {
  mtls?.close();
  plain?.close();
  listener?.close();
  rmSync(base, { recursive: true, force: true });
});

const b64 = (name: string) => Buffer.from(pki.pem(name)).toString('base64');

/** A kubeconfig as `kubectl config --embed-certs` writes it for node-0's kubelet. */
function kubeconfig(
  name: string,
  { server = 'https://server.kubernetes.local:6443', ca = 'ca.crt', cert = 'node-0.crt', key = 'node-0.key', keyAsBlock = false } = {},
): string {
  const keyLines = keyAsBlock
    ? `    client-key-data: |\n${b64(key)
        .match(/.{1,64}/g)!
        .map((l) => `      ${l}`)
        .join('\n')}`
    : `    client-key-data: ${b64(key)}`;
  const path = join(dir, name);
  const text = [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(ca)}`,
    `    server: ${server}`,
    '  name: kthw',
    'contexts:',
    '- context:',
    '    cluster: kthw',
    '    user: system:node:node-0',
    '  name: default',
    'current-context: default',
    'kind: Config',
    'users:',
    '- name: system:node:node-0',
    '  user:',
    `    client-certificate-data: ${b64(cert)}`,
    keyLines,
    '',
  ];
  writeFileSync(path, text.join('\n'), { mode: 0o600 });
  return path;
}

function specs(): CheckSpec[] {
  const p = (name: string) => pki.path(name);
  const server = {
    cn: 'kubernetes',
    o: ['Kubernetes'],
    dnsSans: ['localhost', 'server.kubernetes.local'],
    ipSans: ['127.0.0.1', '::1', 'fd00:4::4'],
    keyUsage: ['digitalSignature'],
    extKeyUsage: ['serverAuth', 'clientAuth'],
    isCa: false,
  };
  const kc = {
    server: 'https://server.kubernetes.local:6443',
    context: 'default',
    user: 'system:node:node-0',
    userCn: 'system:node:node-0',
    userO: ['system:nodes'],
  };
  const file = join(dir, 'file.txt');
  writeFileSync(file, "kthw was here\n{{ lookup('pipe', 'touch PWNED') }}\n".replace('PWNED', pwnedByJinja));
  chmodSync(file, 0o640);
  mkdirSync(join(dir, 'data'), { mode: 0o700, recursive: true });
  const mtlsUrl = `https://127.0.0.1:${(mtls.address() as AddressInfo).port}`;
  const client = { cacert: p('ca.crt'), cert: p('admin.crt'), key: p('admin.key') };
  const listening = (listener.address() as AddressInfo).port;
  const all: Array<[string, string, Record<string, unknown>]> = [
    ['pass-x509', 'x509', { path: p('server.crt'), ...server, exactSans: true, caPath: p('ca.crt'), keyPath: p('server.key') }],
    ['pass-x509-ca-pem', 'x509', { path: p('server.crt'), cn: 'kubernetes', caPem: pki.pem('ca.crt') }],
    ['pass-x509-ca', 'x509', { path: p('ca.crt'), cn: 'kthw-test-ca', isCa: true, keyPath: p('ca.key') }],
    ['fail-x509-other-ca', 'x509', { path: p('by-other-ca.crt'), ...server, caPath: p('ca.crt') }],
    ['fail-x509-impostor', 'x509', { path: p('by-impostor.crt'), ...server, caPem: pki.pem('ca.crt') }],
    ['fail-x509-wrong-san', 'x509', { path: p('wrong-san.crt'), ...server }],
    ['fail-x509-extra-san', 'x509', { path: p('server.crt'), dnsSans: ['localhost'], ipSans: ['127.0.0.1', '::1', 'fd00:4::4'], exactSans: true }],
    ['fail-x509-cn', 'x509', { path: p('server.crt'), cn: 'kubernetes-not' }],
    ['fail-x509-o', 'x509', { path: p('server.crt'), o: ['Kubernetes', 'extra'] }],
    ['fail-x509-eku', 'x509', { path: p('node-0.crt'), extKeyUsage: ['serverAuth'] }],
    ['fail-x509-not-ca', 'x509', { path: p('server.crt'), isCa: true }],
    ['fail-x509-key', 'x509', { path: p('server.crt'), keyPath: p('admin.key') }],
    ['fail-x509-expired', 'x509', { path: p('expired.crt') }],
    ['fail-x509-future', 'x509', { path: p('future.crt') }],
    ['fail-x509-missing', 'x509', { path: p('nothing.crt') }],
    ['pass-kubeconfig', 'kubeconfig', { path: kubeconfig('good.kubeconfig'), ...kc, caPath: p('ca.crt') }],
    // a key as a block scalar is blanked on the host like any other; the key match reads one-line values only (as the judge does)
    [
      'pass-kubeconfig-block-key',
      'kubeconfig',
      { path: kubeconfig('block.kubeconfig', { keyAsBlock: true }), ...kc, caPem: pki.pem('ca.crt'), keyMatch: false },
    ],
    ['fail-kubeconfig-server', 'kubeconfig', { path: kubeconfig('server.kubeconfig', { server: 'https://elsewhere:6443' }), ...kc, caPath: p('ca.crt') }],
    ['fail-kubeconfig-ca', 'kubeconfig', { path: kubeconfig('ca.kubeconfig', { ca: 'other-ca.crt' }), ...kc, caPath: p('ca.crt') }],
    [
      'fail-kubeconfig-cert-ca',
      'kubeconfig',
      { path: kubeconfig('cert.kubeconfig', { cert: 'by-other-ca.crt', key: 'by-other-ca.key' }), ...kc, userCn: 'kubernetes', userO: ['Kubernetes'] },
    ],
    ['fail-kubeconfig-key', 'kubeconfig', { path: kubeconfig('key.kubeconfig', { key: 'admin.key' }), ...kc }],
    ['fail-kubeconfig-user', 'kubeconfig', { path: kubeconfig('user.kubeconfig', { cert: 'admin.crt', key: 'admin.key' }), ...kc }],
    ['pass-file', 'file', { path: file, mode: '0640', owner: 'root', group: '0', contains: "{{ lookup('pipe'", matches: '^kthw was \\w+$' }],
    ['pass-directory', 'file', { path: join(dir, 'data'), type: 'directory', mode: '700' }],
    ['fail-file-mode', 'file', { path: file, mode: '0600' }],
    ['fail-file-content', 'file', { path: file, contains: 'not in it' }],
    ['fail-file-sha256', 'file', { path: file, sha256: '0'.repeat(64) }],
    ['fail-file-type', 'file', { path: join(dir, 'data'), type: 'file' }],
    ['pass-command', 'command', { run: `printf '%s\\n' "it's" | grep -c "it's"`, stdout: '^1$' }],
    ['pass-command-bash', 'command', { run: '[[ -n "$BASH_VERSION" ]] && exit 3', shell: 'bash', exitCode: 3, stdoutNot: 'error' }],
    ['fail-command-exit', 'command', { run: 'false' }],
    ['fail-command-stdout', 'command', { run: 'echo error here', stdoutNot: '^error' }],
    ['pass-port', 'port', { port: listening, address: '127.0.0.1' }],
    ['pass-port-closed', 'port', { port: closedPort, closed: true }],
    ['fail-port-address', 'port', { port: listening, address: '::1' }],
    ['fail-port-closed', 'port', { port: listening, closed: true }],
    ['pass-http', 'http', { url: `${mtlsUrl}/healthz`, ...client, body: '^ok$' }],
    ['pass-http-refused', 'http', { url: `${mtlsUrl}/healthz`, cacert: p('ca.crt'), refused: true }],
    ['pass-http-plain-404', 'http', { url: `http://127.0.0.1:${(plain.address() as AddressInfo).port}/nothing`, status: 404 }],
    ['fail-http-refused', 'http', { url: `${mtlsUrl}/healthz`, ...client, refused: true }],
    ['fail-http-body', 'http', { url: `${mtlsUrl}/healthz`, ...client, body: '^fine$' }],
    ['fail-http-status', 'http', { url: `${mtlsUrl}/nothing`, ...client }],
    ['fail-http-no-server', 'http', { url: `http://127.0.0.1:${closedPort}/`, refused: true }],
  ];
  return all.map(([id, kind, params]) => ({ id, title: `the ${kind} check ${id}`, host: 'local', kind, params, why: `Why ${id}.`, fix: `Fix ${id}.` }));
}

function ansiblePlaybook(cwd: string, file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false' };
    execFile('ansible-playbook', [file], { cwd, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 255) : 0, output: stdout + stderr });
    });
  });
}

describe('verify.yml and kthw verify judge alike', () => {
  it('fail exactly the checks meant to fail, on this machine, with hostile paths', async () => {
    const checks = specs();
    const meant = checks.filter((c) => c.id.startsWith('fail-')).map((c) => c.id);
    const judged = await runChecks(checks, localExecutor);
    expect(judged.filter((r) => !r.ok).map((r) => r.id)).toEqual(meant);

    const play = verifyPlaybook({ chapter: 'parity', steps: [], checks }, 'parity');
    writeFileSync(join(base, 'verify.yml'), yamlDocument(play.plays));
    const run = await ansiblePlaybook(base, 'verify.yml');
    expect(run.code).toBe(2);
    const report = /fatal: \[localhost\]: FAILED! => (\{[\s\S]*?\n\})\n/.exec(run.output.slice(run.output.lastIndexOf('PLAY [Report')));
    expect(report, run.output.slice(-5000)).not.toBeNull();
    const lines = (JSON.parse(report![1]!) as { msg: string[] }).msg;
    expect(
      lines.map((line) => line.slice(0, line.indexOf(':'))),
      run.output.slice(-8000),
    ).toEqual(meant);
    expect(lines[0]).toBe(
      `fail-x509-other-ca: the x509 check fail-x509-other-ca — Why fail-x509-other-ca. Fix: Fix fail-x509-other-ca. ((check_4.stdout | regex_findall('(?m)^cert-verify (.*)$')) == ["ok"])`,
    );
    // nothing ran from a value: not in a shell, not in Jinja
    expect(existsSync(join(dir, 'pwned-by-shell')) || existsSync(join(base, 'pwned-by-shell'))).toBe(false);
    expect(existsSync(pwnedByJinja)).toBe(false);
    // no private key reached the controller's output (kubeconfig client keys, x509 keyPath)
    for (const key of ['node-0.key', 'admin.key', 'server.key', 'ca.key']) {
      expect(run.output).not.toContain(pki.pem(key).split('\n')[1]!);
      expect(run.output).not.toContain(b64(key).slice(0, 40));
    }
  }, 240_000);
});
