/** The checks of chapter 08: each names what it found, where, why it matters and the fix. */
import { requireCanonicalIp, sh, type CheckSpec } from '../kit.js';
import { escapeRegex, jumpboxOf, workDir } from '../common.js';
import { etcdctl } from '../07-etcd/index.js';
import { apiServerKubeletUser, components, file, frontProxyClientName, fromHome, urlHost, type ControlPlane, type Controller } from './control-plane.js';
import { flagFunctions } from './running-flags.js';
import { kubectlAdmin } from './steps.js';

const rerun = 'run chapter 8 again: it rewrites the unit and restarts the component';

function unitChecks(c: Controller): CheckSpec[] {
  return components.map((component) => ({
    id: `unit-${component}-${c.name}`,
    title: `${component} runs on ${c.name} and starts at boot`,
    host: c.name,
    kind: 'unit',
    params: { unit: `${component}.service`, enabled: true },
    why:
      component === 'kube-scheduler'
        ? 'A stopped scheduler leaves new Pods Pending; with others running, one of them takes the lease, with none, nothing is placed.'
        : component === 'kube-controller-manager'
          ? 'Without a controller manager nothing reconciles: no ReplicaSet makes Pods, no node is watched, no token is issued.'
          : 'Every component and every kubectl talks to the cluster through the API server.',
    fix: `journalctl -u ${component} on ${c.name} says why it stopped; start it, or fix what the journal says and ${rerun}`,
  }));
}

/** Every name and address the serving certificate must carry, for this controller. */
export function servingNames(cp: ControlPlane, c: Controller): { dns: string[]; ip: string[] } {
  const domain = cp.lab.networks.clusterDomain;
  return {
    dns: [...new Set([...cp.sharedNames.dns, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`, c.name])],
    ip: [...new Set([...cp.sharedNames.ip.map(requireCanonicalIp), requireCanonicalIp(c.address)])],
  };
}

function perController(cp: ControlPlane, c: Controller): CheckSpec[] {
  const jumpbox = jumpboxOf(cp.lab).name;
  const names = servingNames(cp, c);
  const etcdServers = cp.etcd.members.map((m) => m.clientUrl).join(',');
  const probe = `kthw-encryption-probe-${c.name}`;
  const etcdTls = cp.etcd.tls ? { cacert: file.ca, cert: file.etcdClientCert, key: file.etcdClientKey } : undefined;
  const etcdGet = `${etcdctl(
    cp.etcd,
    cp.etcd.members.map((m) => m.clientUrl),
    etcdTls,
  )} --dial-timeout=3s --command-timeout=5s`;
  return [
    ...unitChecks(c),
    {
      id: `readyz-${c.name}`,
      title: `the API server on ${c.name} answers /readyz with every check ok (from ${jumpbox}, as admin)`,
      host: jumpbox,
      kind: 'http',
      params: {
        url: `${c.url}/readyz?verbose`,
        cacert: `${workDir}/ca.crt`,
        cert: `${workDir}/admin.crt`,
        key: `${workDir}/admin.key`,
        body: '^(?![\\s\\S]*\\[-\\])[\\s\\S]*readyz check passed',
      },
      why: 'Ready means connected to etcd, every built-in object installed, every informer synced: only then does it serve the cluster faithfully.',
      fix: `the [-] lines of ${c.url}/readyz?verbose name what is not ready; journalctl -u kube-apiserver on ${c.name} says why`,
    },
    {
      id: `etcd-client-${c.name}`,
      title: `the API server on ${c.name} reaches every etcd member with its own flags`,
      host: c.name,
      kind: 'command',
      params: {
        run: [
          flagFunctions,
          'servers=$(flag kube-apiserver --etcd-servers); ca=$(flag kube-apiserver --etcd-cafile); cert=$(flag kube-apiserver --etcd-certfile); key=$(flag kube-apiserver --etcd-keyfile); bad=0',
          `[ "$servers" = ${sh`${etcdServers}`} ] || { echo "--etcd-servers is \${servers:-missing}, the lab's etcd is "${sh`${etcdServers}`}; bad=1; }`,
          'for url in $(echo "$servers" | tr , " "); do',
          '  set -- curl -sS --max-time 5',
          '  [ -z "$ca" ] || set -- "$@" --cacert "$ca"',
          '  [ -z "$cert" ] || set -- "$@" --cert "$cert" --key "$key"',
          '  if out=$("$@" "$url/health" 2>&1); then echo "$url: $out"; case $out in *\'"health":"true"\'*) ;; *) bad=1 ;; esac',
          '  else echo "$url: $out (with --etcd-cafile=${ca:-none} --etcd-certfile=${cert:-none})"; bad=1; fi',
          'done',
          'exit $bad',
        ].join('\n'),
      },
      why:
        "The API server keeps all state in etcd. A CA that did not sign the members' certificates, a certificate they do not accept or a wrong " +
        "address, and it cannot start; this check makes the same connection with the flags the API server runs with and shows etcd's answer.",
      fix: `compare --etcd-servers, --etcd-cafile, --etcd-certfile and --etcd-keyfile in /etc/systemd/system/kube-apiserver.service on ${c.name} with the lab; ${rerun}`,
    },
    {
      id: `encryption-config-${c.name}`,
      title: `the API server on ${c.name} encrypts Secrets with chapter 06's configuration`,
      host: c.name,
      kind: 'command',
      params: {
        run: [
          flagFunctions,
          'f=$(flag kube-apiserver --encryption-provider-config)',
          'if [ -z "$f" ]; then echo "kube-apiserver runs without --encryption-provider-config: Secrets go to etcd in clear"; exit 1; fi',
          'if [ ! -f "$f" ]; then echo "--encryption-provider-config names $f, which does not exist"; exit 1; fi',
          sh`if ! cmp -s "$f" ${fromHome.encryption}; then echo "$f differs from ${fromHome.encryption} (chapter 06)"; exit 1; fi`,
          'echo "--encryption-provider-config=$f, as chapter 06 made it"',
        ].join('\n'),
      },
      why: 'Without it the API server starts as happily and writes every Secret to etcd, and to every etcd backup, in clear.',
      fix: `put --encryption-provider-config=${file.encryption} back into kube-apiserver's unit on ${c.name}: ${rerun}`,
    },
    {
      id: `secret-encrypted-${c.name}`,
      title: `a Secret written through ${c.name}'s API server is aescbc-encrypted in etcd`,
      host: c.name,
      kind: 'command',
      params: {
        run: [
          `${kubectlAdmin(sh`delete secret ${probe} --ignore-not-found`)} >/dev/null && ${kubectlAdmin(sh`create secret generic ${probe} --from-literal=probe=kthw`)} >/dev/null || exit 1`,
          `v=$(${etcdGet} get ${sh`${`/registry/secrets/default/${probe}`}`} --print-value-only | head -c 40 | tr -c '[:print:]' '.')`,
          'case "$v" in k8s:enc:aescbc:v1:*) echo "$v" ;; "") echo "the Secret is not in etcd"; exit 1 ;; *) echo "stored without aescbc: the value in etcd begins $v"; exit 1 ;; esac',
        ].join('\n'),
      },
      why: 'The proof of encryption at rest: a Secret created through this API server reads back from etcd as ciphertext marked k8s:enc:aescbc:v1:key1, not as the Secret itself.',
      fix: `check --encryption-provider-config of kube-apiserver on ${c.name} (the check encryption-config-${c.name}); after fixing it, rewrite old Secrets: kubectl get secrets -A -o json | kubectl replace -f -`,
    },
    {
      id: `service-range-${c.name}`,
      title: `the API server and controller manager on ${c.name} use the lab's service range ${cp.serviceRange}`,
      host: c.name,
      kind: 'command',
      params: {
        run: [
          flagFunctions,
          `bad=0 want=${sh`${cp.serviceRange}`}`,
          'for unit in kube-apiserver kube-controller-manager; do',
          '  r=$(flag $unit --service-cluster-ip-range)',
          `  if [ "$r" = "$want" ]; then echo "$unit: $r"; else echo "$unit: --service-cluster-ip-range is \${r:-missing}, the lab's is $want"; bad=1; fi`,
          'done',
          'exit $bad',
        ].join('\n'),
      },
      why:
        `Service IPs come from this range, and the first one (${cp.firstServiceIps.join(', ')}) is the \`kubernetes\` Service, which the serving ` +
        'certificate names and cluster DNS is placed next to; another range hands out addresses nothing else expects.',
      fix: `set --service-cluster-ip-range=${cp.serviceRange} in both units on ${c.name}: ${rerun}`,
    },
    {
      id: `serving-cert-${c.name}`,
      title: `the certificate served on ${c.name} names ${[...names.ip, ...names.dns].join(', ')}`,
      host: c.name,
      kind: 'command',
      params: {
        run: [
          `crt=$(openssl s_client -connect ${sh`${`${urlHost(c.address)}:${cp.port}`}`} </dev/null 2>/dev/null | openssl x509) || { echo "no certificate served on ${urlHost(c.address)}:${cp.port}"; exit 1; }`,
          ...names.ip.map((ip) => sh`printf '%s\n' "$crt" | openssl x509 -noout -checkip ${ip}`),
          ...names.dns.map((dns) => sh`printf '%s\n' "$crt" | openssl x509 -noout -checkhost ${dns}`),
        ].join('\n'),
        stdoutNot: 'NOT match',
      },
      why:
        'Clients check that the certificate names the address they dialled: ' +
        (cp.lab.networks.api.vip
          ? `the VIP ${cp.lab.networks.api.vip} for every kubeconfig outside the control plane, `
          : `${cp.lab.networks.api.name} for the nodes, `) +
        `${cp.firstServiceIps.join(', ')} for Pods using the \`kubernetes\` Service, the machine's own address for the other controllers.`,
      fix: `run chapter 4 again (it issues kube-api-server.crt for the lab's names), then chapter 8 (it installs it in ${file.apiCert} and restarts the API server)`,
    },
    {
      id: `controller-manager-keys-${c.name}`,
      title: `the controller manager on ${c.name} holds the service account key and the CA key`,
      host: c.name,
      kind: 'command',
      params: {
        run: [
          flagFunctions,
          'bad=0',
          'sa=$(flag kube-controller-manager --service-account-private-key-file); pub=$(flag kube-apiserver --service-account-key-file)',
          'if [ -z "$sa" ]; then echo "kube-controller-manager runs without --service-account-private-key-file"; bad=1',
          'elif [ ! -f "$sa" ]; then echo "--service-account-private-key-file names $sa, which does not exist"; bad=1',
          'elif [ "$(openssl pkey -in "$sa" -pubout 2>/dev/null)" != "$(openssl x509 -in "$pub" -noout -pubkey 2>/dev/null)" ]; then echo "$sa is not the key of the API server\'s $pub"; bad=1',
          'else echo "--service-account-private-key-file=$sa pairs with $pub"; fi',
          'for f in --cluster-signing-cert-file --cluster-signing-key-file --root-ca-file; do v=$(flag kube-controller-manager $f); [ -n "$v" ] && [ -f "$v" ] || { echo "$f is ${v:-missing}"; bad=1; }; done',
          'exit $bad',
        ].join('\n'),
      },
      why:
        'Without the service account key its token controller stays off: it says so once in its log and runs on. Without the CA key no ' +
        'certificate request is ever signed, so kubelets cannot renew their certificates.',
      fix: `put --service-account-private-key-file=${file.saKey} back into kube-controller-manager's unit on ${c.name}: ${rerun}`,
    },
    {
      id: `front-proxy-${c.name}`,
      title: `the front proxy's client certificate on ${c.name} is ${frontProxyClientName}, signed by the front-proxy CA`,
      host: c.name,
      kind: 'x509',
      params: {
        path: file.frontProxyCert,
        cn: frontProxyClientName,
        extKeyUsage: ['clientAuth'],
        isCa: false,
        caPath: file.frontProxyCa,
        keyPath: file.frontProxyKey,
      },
      why: 'Aggregated APIs (metrics-server) trust the forwarded user only from this name, signed by this CA.',
      fix: `run chapter 8 again: it copies the files made in ${workDir} on ${jumpbox} and installs them`,
    },
  ];
}

function clusterChecks(cp: ControlPlane): CheckSpec[] {
  const first = cp.controllers[0]!;
  const hosts = cp.controllers.map((c) => c.name);
  const leases = (['kube-controller-manager', 'kube-scheduler'] as const).map((lease): CheckSpec => ({
    id: `leader-${lease}`,
    title: `one ${lease} holds the leader lease and renews it (${hosts.join(', ')})`,
    host: first.name,
    kind: 'command',
    params: {
      run: [
        `out=$(${kubectlAdmin(sh`-n kube-system get lease ${lease} -o ${'jsonpath={.spec.holderIdentity}|{.spec.renewTime}|{.spec.leaseDurationSeconds}'}`)}) || exit 1`,
        'holder=${out%%|*}; rest=${out#*|}; renew=${rest%%|*}; duration=${rest#*|}; host=${holder%%_*}',
        `[ -n "$holder" ] || { echo "nobody holds the lease: the last ${lease} let it go when it stopped, and no other is running"; exit 1; }`,
        'age=$(( $(date +%s) - $(date -d "$renew" +%s) ))',
        `case ${sh`${` ${hosts.join(' ')} `}`} in *" $host "*) ;; *) echo "held by $holder, which is not one of the lab's controllers"; exit 1 ;; esac`,
        `if [ "$age" -gt "$duration" ]; then echo "held by $host, but not renewed for \${age}s (the lease lasts \${duration}s): the ${lease} there is gone and no other took over"; exit 1; fi`,
        'echo "held by $host, renewed ${age}s ago"',
      ].join('\n'),
    },
    why: `Of the ${lease === 'kube-scheduler' ? 'schedulers' : 'controller managers'} running, only the lease holder works; a lease nobody renews means none is working.`,
    fix: `systemctl status ${lease} on each controller; start the stopped ones, journalctl -u ${lease} says why one cannot reach the API server`,
  }));
  return [
    ...leases,
    {
      id: 'rbac-apiserver-to-kubelet',
      title: `the API server (user ${apiServerKubeletUser}) may call the kubelets`,
      host: first.name,
      kind: 'command',
      params: { run: kubectlAdmin(sh`auth can-i get nodes --subresource=proxy ${`--as=${apiServerKubeletUser}`}`), stdout: '^yes\\n?$' },
      why: 'Without it kubectl logs, exec and port-forward are refused by the kubelets once there are nodes.',
      fix: `run chapter 8 again: it applies the ClusterRole and binding from ${first.name}`,
    },
  ];
}

function versionChecks(cp: ControlPlane): CheckSpec[] {
  const version = cp.lab.versions.kubernetes?.version;
  if (version === undefined) return [];
  return cp.controllers.map((c) => ({
    id: `version-${c.name}`,
    title: `the API server binary on ${c.name} is the lab's ${version}`,
    host: c.name,
    kind: 'command',
    params: { run: '/usr/local/bin/kube-apiserver --version', stdout: `^Kubernetes ${escapeRegex(version)}\\n?$` },
    why: 'The units are written for this release; another may refuse a flag or behave differently.',
    fix: `copy ${version}'s binaries with kthw run chapter-2 --mirror DIR, then run chapter 8 again`,
  }));
}

export function checks(cp: ControlPlane): CheckSpec[] {
  return [...cp.controllers.flatMap((c) => perController(cp, c)), ...clusterChecks(cp), ...versionChecks(cp)];
}
