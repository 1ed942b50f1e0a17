import { describe, expect, it } from 'vitest';
import { type CertProfile } from '../../../src/pki/index.js';
import { courseProfiles } from '../../support/course-pki.js';
import { UsageError } from '../../../src/util/errors.js';
import { otherClassicLab, otherHaLab, shippedLab } from './labs.js';

const byId = (profiles: CertProfile[]) => Object.fromEntries(profiles.map((p) => [p.id, p]));
const where = (p: CertProfile) => p.destinations.map((d) => `${d.host}:${d.path}:${d.mode.toString(8)}`);

describe('certificateProfiles', () => {
  it("lists upstream's certificates in upstream's order for the classic lab, and no etcd certificates", async () => {
    expect(courseProfiles(await shippedLab('classic')).map((p) => p.id)).toEqual([
      'ca',
      'admin',
      'node-0',
      'node-1',
      'kube-proxy',
      'kube-scheduler',
      'kube-controller-manager',
      'kube-api-server',
      'service-accounts',
    ]);
  });

  it("adds etcd server and peer certificates per etcd host and the API server's etcd client on ipv6-ha", () => {
    const ids = courseProfiles(otherHaLab()).map((p) => p.id);
    expect(ids.slice(-7)).toEqual([
      'etcd-server-kv-1',
      'etcd-peer-kv-1',
      'etcd-server-kv-2',
      'etcd-peer-kv-2',
      'etcd-server-kv-3',
      'etcd-peer-kv-3',
      'kube-api-server-etcd-client',
    ]);
  });

  it("gets the scheduler's organisation right (upstream writes system:system:kube-scheduler)", async () => {
    const scheduler = byId(courseProfiles(await shippedLab('classic')))['kube-scheduler']!;
    expect(scheduler.subject.filter((a) => a.name === 'O')).toEqual([{ name: 'O', value: 'system:kube-scheduler' }]);
  });

  it("names kubernetes.default.svc.<cluster domain>, not upstream's kubernetes.svc.cluster.local", () => {
    const api = byId(courseProfiles(otherClassicLab()))['kube-api-server']!;
    expect(api.sans.dns).toContain('kubernetes.default.svc.k8s.internal');
    expect(api.sans.dns.filter((n) => n.includes('cluster.local') || n === 'api-server.kubernetes.local')).toEqual([]);
  });

  it('places files where upstream does: kubelet files on workers, the CA and API server pairs on controllers', async () => {
    const p = byId(courseProfiles(await shippedLab('classic')));
    expect(where(p.ca!)).toEqual([
      'node-0:/var/lib/kubelet/ca.crt:644',
      'node-1:/var/lib/kubelet/ca.crt:644',
      'server:/root/ca.crt:644',
      'server:/root/ca.key:600',
    ]);
    expect(where(p['node-1']!)).toEqual(['node-1:/var/lib/kubelet/kubelet.crt:644', 'node-1:/var/lib/kubelet/kubelet.key:600']);
    expect(where(p['kube-api-server']!)).toEqual(['server:/root/kube-api-server.crt:644', 'server:/root/kube-api-server.key:600']);
    expect(where(p['service-accounts']!)).toEqual(['server:/root/service-accounts.crt:644', 'server:/root/service-accounts.key:600']);
    // Used on the jumpbox to build kubeconfigs (chapter 05); not copied anywhere by chapter 04.
    for (const id of ['admin', 'kube-proxy', 'kube-scheduler', 'kube-controller-manager']) expect(where(p[id]!)).toEqual([]);
  });

  it('sends etcd files to etcd hosts and the etcd client pair to every controller', () => {
    const p = byId(courseProfiles(otherHaLab()));
    expect(where(p['etcd-peer-kv-2']!)).toEqual(['kv-2:/etc/etcd/peer.crt:644', 'kv-2:/etc/etcd/peer.key:600']);
    expect(where(p['etcd-server-kv-3']!)).toEqual(['kv-3:/etc/etcd/server.crt:644', 'kv-3:/etc/etcd/server.key:600']);
    expect(where(p.ca!).filter((d) => d.includes('/etc/etcd/'))).toEqual([
      'kv-1:/etc/etcd/ca.crt:644',
      'kv-2:/etc/etcd/ca.crt:644',
      'kv-3:/etc/etcd/ca.crt:644',
    ]);
    expect(where(p['kube-api-server-etcd-client']!)).toEqual([
      'api-1:/root/kube-api-server-etcd-client.crt:644',
      'api-1:/root/kube-api-server-etcd-client.key:600',
      'api-2:/root/kube-api-server-etcd-client.crt:644',
      'api-2:/root/kube-api-server-etcd-client.key:600',
    ]);
  });

  it('never lets a key file be readable by others', async () => {
    for (const lab of [await shippedLab('classic'), await shippedLab('ipv6-ha'), otherHaLab()]) {
      const keys = courseProfiles(lab).flatMap((p) => p.destinations.filter((d) => d.file === 'key'));
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((d) => d.mode !== 0o600 || !d.path.endsWith('.key'))).toEqual([]);
    }
  });

  it('defaults to ECDSA P-256 and ten years; RSA per profile changes the key usage to match', async () => {
    const p = byId(courseProfiles(await shippedLab('classic'), { keyAlgorithms: { 'node-0': { type: 'rsa', bits: 2048 } } }));
    expect(p.admin!.keyAlgorithm).toEqual({ type: 'ecdsa', curve: 'P-256' });
    expect(p.admin!.validityDays).toBe(3653);
    expect(p.admin!.keyUsage).toEqual(['digitalSignature']);
    expect(p['node-0']!.keyAlgorithm).toEqual({ type: 'rsa', bits: 2048 });
    expect(p['node-0']!.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(p.ca!.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
  });

  it('is pure: the same lab gives the same profiles', async () => {
    expect(courseProfiles(await shippedLab('ipv6-ha'))).toEqual(courseProfiles(await shippedLab('ipv6-ha')));
  });

  it('refuses a lab where two certificates would share a file name, saying which host to rename', () => {
    const lab = otherClassicLab();
    lab.hosts = lab.hosts.map((h) => (h.name === 'w-beta' ? { ...h, name: 'kube-proxy', fqdn: 'kube-proxy.corp.example' } : h));
    expect(() => courseProfiles(lab)).toThrow(UsageError);
    try {
      courseProfiles(lab);
    } catch (error) {
      expect((error as UsageError).message).toContain('"kube-proxy"');
      expect((error as UsageError).where).toBe('other-classic.yaml');
      expect((error as UsageError).fix).toContain('Rename the host called "kube-proxy"');
    }
  });
});
