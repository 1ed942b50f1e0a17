/**
 * Chapters 01–04 for real on the shared classic lab through the kthw binary, then every kind of
 * damage the chapter 3 and 4 checks exist to catch, each seen to fail with its diagnosis, then
 * repaired by running the chapter again.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadLab } from '../../src/lab/load.js';
import type { Lab } from '../../src/lab/types.js';
import { runKthw } from '../support/run-kthw.js';
import { sshRun, useLabHome } from './helpers.js';

interface CheckJson {
  id: string;
  host: string;
  ok: boolean;
  observed: string;
  diagnosis?: { found: string; where: string; why: string; fix: string };
}

let lab: Lab;
let labFile: string;
const kthw = (args: string[]) => runKthw(['--lab', labFile, ...args], { env: { KTHW_HOME: inject('kthwHome') } });

function verify(chapter: string): { code: number | null; checks: CheckJson[] } {
  const { code, stdout, stderr } = kthw(['verify', chapter, '--json']);
  if (!stdout.trim().startsWith('{')) throw new Error(`kthw verify printed no JSON: ${stderr}`);
  const report = JSON.parse(stdout) as { chapters: Array<{ checks: CheckJson[] }> };
  return { code, checks: report.chapters.flatMap((c) => c.checks) };
}

const failing = (checks: CheckJson[]) => checks.filter((c) => !c.ok);
const ssh = async (host: string, command: string) => {
  const result = await sshRun(lab, host, command);
  expect(result.code, `${host}: ${command}\n${result.stderr}`).toBe(0);
  return result.stdout;
};

beforeAll(async () => {
  useLabHome();
  labFile = inject('classicLab');
  lab = await loadLab(labFile);
});

describe('chapters 01–04 on the classic lab', () => {
  it('run, then verify all passes, and a second run changes nothing', () => {
    for (const chapter of ['chapter-1', 'chapter-2', 'chapter-3', 'chapter-4']) {
      const run = kthw(['run', chapter, '--json']);
      expect(run.code, `${chapter}: ${run.stdout}${run.stderr}`).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, failed: 0 });
    }
    const again = ['chapter-1', 'chapter-2', 'chapter-3', 'chapter-4'].map(
      (chapter) => (JSON.parse(kthw(['run', chapter, '--json']).stdout) as { changed: number }).changed,
    );
    expect(again).toEqual([0, 0, 0, 0]);
    for (const chapter of ['chapter-1', 'chapter-2', 'chapter-3', 'chapter-4']) expect(verify(chapter)).toMatchObject({ code: 0 });
  });

  it('a key readable by others is caught (mode 0644), and the chapter puts it back to 0600', async () => {
    await ssh('node-0', 'chmod 0644 /var/lib/kubelet/kubelet.key');
    const { code, checks } = verify('chapter-4');
    expect(code).toBe(1);
    expect(failing(checks).map((c) => c.id)).toEqual(['key-mode-node-0-node-0']);
    expect(failing(checks)[0]!.diagnosis).toMatchObject({
      found: expect.stringContaining('0644') as unknown,
      where: expect.stringContaining('node-0') as unknown,
    });
    expect(kthw(['run', 'chapter-4']).code).toBe(0);
    expect(await ssh('node-0', 'stat -c %a /var/lib/kubelet/kubelet.key')).toBe('600\n');
  });

  it('a missing certificate is caught on the host that lost it', async () => {
    await ssh('server', 'rm /root/kube-api-server.crt');
    const bad = failing(verify('chapter-4').checks);
    expect(bad.map((c) => c.id).sort()).toEqual(['cert-mode-server-kube-api-server', 'cert-server-kube-api-server']);
    expect(bad.every((c) => c.host === 'server')).toBe(true);
    expect(bad.find((c) => c.id === 'cert-server-kube-api-server')!.diagnosis!.found).toMatch(/missing|no such|not found|does not exist/i);
    expect(kthw(['run', 'chapter-4']).code).toBe(0);
  });

  it('a certificate signed by another CA is caught, even with the right subject', async () => {
    await ssh(
      'node-1',
      [
        'cd /tmp',
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue-ca.key -out rogue-ca.crt -subj '/CN=CA' -days 2 2>/dev/null",
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -out rogue.csr -subj '/CN=system:node:node-1/O=system:nodes' 2>/dev/null",
        'openssl x509 -req -in rogue.csr -CA rogue-ca.crt -CAkey rogue-ca.key -CAcreateserial -out /var/lib/kubelet/kubelet.crt -days 2 2>/dev/null',
        'cp rogue.key /var/lib/kubelet/kubelet.key',
      ].join(' && '),
    );
    const bad = failing(verify('chapter-4').checks);
    expect(bad.map((c) => c.id)).toContain('cert-node-1-node-1');
    expect(bad.find((c) => c.id === 'cert-node-1-node-1')!.diagnosis!.found).toMatch(/issu|sign|CA/i);
    expect(kthw(['run', 'chapter-4']).code).toBe(0);
  });

  it('a key that does not match its certificate is caught', async () => {
    await ssh(
      'node-0',
      'openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out /var/lib/kubelet/kubelet.key 2>/dev/null && chmod 600 /var/lib/kubelet/kubelet.key',
    );
    const bad = failing(verify('chapter-4').checks);
    expect(bad.map((c) => c.id)).toEqual(['cert-node-0-node-0']);
    expect(bad[0]!.diagnosis!.found).toMatch(/key/i);
    expect(kthw(['run', 'chapter-4']).code).toBe(0);
  });

  it("another node's certificate (wrong subject and SANs) is caught", async () => {
    const otherCert = await ssh('node-1', 'cat /var/lib/kubelet/kubelet.crt');
    const otherKey = await ssh('node-1', 'cat /var/lib/kubelet/kubelet.key');
    await ssh('node-0', `printf '%s' '${otherCert}' > /var/lib/kubelet/kubelet.crt && printf '%s' '${otherKey}' > /var/lib/kubelet/kubelet.key`);
    const bad = failing(verify('chapter-4').checks);
    expect(bad.map((c) => c.id)).toEqual(['cert-node-0-node-0']);
    expect(bad[0]!.diagnosis!.found).toMatch(/node-1/);
    expect(kthw(['run', 'chapter-4']).code).toBe(0);
  });

  it('a renamed machine and a lost /etc/hosts block are caught, then repaired by chapter 3', async () => {
    await ssh('node-1', 'hostname wrong-name && echo wrong-name > /etc/hostname');
    await ssh('server', "sed -i '/kthw/,/kthw/d' /etc/hosts");
    const bad = failing(verify('chapter-3').checks);
    expect(bad.map((c) => c.id)).toEqual(expect.arrayContaining(['hostname-node-1', 'etc-hosts-server']));
    expect(bad.find((c) => c.id === 'hostname-node-1')!.diagnosis!.found).toContain('wrong-name');
    expect(kthw(['run', 'chapter-3']).code).toBe(0);
    expect(failing(verify('chapter-3').checks)).toEqual([]);
  });

  it('the jumpbox key made readable by others is caught, and OpenSSH itself then refuses it', async () => {
    await ssh('jumpbox', 'chmod 0640 /root/.ssh/id_ed25519');
    const bad = failing(verify('chapter-3').checks);
    expect(bad.map((c) => c.id)).toEqual(['jumpbox-key-mode', 'ssh-from-jumpbox-server', 'ssh-from-jumpbox-node-0', 'ssh-from-jumpbox-node-1']);
    expect(bad[0]!.diagnosis!.found).toContain('0640');
    expect(kthw(['run', 'chapter-3']).code).toBe(0);
  });

  it('a jumpbox no longer authorized on a node is caught by the SSH check from the jumpbox', async () => {
    await ssh('node-0', "sed -i '/jumpbox@kthw/d' /root/.ssh/authorized_keys");
    const bad = failing(verify('chapter-3').checks);
    expect(bad.map((c) => c.id)).toEqual(['ssh-from-jumpbox-node-0']);
    expect(kthw(['run', 'chapter-3']).code).toBe(0);
    for (const chapter of ['chapter-1', 'chapter-2', 'chapter-3', 'chapter-4']) expect(failing(verify(chapter).checks)).toEqual([]);
  });
});
