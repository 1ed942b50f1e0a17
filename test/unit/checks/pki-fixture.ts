import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Real certificates made with the openssl CLI, for the x509, kubeconfig and http checks: a CA, a
 * second CA, an impostor CA with the CA's name but its own key, and leaves that are right or wrong
 * in one way each.
 */
export interface Pki {
  dir: string;
  path(name: string): string;
  pem(name: string): string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string, cn: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '3650', '-subj', `/CN=${cn}`]);
}

interface LeafOptions {
  subject: string;
  san?: string;
  eku?: string;
  ca?: string;
  days?: number;
}

let serial = 100;

function makeLeaf(dir: string, name: string, { subject, san, eku = 'serverAuth,clientAuth', ca = 'ca', days = 365 }: LeafOptions): void {
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  const ext = ['[v3]', 'basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment', `extendedKeyUsage = ${eku}`];
  if (san) ext.push(`subjectAltName = ${san}`);
  writeFileSync(join(dir, `${name}.ext`), `${ext.join('\n')}\n`);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-set_serial',
    String(serial++),
    '-days',
    String(days),
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
    '-extensions',
    'v3',
  ]);
}

/** `openssl ca` is the CLI's way to set explicit validity dates (for expired / not-yet-valid certs). */
function makeDated(dir: string, name: string, start: string, end: string): void {
  mkdirSync(join(dir, 'ca-db', 'new'), { recursive: true });
  writeFileSync(join(dir, 'ca-db', 'index.txt'), '');
  writeFileSync(join(dir, 'ca-db', 'serial'), `${(serial++).toString(16).padStart(4, '0')}\n`);
  writeFileSync(
    join(dir, 'ca-db', 'ca.cnf'),
    [
      '[ca]',
      'default_ca = own',
      '[own]',
      `database = ${dir}/ca-db/index.txt`,
      `new_certs_dir = ${dir}/ca-db/new`,
      `serial = ${dir}/ca-db/serial`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl(dir, [
    'ca',
    '-batch',
    '-config',
    'ca-db/ca.cnf',
    '-cert',
    'ca.crt',
    '-keyfile',
    'ca.key',
    '-in',
    `${name}.csr`,
    '-out',
    `${name}.crt`,
    '-startdate',
    start,
    '-enddate',
    end,
    '-notext',
  ]);
}

export function makePki(dir: string): Pki {
  makeCa(dir, 'ca', 'kthw-test-ca');
  makeCa(dir, 'other-ca', 'someone-else-ca');
  makeCa(dir, 'impostor-ca', 'kthw-test-ca');
  const serverSan = 'DNS:localhost,DNS:server.kubernetes.local,IP:127.0.0.1,IP:::1,IP:fd00:4::4';
  makeLeaf(dir, 'server', { subject: '/CN=kubernetes/O=Kubernetes', san: serverSan });
  makeLeaf(dir, 'node-0', { subject: '/CN=system:node:node-0/O=system:nodes', san: 'DNS:node-0,IP:10.0.0.30', eku: 'clientAuth' });
  makeLeaf(dir, 'admin', { subject: '/CN=admin/O=system:masters', eku: 'clientAuth' });
  makeLeaf(dir, 'by-other-ca', { subject: '/CN=kubernetes/O=Kubernetes', san: serverSan, ca: 'other-ca' });
  makeLeaf(dir, 'by-impostor', { subject: '/CN=kubernetes/O=Kubernetes', san: serverSan, ca: 'impostor-ca' });
  makeLeaf(dir, 'wrong-san', { subject: '/CN=kubernetes/O=Kubernetes', san: 'DNS:localhost,IP:127.0.0.1' });
  makeLeaf(dir, 'short-lived', { subject: '/CN=kubernetes/O=Kubernetes', san: serverSan, days: 5 });
  makeDated(dir, 'expired', '20200101000000Z', '20200201000000Z');
  makeDated(dir, 'future', '20990101000000Z', '20991231000000Z');
  return {
    dir,
    path: (name) => join(dir, name),
    pem: (name) => readFileSync(join(dir, name), 'utf8'),
  };
}
