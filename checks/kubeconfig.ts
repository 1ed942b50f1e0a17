import { parse as parseYaml } from 'yaml';
import { shq } from '../src/ssh/shell-quote.js';
import { describeName, pemBlocks, readCert, spki, type CertInfo } from './cert-info.js';
import { errorText, factOf, gatherScript, parseFacts, type Fact } from './facts.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { issuedBy, subjectProblems } from './x509.js';
import { fail, verdictFrom } from './verdict.js';
import { kubeconfigTasks } from './kubeconfig-ansible.js';
import type { KubeconfigParams } from './kubeconfig-params.js';
export type { KubeconfigParams } from './kubeconfig-params.js';

// Replaces a client-key-data value, block scalars included, by REDACTED before the file leaves the host.
const redact = `kthw_kc_config() { awk '
  skip { match($0, /^ */); if (RLENGTH > ind || $0 ~ /^[ \\t]*$/) next; skip = 0 }
  /^[ \\t-]*client-key-data:/ {
    match($0, /^[ -]*/); ind = RLENGTH
    sub(/client-key-data:.*/, "client-key-data: REDACTED"); print; skip = 1; next
  }
  { print }
' <"$1"; }`;

// One public key PEM (or UNREADABLE) per client-key-data line, in file order.
const keyPubs = `kthw_kc_keypubs() {
  sed -n 's/^[[:space:]-]*client-key-data:[[:space:]]*//p' <"$1" | while IFS= read -r kthw_k; do
    printf '%s' "$kthw_k" | base64 -d 2>/dev/null | openssl pkey -pubout 2>/dev/null || printf 'UNREADABLE\\n'
  done
}`;

function entries(doc: Record<string, unknown>, list: string): Array<Record<string, unknown>> {
  const value = doc[list];
  return Array.isArray(value) ? value.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

/** A scalar as text; a mapping or list as JSON rather than "[object Object]". */
function shown(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function field(entry: Record<string, unknown> | undefined, inner: string, name: string): unknown {
  const body = entry?.[inner];
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function decodePem(data: unknown): string | undefined {
  return typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

export const kubeconfigCheck: CheckPrimitive<KubeconfigParams> = {
  kind: 'kubeconfig',

  parse(params) {
    const read = new ParamReader('kubeconfig', params);
    const caPem = read.optString('caPem');
    if (caPem !== undefined && pemBlocks(caPem).length === 0) read.fail('caPem', 'a PEM certificate');
    const server = read.optString('server');
    if (server !== undefined && !URL.canParse(server)) read.fail('server', 'a URL such as https://server.kubernetes.local:6443');
    return {
      path: read.string('path'),
      server,
      caPem,
      caPath: read.optString('caPath'),
      context: read.optString('context'),
      user: read.optString('user'),
      userCn: read.optString('userCn'),
      userO: read.optStrings('userO'),
      keyMatch: read.optBoolean('keyMatch') ?? true,
    };
  },

  gather(p) {
    const path = shq(p.path);
    const lines = [redact, `kthw_fact config kthw_kc_config ${path}`];
    if (p.keyMatch) lines.push(keyPubs, `kthw_fact keypubs kthw_kc_keypubs ${path}`);
    if (p.caPath !== undefined && p.caPem === undefined) lines.push(`kthw_fact ca cat -- ${shq(p.caPath)}`);
    return gatherScript(lines);
  },

  judge(p, text) {
    const facts = parseFacts(text);
    const config = factOf(facts, 'config');
    if (config.code !== 0) return fail('missing', `cannot read the kubeconfig: ${errorText(config)}`, p.path);
    let doc: Record<string, unknown>;
    try {
      const parsed: unknown = parseYaml(config.stdout);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not a YAML mapping');
      doc = parsed as Record<string, unknown>;
    } catch (error) {
      return fail('unreadable', `not a kubeconfig (${(error as Error).message})`, p.path);
    }
    const problems: string[] = [];
    const current = typeof doc['current-context'] === 'string' ? doc['current-context'] : '';
    if (!current) return fail('no current-context', 'current-context is not set', p.path);
    if (p.context !== undefined && current !== p.context) problems.push(`current-context is ${JSON.stringify(current)}, expected ${JSON.stringify(p.context)}`);
    const context = entries(doc, 'contexts').find((c) => c.name === current);
    if (!context) return fail(`current-context ${current}`, `current-context ${JSON.stringify(current)} names no context in the file`, p.path);
    const clusterName = field(context, 'context', 'cluster');
    const userName = field(context, 'context', 'user');
    const cluster = entries(doc, 'clusters').find((c) => c.name === clusterName);
    const users = entries(doc, 'users');
    const user = users.find((u) => u.name === userName);
    const server = shown(field(cluster, 'cluster', 'server') ?? '');
    const observed = `context ${current}: server ${server || '(none)'}, user ${String(userName)}`;
    if (!cluster) problems.push(`context ${current} uses cluster ${JSON.stringify(clusterName)}, which is not in the file`);
    if (!user) problems.push(`context ${current} uses user ${JSON.stringify(userName)}, which is not in the file`);
    if (p.user !== undefined && userName !== p.user) problems.push(`context user is ${JSON.stringify(userName)}, expected ${JSON.stringify(p.user)}`);
    if (p.server !== undefined && cluster && server !== p.server) problems.push(`server is ${server || '(none)'}, expected ${p.server}`);

    const expectedCa = caOf(p, facts.get('ca'), problems);
    const clusterCa = decodePem(field(cluster, 'cluster', 'certificate-authority-data'));
    if (cluster && expectedCa !== undefined) {
      const caFile = field(cluster, 'cluster', 'certificate-authority');
      if (clusterCa === undefined)
        problems.push(caFile ? `the cluster CA is referenced by path (${shown(caFile)}), not embedded` : 'the cluster has no certificate-authority-data');
      else if (!sameCert(clusterCa, expectedCa)) problems.push(`certificate-authority-data is not the expected CA (${describePem(clusterCa)})`);
    }

    if (user && (p.userCn !== undefined || p.userO !== undefined || p.keyMatch)) {
      const certPem = decodePem(field(user, 'user', 'client-certificate-data'));
      if (certPem === undefined) problems.push(`user ${String(userName)} has no embedded client-certificate-data`);
      else {
        try {
          const info = readCert(certPem);
          problems.push(...subjectProblems({ cn: p.userCn, o: p.userO }, info).map((m) => `client certificate ${m}`));
          const ca = expectedCa ?? clusterCa;
          const issuer = ca === undefined ? undefined : issuedBy(info, ca);
          if (issuer) problems.push(`client certificate ${issuer}`);
          if (p.keyMatch) problems.push(...keyMatchProblems(info, users, user, facts.get('keypubs')));
        } catch (error) {
          problems.push(`client-certificate-data is not a certificate (${(error as Error).message})`);
        }
      }
    }
    return verdictFrom(problems, observed, p.path);
  },

  ansible: (p, ctx) => kubeconfigTasks(p, ctx),
};

function caOf(p: KubeconfigParams, fact: Fact | undefined, problems: string[]): string | undefined {
  if (p.caPem !== undefined) return p.caPem;
  if (p.caPath === undefined) return undefined;
  if (!fact || fact.code !== 0) {
    problems.push(`cannot read the CA certificate ${p.caPath}: ${fact ? errorText(fact) : 'not gathered'}`);
    return undefined;
  }
  return fact.stdout;
}

function sameCert(a: string, b: string): boolean {
  try {
    return readCert(a).cert.raw.equals(readCert(b).cert.raw);
  } catch {
    return false;
  }
}

function describePem(pem: string): string {
  try {
    return `it holds ${describeName(readCert(pem).subject)}`;
  } catch {
    return 'it is not a certificate';
  }
}

function keyMatchProblems(info: CertInfo, users: Array<Record<string, unknown>>, user: Record<string, unknown>, fact: Fact | undefined): string[] {
  if (field(user, 'user', 'client-key-data') === undefined) return [`user ${String(user.name)} has no embedded client-key-data`];
  if (!fact || fact.code !== 0) return [`cannot read the embedded client keys: ${fact ? errorText(fact) : 'not gathered'}`];
  // Keys were printed in file order, one per user that embeds one.
  const index = users.filter((u) => field(u, 'user', 'client-key-data') !== undefined).indexOf(user);
  const keys = fact.stdout.split('\n').reduce<string[]>((list, line) => {
    if (line === 'UNREADABLE') list.push('UNREADABLE');
    else if (line.startsWith('-----BEGIN')) list.push(line);
    else if (list.length) list[list.length - 1] += `\n${line}`;
    return list;
  }, []);
  const key = keys[index];
  if (key === undefined || key === 'UNREADABLE') return [`the client-key-data of user ${String(user.name)} is not a readable private key`];
  return spki(key).equals(spki(info.cert.publicKey)) ? [] : [`the client-key-data of user ${String(user.name)} does not match its client certificate`];
}
