/** The checks of chapter 09: each names what it found, where, why it matters and the fix. */
import { sh, type CheckSpec } from '../kit.js';
import { escapeRegex } from '../common.js';
import { kubectlAdmin } from '../08-bootstrapping-control-plane/steps.js';
import { remoteServer } from '../05-kubeconfigs/kubeconfigs.js';
import { ctr, taintEffect } from './steps.js';
import { binDir, cniConfDir, controlPlaneTaint, criNamespace, file, type VipStandIn, type Worker, type WorkerNodes } from './worker-nodes.js';

const rerun = 'run chapter 9 again';

function unitChecks(w: Worker): CheckSpec[] {
  const why: Record<string, string> = {
    'containerd.service': 'kubelet runs every container through containerd; without it no pod starts and the node turns NotReady.',
    'kubelet.service': 'The kubelet is the node: without it the Node stops reporting, turns NotReady, and its pods are evicted after a while.',
    'kube-proxy.service': 'Without kube-proxy the Service rules on this node go stale: new Services and endpoints are not reachable from here.',
  };
  return Object.entries(why).map(([unit, reason]) => {
    const name = unit.replace(/\.service$/, '');
    return {
      id: `unit-${name}-${w.name}`,
      title: `${name} runs on ${w.name} and starts at boot`,
      host: w.name,
      kind: 'unit',
      params: { unit, enabled: true },
      why: reason,
      fix: `journalctl -u ${name} on ${w.name} says why it stopped; start it, or fix what the journal says and ${rerun}`,
    };
  });
}

function nodeChecks(nodes: WorkerNodes, w: Worker): CheckSpec[] {
  const ready: CheckSpec = {
    id: `node-ready-${w.name}`,
    title: `the Node ${w.name} is registered and Ready (asked on ${nodes.controller}, as admin)`,
    host: nodes.controller,
    kind: 'command',
    params: {
      run: [
        `r='{.status.conditions[?(@.type=="Ready")]'; jp="jsonpath=$r.status}|$r.message}"`,
        `if ! out=$(${kubectlAdmin(sh`get node ${w.name} -o `)}"$jp" 2>&1); then`,
        '  case "$out" in',
        `    *NotFound*) echo ${sh`${`${w.name} is not registered: its kubelet has not reached the API server`}`} ;;`,
        '    *) echo "cannot ask the API server: $out" ;;',
        '  esac',
        '  exit 1',
        'fi',
        'status=${out%%|*}; message=${out#*|}',
        'if [ "$status" = True ]; then echo "Ready: $message"; else echo "Ready is ${status:-not reported}: $message"; exit 1; fi',
      ].join('\n'),
    },
    why: 'Ready means the kubelet reports in, containerd answers and the pod network is configured: only then does the scheduler place pods here.',
    fix: `the message above says what the kubelet sees; "Kubelet stopped posting node status" means the kubelet on ${w.name} is gone (journalctl -u kubelet there); then ${rerun} (it also restarts a kubelet whose Node was deleted)`,
  };
  const want = w.podCidrs.join(' ');
  const podCidr: CheckSpec = {
    id: `pod-cidr-${w.name}`,
    title: `the Node ${w.name}'s pod range is the lab's ${w.podCidrs.join(', ')}`,
    host: nodes.controller,
    kind: 'command',
    params: {
      run: [
        `got=$(${kubectlAdmin(sh`get node ${w.name} -o ${'jsonpath={.spec.podCIDRs[*]}'}`)}) || exit 1`,
        `if [ "$got" = ${sh`${want}`} ]; then echo "spec.podCIDRs: $got"; else echo "spec.podCIDRs is \${got:-empty}, "${sh`${`the lab gives ${w.name} ${want}`}`}; exit 1; fi`,
      ].join('\n'),
    },
    why: "The Node names the range its bridge hands out; routes to the pods and kube-proxy's idea of local traffic read it there.",
    fix: nodes.createNodes
      ? `a Node's range cannot change: delete it (kubectl delete node ${w.name}) and ${rerun}, which creates it with the lab's range; the kubelet takes it over`
      : `${rerun}: it sets an empty range; another range goes only with the Node (kubectl delete node ${w.name}), after which the chapter restarts the kubelet, which registers the Node anew`,
  };
  return [ready, podCidr, ...(w.controlPlane ? [taintCheck(nodes, w)] : [])];
}

function taintCheck(nodes: WorkerNodes, w: Worker): CheckSpec {
  const taint = `${controlPlaneTaint.key}:${controlPlaneTaint.effect}`;
  return {
    id: `taint-${w.name}`,
    title: `the Node ${w.name} is tainted ${taint}`,
    host: nodes.controller,
    kind: 'command',
    params: {
      run: [
        `got=$(${taintEffect(w.name)}) || exit 1`,
        `if [ "$got" = ${controlPlaneTaint.effect} ]; then echo ${sh`${taint}`}; else echo ${sh`${`${w.name} has no ${taint} taint: the scheduler may place any pod on this controller`}`}; exit 1; fi`,
      ].join('\n'),
    },
    why: "A controller's memory and CPU belong to the API server and etcd; only pods that tolerate the taint (its own static pods) may run there.",
    fix: `${rerun}: it taints the Node again`,
  };
}

function vipCheck(nodes: WorkerNodes, vip: VipStandIn, w: Worker): CheckSpec {
  return {
    id: `api-vip-${w.name}`,
    title: `the API server answers on the VIP ${vip.address} from ${w.name}`,
    host: w.name,
    kind: 'command',
    params: {
      run: [
        sh`out=$(curl -sS --max-time 5 --cacert ${file.kubeletCa} --cert ${file.kubeletCert} --key ${file.kubeletKey} ${`${remoteServer(nodes.lab)}/readyz`} 2>&1)`,
        `if [ "$out" = ok ]; then echo "readyz: ok"; else echo "\${out:-no answer}"; exit 1; fi`,
      ].join('\n'),
    },
    why: `The kubelet and kube-proxy of ${w.name} reach the API server only through the VIP.`,
    fix: `ip addr on ${vip.holder.name} must list ${vip.address}; ${rerun}, which puts it there while no kube-vip runs`,
  };
}

function swapCheck(w: Worker): CheckSpec {
  return {
    id: `swap-off-${w.name}`,
    title: `swap is off on ${w.name}`,
    host: w.name,
    kind: 'command',
    params: {
      run: [
        `on=$(awk 'NR > 1 { printf "%s%s", sep, $1; sep = " " }' /proc/swaps)`,
        'if [ -z "$on" ]; then echo "no swap in use"; else echo "swap is on: $on"; exit 1; fi',
      ].join('\n'),
    },
    why: 'The kubelet plans memory as if every byte were RAM and by default refuses to start while swap is on ("running with swap on is not supported").',
    fix: `swapoff -a on ${w.name}, and take the swap line out of /etc/fstab so it stays off after a reboot; the kubelet then starts again by itself (or ${rerun})`,
  };
}

function workerChecks(nodes: WorkerNodes, w: Worker): CheckSpec[] {
  const image = nodes.sandboxImage;
  const digest = nodes.images?.list.find((i) => i.reference === image)?.digest;
  const want = w.podCidrs.join(' ');
  return [
    swapCheck(w),
    {
      id: `pause-image-${w.name}`,
      title: `the sandbox image ${image} is in containerd on ${w.name}`,
      host: w.name,
      kind: 'command',
      params: {
        run: [
          `out=$(${ctr('images ls')} 2>&1) || { echo "containerd does not answer: $out"; exit 1; }`,
          `d=$(printf '%s\\n' "$out" | awk ${sh`-v r=${image}`} '$1 == r { print $3 }')`,
          `[ -n "$d" ] || { echo ${sh`${`${image} is not in containerd's ${criNamespace} namespace`}`}; exit 1; }`,
          ...(digest
            ? [`[ "$d" = ${sh`${digest}`} ] || { echo ${sh`${`${image} is `}`}"$d"${sh`${`, not the image built for the lab (${digest})`}`}; exit 1; }`]
            : []),
          `echo ${sh`${image}`}" $d"`,
        ].join('\n'),
      },
      why: nodes.images
        ? 'Every pod starts with a sandbox from this image; with no registry to pull from, a missing one means no pod ever starts here.'
        : 'Every pod starts with a sandbox from this image; containerd pulls it when missing, which fails while the registry is unreachable.',
      fix: `${rerun}: it ${nodes.images ? 'imports the image again' : 'pulls it'}`,
    },
    {
      id: `cni-config-${w.name}`,
      title: `the pod network on ${w.name} hands out ${w.podCidrs.join(', ')}`,
      host: w.name,
      kind: 'command',
      params: {
        run: [
          sh`f=${file.bridge}; dir=${cniConfDir}`,
          '[ -f "$f" ] || { echo "$f is missing: containerd has no pod network, and kubelet reports the node NotReady"; exit 1; }',
          `got=$(sed -n 's/.*"subnet": *"\\([^"]*\\)".*/\\1/p' "$f" | tr '\\n' ' ' | sed 's/ $//')`,
          `[ "$got" = ${sh`${want}`} ] || { echo "$f gives pods \${got:-no range}, "${sh`${`the lab gives ${w.name} ${want}`}`}; exit 1; }`,
          `first=$(ls "$dir" | grep -E '\\.(conf|conflist|json)$' | head -n 1)`,
          '[ "$first" = 10-bridge.conf ] || { echo "containerd uses $first, the first configuration in $dir, not 10-bridge.conf"; exit 1; }',
          'echo "10-bridge.conf: $got"',
        ].join('\n'),
      },
      why: `Each node hands out addresses from its own range; two nodes with one range give two pods the same address, and routes to ${w.name}'s pods lead elsewhere.`,
      fix: `${rerun}: it writes ${file.bridge} from the lab file`,
    },
  ];
}

function versionChecks(nodes: WorkerNodes): CheckSpec[] {
  const version = nodes.lab.versions.kubernetes?.version;
  if (version === undefined || !nodes.binaries.includes('kubelet')) return [];
  return nodes.workers.map((w) => ({
    id: `version-${w.name}`,
    title: `the kubelet on ${w.name} is the lab's ${version}`,
    host: w.name,
    kind: 'command',
    params: { run: sh`${`${binDir}/kubelet`} --version`, stdout: `^Kubernetes ${escapeRegex(version)}\\n?$` },
    why: 'A kubelet newer than the API server is refused; the configuration is written for this release.',
    fix: `copy ${version}'s binaries with kthw run chapter-2 --mirror DIR, then ${rerun}`,
  }));
}

export function checks(nodes: WorkerNodes): CheckSpec[] {
  const vip = nodes.vip;
  return [
    ...nodes.workers.flatMap((w) => [
      ...unitChecks(w),
      ...nodeChecks(nodes, w),
      ...workerChecks(nodes, w),
      ...(vip && !w.controlPlane ? [vipCheck(nodes, vip, w)] : []),
    ]),
    ...versionChecks(nodes),
  ];
}
