/** The checks of chapter 12: upstream's smoke test, one check per thing it shows, each saying what broke. */
import { sh, urlHost, type CheckSpec } from '../kit.js';
import { file } from '../09-bootstrapping-worker-nodes/worker-nodes.js';
import { deploymentName, forwardPort, secretName, type SmokeTest } from './smoke.js';

const rerun = 'run chapter 12 again';
/** The CA a kubelet trusts for its clients, the API server among them. */
const kubeletClientCa = file.kubeletCa;
const deployment = `deployment/${deploymentName}`;

export function checks(smoke: SmokeTest): CheckSpec[] {
  const host = smoke.jumpbox;
  return [
    {
      id: 'secret-encrypted',
      title: `the Secret ${secretName} is aescbc ciphertext in etcd (read on ${smoke.controller})`,
      host: smoke.controller,
      kind: 'command',
      params: {
        run: [
          `v=$(${smoke.etcdGet} get ${sh`${`/registry/secrets/default/${secretName}`}`} --print-value-only | head -c 40 | tr -c '[:print:]' '.')`,
          'case "$v" in',
          '  k8s:enc:aescbc:v1:key1:*) echo "$v" ;;',
          '  "") echo "the Secret is not in etcd"; exit 1 ;;',
          '  *) echo "stored without aescbc: the value in etcd begins $v"; exit 1 ;;',
          'esac',
        ].join('\n'),
      },
      why: 'What encryption at rest promises: etcd, and every backup of it, holds the Secret only as ciphertext under key1.',
      fix: `chapter 8's encryption checks say which API server writes in clear; ${rerun} to create the Secret if it is missing`,
    },
    {
      id: 'deployment-available',
      title: `the ${deploymentName} deployment is rolled out and available`,
      host,
      kind: 'command',
      params: {
        run: [
          sh`if out=$(kubectl rollout status ${deployment} --timeout=10s 2>&1); then echo "$out"; exit 0; fi`,
          'echo "$out"',
          sh`kubectl get pods -l app=${deploymentName} -o wide --no-headers 2>&1 | head -5`,
          sh`kubectl get events --field-selector type=Warning --sort-by=.lastTimestamp 2>&1 | tail -3`,
          'exit 1',
        ].join('\n'),
      },
      why: 'A deployment that does not roll out means a pod that cannot be scheduled, an image that cannot be found, or a node that does not run it.',
      fix: `the pod's events (kubectl describe pod -l app=${deploymentName}) name the reason; ${rerun} to set the image back`,
    },
    {
      id: 'port-forward',
      title: `kubectl port-forward reaches nginx from ${host} (127.0.0.1:${forwardPort})`,
      host,
      kind: 'command',
      params: {
        run: [
          `log=$(mktemp); kubectl port-forward ${deployment} ${forwardPort}:80 >"$log" 2>&1 & pid=$!`,
          'code=000; i=0',
          'while [ "$i" -lt 50 ] && kill -0 "$pid" 2>/dev/null; do',
          `  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:${forwardPort}/)`,
          '  [ "$code" = 200 ] && break; i=$((i+1)); sleep 0.2',
          'done',
          'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null',
          'if [ "$code" = 200 ]; then echo "HTTP 200 through the API server and the kubelet"; rm -f "$log"; exit 0; fi',
          'echo "no answer (HTTP $code)"; tail -3 "$log"; rm -f "$log"; exit 1',
        ].join('\n'),
      },
      why: "port-forward travels kubectl → API server → the pod's kubelet → containerd → the pod: it proves the API server can reach and is trusted by the kubelet.",
      fix: "the error above names the broken hop: the kubelet's serving certificate, its authorization of the API server (chapter 8's RBAC), or a kubelet that is down",
    },
    {
      id: 'logs',
      title: `kubectl logs reads nginx's log`,
      host,
      kind: 'command',
      params: { run: sh`kubectl logs ${deployment} --tail=3 2>&1` },
      why: 'Logs come from the kubelet of the node the pod runs on, fetched by the API server: the same path as exec, read-only.',
      fix: `the error names the hop: a kubelet that does not answer on 10250; "Unauthorized", a kubelet that does not trust the API server's client certificate (its ${kubeletClientCa} is not the lab's CA: run chapter 4 again); "Forbidden", chapter 8's RBAC for the API server`,
    },
    {
      id: 'exec',
      title: 'kubectl exec runs nginx -v inside the pod',
      host,
      kind: 'command',
      params: { run: sh`kubectl exec ${deployment} -- nginx -v 2>&1`, stdout: 'nginx version: nginx/' },
      why: 'exec streams a process started by containerd in the pod back through the kubelet and the API server.',
      fix: `the error names the hop: a kubelet that does not answer, "Unauthorized" a kubelet whose ${kubeletClientCa} is not the lab's CA (run chapter 4 again), or containerd on the pod's node`,
    },
    ...smoke.nodes.map((node): CheckSpec => ({
      id: `nodeport-${node.name}`,
      title: `${node.name} answers on the Service's node port and forwards to nginx`,
      host,
      kind: 'command',
      params: {
        run: [
          sh`port=$(kubectl get service ${deploymentName} -o 'jsonpath={.spec.ports[0].nodePort}' 2>&1) || { echo "no Service: $port"; exit 1; }`,
          `code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 ${sh`${`http://${urlHost(node.address)}`}`}:"$port"/)`,
          `if [ "$code" = 200 ]; then echo "HTTP 200 on ${node.address}:$port"; else echo "no answer on ${node.address}:$port (HTTP $code)"; exit 1; fi`,
        ].join('\n'),
      },
      why: `A NodePort works on every node, whichever runs the pod: kube-proxy on ${node.name} must have written the Service's rules.`,
      fix: `check kube-proxy on ${node.name} (journalctl -u kube-proxy) and the pod routes of chapter 11 when the pod runs on another node`,
    })),
  ];
}
