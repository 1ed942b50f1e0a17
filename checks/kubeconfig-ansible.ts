import { assertion, linesOf, script, unsafe, unsafeList } from './ansible-tasks.js';
import type { KubeconfigParams } from './kubeconfig-params.js';
import { certFactsFunction, verifyFactsFunction } from './openssl-facts.js';
import type { AnsibleContext, AnsibleTask } from './types.js';

/** $1 kubeconfig: the file with every client-key-data value blanked, block scalars included. */
const redactScript = `awk '
  skip { match($0, /^ */); if (RLENGTH > ind || $0 ~ /^[ \\t]*$/) next; skip = 0 }
  /^[ \\t-]*client-key-data:/ {
    match($0, /^[ -]*/); ind = RLENGTH
    sub(/client-key-data:.*/, "client-key-data: REDACTED"); print; skip = 1; next
  }
  { print }
' <"$1"`;

/**
 * $1 kubeconfig; $2, $3, $4: which client-certificate-data, client-key-data and
 * certificate-authority-data line (1-based, file order; 0 = none) belong to the current context;
 * $5 the expected CA file ('' for none, /dev/stdin for a caPem). Prints fingerprints of both CAs,
 * the client certificate's facts and the public half of the client key, never the key.
 */
const factsScript = [
  `for n in "$2" "$3" "$4"; do case $n in '' | *[!0-9]*) echo "bad index $n" >&2; exit 2 ;; esac; done`,
  `tmp=$(mktemp -d) || exit 1`,
  `trap 'rm -rf "$tmp"' EXIT`,
  `nth() { [ "$2" -gt 0 ] && sed -n "s/^[[:space:]-]*$1:[[:space:]]*//p" "$kc" | sed -n "$2p"; }`,
  `fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | sed 's/^.*=//'; }`,
  certFactsFunction,
  verifyFactsFunction,
  `kc=$1 ca=$5`,
  `if [ "$ca" = /dev/stdin ]; then cat >"$tmp/expected-ca"; ca=$tmp/expected-ca; fi`,
  `nth certificate-authority-data "$4" | base64 -d >"$tmp/cluster-ca" 2>/dev/null`,
  `nth client-certificate-data "$2" | base64 -d >"$tmp/client" 2>/dev/null`,
  `v=$(fingerprint "$tmp/cluster-ca") && [ -n "$v" ] && echo "cluster-ca $v"`,
  `if [ -n "$ca" ]; then v=$(fingerprint "$ca") && [ -n "$v" ] && echo "expected-ca $v"; fi`,
  `if [ -s "$tmp/client" ] && cert_facts "$tmp/client" client; then`,
  `  if [ -n "$ca" ]; then verify_facts "$tmp/client" "$ca" client`,
  `  elif [ -s "$tmp/cluster-ca" ]; then verify_facts "$tmp/client" "$tmp/cluster-ca" client; fi`,
  `fi`,
  // The private key goes from the file into openssl on the host; only its public half is printed.
  `printf 'key-pub %s\\n' "$(nth client-key-data "$3" | base64 -d 2>/dev/null | openssl pkey -pubout 2>/dev/null | tr -d '\\n')"`,
].join('\n');

/** 1-based position of `name` among `list`'s entries that have `inner.field`, 0 when it has none. */
const position = (list: string, field: string, name: string) =>
  `{{ ((kubeconfig.${list} | default([]) | selectattr('${field}', 'defined') | map(attribute='name') | list).index(${name}) + 1) if ${name} in (kubeconfig.${list} | default([]) | selectattr('${field}', 'defined') | map(attribute='name') | list) else 0 }}`;

/**
 * The kubeconfig is read on the host with every client key blanked; Jinja finds the current
 * context's cluster and user in it; openssl on the host then reads that user's certificate, that
 * cluster's CA and the public half of that user's key.
 */
export function kubeconfigTasks(p: KubeconfigParams, ctx: AnsibleContext): AnsibleTask[] {
  const r = ctx.register;
  const facts = `${r}_certs`;
  const lines = (key: string) => linesOf(facts, key);
  const vars: Record<string, unknown> = {
    kubeconfig: `{{ ${r}.stdout | from_yaml }}`,
    current_context: "{{ kubeconfig['current-context'] | default('', true) }}",
    context: "{{ kubeconfig.contexts | default([]) | selectattr('name', 'equalto', current_context) | first | default({}) }}",
    cluster_name: "{{ context.context.cluster | default('') }}",
    user_name: "{{ context.context.user | default('') }}",
    cluster: "{{ kubeconfig.clusters | default([]) | selectattr('name', 'equalto', cluster_name) | first | default({}) }}",
    user: "{{ kubeconfig.users | default([]) | selectattr('name', 'equalto', user_name) | first | default({}) }}",
  };
  const that = [`${r}.rc == 0`, 'kubeconfig is mapping', "current_context != ''"];
  if (p.context !== undefined) {
    vars.expected_context = unsafe(p.context);
    that.push('current_context == expected_context');
  }
  that.push('context.name is defined', 'cluster.name is defined', 'user.name is defined');
  if (p.user !== undefined) {
    vars.expected_user = unsafe(p.user);
    that.push('user_name == expected_user');
  }
  if (p.server !== undefined) {
    vars.expected_server = unsafe(p.server);
    that.push('cluster.cluster.server | default(none) == expected_server');
  }
  if (p.caPem !== undefined || p.caPath !== undefined) {
    that.push(`${lines('expected-ca ')} | length == 1`, `${lines('cluster-ca ')} == ${lines('expected-ca ')}`);
  }
  if (p.userCn !== undefined || p.userO !== undefined || p.keyMatch) {
    that.push(`${lines('client-pub ')} | length == 1`);
    if (p.userCn !== undefined) {
      vars.expected_user_cn = unsafe(p.userCn);
      that.push(`${lines('client-subject CN=')} == [expected_user_cn]`);
    }
    if (p.userO !== undefined) {
      vars.expected_user_o = unsafeList(p.userO);
      that.push(`(${lines('client-subject O=')} | sort) == (expected_user_o | sort)`);
    }
    that.push(`${lines('client-verify ')} | reject('equalto', 'ok') | length == 0`);
    if (p.keyMatch) that.push(`user.user['client-key-data'] is defined`, `${lines('key-pub ')} == ${lines('client-pub ')}`);
  }

  const ca = p.caPem !== undefined ? '/dev/stdin' : p.caPath !== undefined ? unsafe(p.caPath) : '';
  const indexes = [
    position('users', 'user.client-certificate-data', 'user_name'),
    position('users', 'user.client-key-data', 'user_name'),
    position('clusters', 'cluster.certificate-authority-data', 'cluster_name'),
  ];
  const readCerts = script(
    "Read the current user's certificate, its cluster's CA and its key's public half",
    factsScript,
    [unsafe(p.path), ...indexes, ca],
    facts,
    p.caPem !== undefined ? { stdin: unsafe(p.caPem) } : {},
  );
  return [
    {
      name: 'Read the kubeconfig',
      vars,
      block: [
        script('Read it with every client key blanked on the host', redactScript, [unsafe(p.path)], r),
        { ...readCerts, when: `${r}.rc == 0` },
        assertion(ctx, 'Assert context, server, CA, user certificate and key', that),
      ],
    },
  ];
}
