/**
 * The exported verify.yml on real machines. A lab of this file's own (vfy, 10.246.0.0/24,
 * fd00:10:246::/64) runs chapters 01–07 through the kthw binary and is exported: verify.yml passes.
 * Then the lab is broken once per check kind, and verify.yml must fail naming exactly the checks
 * that `kthw verify all` names (same expectations, two implementations), each broken one among them.
 * Kinds the classic chapters do not use (port, http, checks on kthw's own machine, a caPem, a
 * hostile path) run from a plan of extra checks on the same machines, through the same exporter.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labDown } from '../../lab/local/index.js';
import { verifyPlaybook } from '../../src/automation/ansible/verify-playbook.js';
import { yamlDocument } from '../../src/automation/ansible/yaml-text.js';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import type { CheckSpec } from '../../src/plan/types.js';
import { shq } from '../../src/ssh/shell-quote.js';
import { KTHW_STEPS_LIMIT_MS, PLAYBOOK_LIMIT_MS, kthwOn, labVariant, sshRun, upWithChapters, useLabHome } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'kthw-vfy-'));
const labFile = labVariant(scratch, 'classic', 'vfy', [
  ['10.240.', '10.246.'],
  ['fd00:10:240:', 'fd00:10:246:'],
]);
const lab: Lab = await loadLab(labFile);
const exportDir = join(scratch, 'ansible');
const chaptersRun = ['chapter-1', 'chapter-2', 'chapter-3', 'chapter-4', 'chapter-5', 'chapter-6', 'chapter-7'];
// A path no shell or Jinja may interpret, and content that would run a command on the controller if rendered.
const hostilePath = `/root/it's $(touch vfy-pwned) {{ 7 * 6 }}.txt`;
const hostileText = "{{ lookup('pipe', 'touch /tmp/vfy-pwned-controller') }}";
const localFile = join(scratch, 'local-file');

const kthw = (...args: string[]) => kthwOn(labFile, ...args);

const labDir = () => join(inject('kthwHome'), lab.name);

async function onHost(host: string, command: string): Promise<void> {
  const result = await sshRun(lab, host, command);
  expect(result.code, `${host}: ${command}\n${result.stderr}`).toBe(0);
}

async function writeOnHost(host: string, path: string, content: string): Promise<void> {
  await onHost(host, `printf %s ${shq(Buffer.from(content).toString('base64'))} | base64 -d >${shq(path)}`);
}

function playbook(file: string): { code: number | null; output: string; seconds: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync('ansible-playbook', [file], {
    cwd: exportDir,
    encoding: 'utf8',
    timeout: PLAYBOOK_LIMIT_MS,
    env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
  });
  return { code: result.status, output: result.stdout + result.stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Per host, the lines of the last report play's failure message: "<id>: <title> — <why> Fix: <fix> (<what failed>)". */
function reported(output: string): Map<string, string[]> {
  const report = output.slice(output.lastIndexOf('PLAY [Report'));
  const named = new Map<string, string[]>();
  for (const match of report.matchAll(/^fatal: \[([^\]]+)\]: FAILED! => (\{[\s\S]*?\n\})$/gm)) {
    named.set(match[1]!, (JSON.parse(match[2]!) as { msg: string[] }).msg);
  }
  return named;
}

interface Named {
  host: string;
  id: string;
  title: string;
}

/** "host id" for each reported line, matched against the known checks (an unknown line is kept whole, so it shows). */
function namedChecks(output: string, known: Named[]): { keys: string[]; lines: Map<string, string> } {
  const keys: string[] = [];
  const lines = new Map<string, string>();
  for (const [host, messages] of reported(output)) {
    for (const line of messages) {
      const check = known.find((c) => c.host === host && line.startsWith(`${c.id}: ${c.title} — `));
      const key = check ? `${host} ${check.id}` : `${host} UNKNOWN ${line}`;
      keys.push(key);
      lines.set(key, line);
    }
  }
  return { keys: keys.sort(), lines };
}

interface VerifyJson {
  chapters: Array<{ checks: Array<Named & { ok: boolean }> }>;
}

function kthwVerifyAll(): { failed: string[]; all: Named[] } {
  const result = kthw('--json', 'verify', 'all', '--until', 'chapter-7');
  const parsed = JSON.parse(result.stdout) as VerifyJson;
  const all = parsed.chapters.flatMap((c) => c.checks);
  return {
    failed: all
      .filter((c) => !c.ok)
      .map((c) => `${c.host} ${c.id}`)
      .sort(),
    all,
  };
}

// --- checks of the kinds the classic chapters do not use, aimed at the same machines
function check(id: string, host: string, kind: string, params: Record<string, unknown>): CheckSpec {
  return { id, title: `${kind} check ${id}`, host, kind, params, why: `It is the ${kind} check.`, fix: `Repair ${id}.` };
}

function extraChecks(caPem: string): CheckSpec[] {
  return [
    check('port-etcd', 'server', 'port', { port: 2379, address: '127.0.0.1' }),
    check('port-ssh-v6', 'server', 'port', { port: 22, address: '::1' }),
    check('port-6443-closed', 'server', 'port', { port: 6443, closed: true }),
    check('http-etcd', 'server', 'http', { url: 'http://127.0.0.1:2379/health', body: '"health":\\s*"true"' }),
    check('https-client-cert', 'server', 'http', {
      url: 'https://127.0.0.1:8443/',
      cacert: '/root/ca.crt',
      cert: '/root/kube-api-server.crt',
      key: '/root/kube-api-server.key',
    }),
    check('https-refused', 'server', 'http', { url: 'https://127.0.0.1:8443/', cacert: '/root/ca.crt', refused: true }),
    check('x509-ca-pem', 'server', 'x509', { path: '/root/kube-api-server.crt', caPem, cn: 'kubernetes', keyPath: '/root/kube-api-server.key' }),
    check('kubeconfig-ca-pem', 'server', 'kubeconfig', {
      path: '/root/admin.kubeconfig',
      caPem,
      server: 'https://127.0.0.1:6443',
      userCn: 'admin',
      userO: ['system:masters'],
    }),
    check('hostile-path', 'server', 'file', { path: hostilePath, mode: '0600', contains: hostileText }),
    check('local-file', 'local', 'file', { path: localFile, mode: '0600' }),
    check('local-command', 'local', 'command', { run: `test -s ${shq(join(labDir(), 'pki', 'ca.crt'))} && echo "it's there"`, stdout: "^it's there$" }),
  ];
}

function writeExtraPlaybook(file: string, caPem: string): Named[] {
  const checks = extraChecks(caPem);
  writeFileSync(join(exportDir, file), yamlDocument(verifyPlaybook({ chapter: 'extra', steps: [], checks }, 'extra check kinds').plays));
  return checks.map((c) => ({ host: c.host === 'local' ? 'localhost' : c.host, id: c.id, title: c.title }));
}

/** A TLS server on server:PORT with the API server's certificate; requiring a client certificate or not. */
async function tlsServer(unit: string, port: number, requireClientCert: boolean): Promise<void> {
  const verify = requireClientCert ? '-CAfile /root/ca.crt -Verify 1 -verify_return_error ' : '';
  await onHost(
    'server',
    `systemctl stop ${unit} 2>/dev/null; systemctl reset-failed ${unit} 2>/dev/null; systemd-run --quiet --unit ${unit} -p Type=simple openssl s_server -accept ${port} -cert /root/kube-api-server.crt -key /root/kube-api-server.key ${verify}-www`,
  );
  await onHost('server', `for i in $(seq 50); do ss -Hltn | grep -q ':${port} ' && exit 0; sleep 0.1; done; exit 1`);
}

/** A certificate made by openssl on this machine: SANs and signer chosen by the test. */
function makeCert(name: string, subject: string, sans: string, signer: { cert: string; key: string }, key?: string): string {
  const config = join(scratch, `${name}.cnf`);
  writeFileSync(
    config,
    [
      '[req]',
      'distinguished_name = dn',
      'x509_extensions = ext',
      '[dn]',
      '[ext]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth,clientAuth',
      `subjectAltName = ${sans}`,
      '',
    ].join('\n'),
  );
  const keyArgs = key ? ['-key', key] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(scratch, `${name}.key`)];
  const out = join(scratch, `${name}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-new', ...keyArgs, '-config', config, '-subj', subject, '-CA', signer.cert, '-CAkey', signer.key, '-days', '2', '-out', out],
    { stdio: 'pipe' },
  );
  return readFileSync(out, 'utf8');
}

beforeAll(async () => {
  useLabHome();
  upWithChapters(kthw, chaptersRun);
  const exported = kthw('export', 'ansible', exportDir, '--until', 'chapter-7');
  expect(exported.code, exported.output).toBe(0);
  await onHost('server', `printf '%s\\n' ${shq(hostileText)} >${shq(hostilePath)} && chmod 0600 ${shq(hostilePath)}`);
  await tlsServer('vfy-tls', 8443, true);
  writeFileSync(localFile, 'local\n');
  chmodSync(localFile, 0o600);
});

afterAll(async () => {
  await labDown(lab.name, { log: () => undefined });
  rmSync(scratch, { recursive: true, force: true });
});

describe('the exported verify.yml on the vfy lab', () => {
  let known: Named[] = [];

  // Two playbook runs each (verify.yml and the extra checks) and kthw's steps around them.
  it('passes on the finished lab, as kthw verify does, and so do the extra check kinds', { timeout: 2 * PLAYBOOK_LIMIT_MS + KTHW_STEPS_LIMIT_MS }, async () => {
    const kthwVerify = kthwVerifyAll();
    expect(kthwVerify.failed).toEqual([]);
    known = kthwVerify.all;
    const verify = playbook('verify.yml');
    expect(verify.code, verify.output.slice(-4000)).toBe(0);
    const recaps = [...verify.output.matchAll(/^(\S+)\s+: ok=\d+ .*failed=(\d+) .*rescued=(\d+)/gm)];
    expect(recaps.map((m) => m[1]).sort()).toEqual(lab.hosts.map((h) => h.name).sort());
    for (const [, host, failed, rescued] of recaps) expect({ host, failed, rescued }).toEqual({ host, failed: '0', rescued: '0' });
    expect(verify.output).toContain('"msg": "no check failed"');
    process.stderr.write(`[vfy] ansible-playbook verify.yml (${known.length} checks, chapters 01-07) on the finished lab: ${verify.seconds.toFixed(1)} s\n`);

    writeExtraPlaybook('extra.yml', readFileSync(join(labDir(), 'pki', 'ca.crt'), 'utf8'));
    const extra = playbook('extra.yml');
    expect(extra.code, extra.output.slice(-4000)).toBe(0);
    expect(extra.output).toMatch(/^localhost\s+: ok=\d+ .*failed=0/m);
    // the hostile path was read as a path and the text compared as text: nothing ran, on either side
    expect(existsSync('/tmp/vfy-pwned-controller')).toBe(false);
    await onHost('server', 'test ! -e /root/vfy-pwned && test ! -e /tmp/vfy-pwned-controller');
  });

  it(
    'fails on a broken lab naming each broken check, exactly the checks kthw verify names',
    { timeout: 2 * PLAYBOOK_LIMIT_MS + KTHW_STEPS_LIMIT_MS },
    async () => {
      const pki = join(labDir(), 'pki');
      const foreignCa = { cert: join(scratch, 'foreign-ca.crt'), key: join(scratch, 'foreign-ca.key') };
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-subj',
          '/CN=CA',
          '-days',
          '2',
          '-keyout',
          foreignCa.key,
          '-out',
          foreignCa.cert,
        ],
        { stdio: 'pipe' },
      );
      const sans = (host: string, ips: string[]) => [`DNS:${host}`, `DNS:${host}.kubernetes.local`, ...ips.map((ip) => `IP:${ip}`)].join(',');
      const node0 = lab.hosts.find((h) => h.name === 'node-0')!;
      // x509: node-0's kubelet certificate from a foreign CA of the same name (names and SANs right)
      await writeOnHost(
        'node-0',
        '/var/lib/kubelet/kubelet.crt',
        makeCert(
          'foreign-node-0',
          '/CN=system:node:node-0/O=system:nodes',
          sans('node-0', ['127.0.0.1', '::1', node0.addresses.ipv4!, node0.addresses.ipv6!]),
          foreignCa,
        ),
      );
      // x509: node-1's, from the lab's CA with node-1's own key, but its node IPs left out of the SANs
      await writeOnHost(
        'node-1',
        '/var/lib/kubelet/kubelet.crt',
        makeCert(
          'san-node-1',
          '/CN=system:node:node-1/O=system:nodes',
          sans('node-1', ['127.0.0.1', '::1']),
          { cert: join(pki, 'ca.crt'), key: join(pki, 'ca.key') },
          join(pki, 'node-1.key'),
        ),
      );
      // kubeconfig: kube-proxy on node-1 pointed at another API server
      await onHost(
        'node-1',
        `sed -i 's#server: https://server.kubernetes.local:6443#server: https://elsewhere.kubernetes.local:6443#' /var/lib/kube-proxy/kubeconfig`,
      );
      // unit, etcd-health, etcd-members, and the extra port and http checks on etcd: etcd stopped
      await onHost('server', 'systemctl stop etcd');
      // file: a key made world-readable
      await onHost('server', 'chmod 0644 /root/ca.key');
      // command: chapter 3's hostname undone
      await onHost('node-0', 'hostname localhost');
      // extra kinds: a TLS server that no longer asks for a client certificate, a listener on 6443,
      // the hostile path's mode, the local file's mode, and a caPem from the foreign CA
      await tlsServer('vfy-tls', 8443, false);
      await tlsServer('vfy-6443', 6443, false);
      await onHost('server', `chmod 0644 ${shq(hostilePath)}`);
      chmodSync(localFile, 0o644);

      const kthwVerify = kthwVerifyAll();
      const broken = [
        'node-0 cert-node-0-node-0',
        'node-1 cert-node-1-node-1',
        'node-1 kubeconfig-kube-proxy-node-1',
        'server unit-server',
        'server health',
        'server members',
        'server key-mode-server-ca',
        'node-0 hostname-node-0',
      ];
      expect(kthwVerify.failed).toEqual(expect.arrayContaining(broken));

      const verify = playbook('verify.yml');
      expect(verify.code).not.toBe(0);
      const named = namedChecks(verify.output, kthwVerify.all);
      expect(named.keys, verify.output.slice(-6000)).toEqual(kthwVerify.failed);
      // each names what failed: the foreign CA fails openssl verify; node-1's certificate, its SANs
      expect(named.lines.get('node-0 cert-node-0-node-0')).toContain('regex_findall(\'(?m)^cert-verify (.*)$\')) == ["ok"]');
      expect(named.lines.get('node-1 cert-node-1-node-1')).toContain('(expected_sans | difference(');
      expect(named.lines.get('node-1 kubeconfig-kube-proxy-node-1')).toContain('== expected_server)');
      process.stderr.write(`[vfy] verify.yml on the broken lab: ${named.keys.length} checks named, ${verify.seconds.toFixed(1)} s\n`);

      const extraKnown = writeExtraPlaybook('extra-broken.yml', readFileSync(foreignCa.cert, 'utf8'));
      const extra = playbook('extra-broken.yml');
      expect(extra.code).not.toBe(0);
      expect(namedChecks(extra.output, extraKnown).keys, extra.output.slice(-6000)).toEqual(
        [
          'server port-etcd',
          'server port-6443-closed',
          'server http-etcd',
          'server https-refused',
          'server x509-ca-pem',
          'server kubeconfig-ca-pem',
          'server hostile-path',
          'localhost local-file',
        ].sort(),
      );
    },
  );
});
