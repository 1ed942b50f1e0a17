/** The steps of chapter 12: what upstream's smoke test creates, made idempotent (apply, not create). */
import { sh, urlHost, type Step } from '../kit.js';
import { deploymentName, secretName, type SmokeTest } from './smoke.js';

const imageOf = `kubectl get deployment ${deploymentName} -o 'jsonpath={.spec.template.spec.containers[0].image}' 2>/dev/null`;

export const smokeTerms: Record<string, string> = {
  '--from-literal': "A key and its value given on the command line become the Secret's data.",
  '--image': "The container image the deployment's pods run.",
  '--dry-run': 'With client, kubectl builds the object without sending it; piped into `kubectl apply`, creating twice is harmless.',
  '--port': 'The port the Service listens on and forwards to on each pod.',
  '--type': "NodePort: every node listens on one port of 30000-32767 and forwards to the pods, through kube-proxy's rules.",
  '--timeout': 'How long kubectl waits before it gives up and says what is still pending.',
  '--max-time': 'How long curl waits for a whole answer before it gives up.',
};

/** How long the Service step waits for every node to answer on the node port. */
const nodePortSeconds = 60;

/** Waits until every node answers HTTP 200 on the Service's node port; after the limit, names the nodes that do not. */
function waitForNodePorts(smoke: SmokeTest): { run: string; unless: string } {
  const port = sh`port=$(kubectl get service ${deploymentName} -o 'jsonpath={.spec.ports[0].nodePort}')`;
  const answers = (address: string) => `[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 ${sh`${`http://${urlHost(address)}`}`}:"$port"/)" = 200 ]`;
  const all = smoke.nodes.map((n) => answers(n.address)).join(' && ');
  const report = smoke.nodes.map((n) => `${answers(n.address)} || echo ${sh`${`${n.name} (${n.address})`}`}" does not answer on port $port" >&2`).join('; ');
  return {
    run: `${port} || exit 1; i=0; until ${all}; do i=$((i+1)); if [ "$i" -ge ${nodePortSeconds} ]; then ${report}; exit 1; fi; sleep 1; done; echo "every node answers on port $port"`,
    unless: `${port} && ${all}`,
  };
}

export function steps(smoke: SmokeTest): Step[] {
  const host = smoke.jumpbox;
  return [
    {
      id: 'secret',
      title: `a Secret named ${secretName}`,
      why: 'Encryption at rest, seen from the outside: the next check reads this Secret straight from etcd and finds ciphertext.',
      host,
      actions: [
        {
          kind: 'command',
          run: sh`kubectl create secret generic ${secretName} --from-literal=mykey=mydata`,
          unless: sh`kubectl get secret ${secretName}`,
        },
      ],
      glossary: { '--from-literal': smokeTerms['--from-literal']! },
    },
    {
      id: 'deployment',
      title: `a deployment of nginx (${smoke.image}), rolled out`,
      why:
        'The first workload: the scheduler places the pod, a kubelet asks containerd to run it, the bridge gives it an address. ' +
        (smoke.localImage
          ? 'The local lab reaches no registry, so the image is the one chapter 09 imported, named by its digest; upstream pulls nginx:latest.'
          : 'containerd pulls the image from its registry.'),
      host,
      actions: [
        {
          kind: 'command',
          run:
            sh`kubectl create deployment ${deploymentName} ${`--image=${smoke.image}`} --dry-run=client -o yaml | kubectl apply -f - && ` +
            sh`kubectl rollout status ${`deployment/${deploymentName}`} --timeout=180s`,
          unless: `[ "$(${imageOf})" = ${sh`${smoke.image}`} ] && ` + sh`kubectl rollout status ${`deployment/${deploymentName}`} --timeout=5s`,
        },
      ],
      glossary: { '--image': smokeTerms['--image']!, '--dry-run': smokeTerms['--dry-run']!, '--timeout': smokeTerms['--timeout']! },
    },
    {
      id: 'service',
      title: `the deployment exposed as a NodePort Service on port 80`,
      why:
        'kube-proxy on every node turns the Service into packet rules: any node answers on the node port and forwards to a pod, wherever it runs. ' +
        `Each kube-proxy writes the rules a moment after the Service appears, so the step waits up to ${nodePortSeconds} s until every node answers.`,
      host,
      actions: [
        {
          kind: 'command',
          run: sh`kubectl expose deployment ${deploymentName} --port=80 --type=NodePort`,
          unless: sh`kubectl get service ${deploymentName}`,
        },
        { kind: 'command', ...waitForNodePorts(smoke), readOnly: true },
      ],
      glossary: { '--port': smokeTerms['--port']!, '--type': smokeTerms['--type']!, '--max-time': smokeTerms['--max-time']! },
    },
  ];
}
