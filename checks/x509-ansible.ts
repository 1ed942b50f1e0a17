import { assertion, linesOf, script, unsafe, unsafeList } from './ansible-tasks.js';
import { certFactsFunction, extKeyUsageText, keyUsageText, opensslIp, verifyFactsFunction } from './openssl-facts.js';
import type { AnsibleContext, AnsibleTask } from './types.js';
import type { X509Params } from './x509-params.js';

/** $1 certificate, $2 CA file ('' for none, /dev/stdin for a caPem), $3 private key ('' for none). */
const x509Script = [
  certFactsFunction,
  verifyFactsFunction,
  `cert_facts "$1" cert || { echo "$1 is not a readable certificate" >&2; exit 1; }`,
  // Only the public half of the key leaves the host.
  `if [ -n "$3" ]; then printf 'key-pub %s\\n' "$(openssl pkey -in "$3" -pubout 2>&1 | tr -d '\\n')"; fi`,
  `if [ -n "$2" ]; then verify_facts "$1" "$2" cert; fi`,
].join('\n');

const isoDate = "to_datetime('%Y-%m-%d %H:%M:%SZ')";

/** openssl on the host prints the certificate's facts; the assert holds the judge's expectations. */
export function x509Tasks(p: X509Params, ctx: AnsibleContext): AnsibleTask[] {
  const r = ctx.register;
  const lines = (key: string) => linesOf(r, `cert-${key}`);
  const vars: Record<string, unknown> = {};
  const that = [`${r}.rc == 0`];
  if (p.cn !== undefined) {
    vars.expected_cn = unsafe(p.cn);
    that.push(`${lines('subject CN=')} == [expected_cn]`);
  }
  if (p.o !== undefined) {
    vars.expected_o = unsafeList(p.o);
    that.push(`(${lines('subject O=')} | sort) == (expected_o | sort)`);
  }
  const sans = [...(p.dnsSans ?? []).map((name) => `DNS:${name}`), ...(p.ipSans ?? []).map((ip) => `IP Address:${opensslIp(ip)}`)];
  if (sans.length > 0 || p.exactSans) {
    vars.expected_sans = unsafeList(sans);
    that.push(`expected_sans | difference(${lines('san ')}) | length == 0`);
    if (p.exactSans) that.push(`${lines('san ')} | difference(expected_sans) | length == 0`);
  }
  if (p.keyUsage?.length) {
    vars.expected_key_usage = unsafeList(p.keyUsage.map((u) => keyUsageText[u] ?? u));
    that.push(`expected_key_usage | difference(${lines('ku ')}) | length == 0`);
  }
  if (p.extKeyUsage?.length) {
    vars.expected_ext_key_usage = unsafeList(p.extKeyUsage.map((u) => extKeyUsageText[u] ?? u));
    that.push(`expected_ext_key_usage | difference(${lines('eku ')}) | length == 0`);
  }
  if (p.isCa !== undefined) that.push(`"CA:TRUE" ${p.isCa ? 'in' : 'not in'} ${lines('bc ')}`);
  const hasCa = p.caPem !== undefined || p.caPath !== undefined;
  if (hasCa) that.push(`${lines('verify ')} == ["ok"]`);
  if (p.keyPath !== undefined) that.push(`${linesOf(r, 'key-pub ')} == ${lines('pub ')}`);
  // Validity at the check's instant: now, or the spec's fixed `now`.
  const now = p.now === undefined ? 'now(utc=true)' : `("${p.now.toISOString().slice(0, 19).replace('T', ' ')}Z" | ${isoDate})`;
  that.push(`(${lines('notbefore ')} | first | ${isoDate}) <= ${now}`, `(${lines('notafter ')} | first | ${isoDate}) > ${now}`);

  const caArg = p.caPem !== undefined ? '/dev/stdin' : (p.caPath ?? '');
  const read = script(
    'Read the certificate with openssl',
    x509Script,
    [unsafe(p.path), p.caPath !== undefined && p.caPem === undefined ? unsafe(caArg) : caArg, p.keyPath === undefined ? '' : unsafe(p.keyPath)],
    r,
    p.caPem !== undefined ? { stdin: unsafe(p.caPem) } : {},
  );
  return [read, assertion(ctx, 'Assert subject, SANs, usages, issuer, key and validity', that, vars)];
}
