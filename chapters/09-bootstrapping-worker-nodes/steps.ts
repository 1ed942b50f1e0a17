/** The steps of chapter 09: binaries to each worker, its kernel settings, containerd with CNI and the pod images, kubelet and kube-proxy, then the nodes joined. */
import { chapterFolder, primaryAddress, sh, templateFile, type Action, type FileAction, type Step } from '../kit.js';
import { glossaryOf, jumpboxOf, sshFed, workDir } from '../common.js';
import { remoteServer } from '../05-kubeconfigs/kubeconfigs.js';
import { kubectlAdmin } from '../08-bootstrapping-control-plane/steps.js';
import { kubeletFlagMeanings, toolFlagMeanings } from './flag-meanings.js';
import {
  binDir,
  cniConfDir,
  containerdSocket,
  controlPlaneTaint,
  criNamespace,
  file,
  imagesDir,
  kubeProxyDir,
  kubeletDir,
  modules,
  sysctls,
  unitDir,
  type Worker,
  type VipStandIn,
  type WorkerNodes,
} from './worker-nodes.js';

export const { slug } = chapterFolder(import.meta.url);
const downloadsDir = `${workDir}/downloads`;
/** The Debian packages that bring the container runtime when the lab takes it from the machine image. */
export const runtimePackages = ['containerd', 'runc', 'containernetworking-plugins'];
/** How long the nodes step waits for every node to register and be Ready. */
const readySeconds = 120;

export const kubeletFlags = (): string[] => [`--config=${file.kubeletConfig}`, `--kubeconfig=${file.kubeletKubeconfig}`, '--v=2'];
export const kubeProxyFlags = (): string[] => [`--config=${file.kubeProxyConfig}`];

/** `ctr` in the namespace the CRI uses: images imported there are the ones kubelet sees. */
export const ctr = (args: string) => sh`ctr -n ${criNamespace} ` + args;

/** True when containerd lists `reference` with exactly this digest (any digest when none is given). */
export function imagePresent(reference: string, digest?: string): string {
  const listed = `${ctr('images ls')} 2>/dev/null | awk ${sh`-v r=${reference}`} '$1 == r { print $3 }'`;
  return `d=$(${listed}) && ` + (digest === undefined ? '[ -n "$d" ]' : `[ "$d" = ${sh`${digest}`} ]`);
}

/** From the jumpbox: kubelet, kube-proxy and the crictl archive into root's home on a worker. */
function copyStep(nodes: WorkerNodes, w: Worker): Step {
  const jumpbox = jumpboxOf(nodes.lab).name;
  const files = [...nodes.binaries, ...(nodes.crictlArchive ? [nodes.crictlArchive] : [])];
  const copies = files.map((f): Action => {
    const local = `${downloadsDir}/${f}`;
    return {
      kind: 'command',
      run:
        sh`test -f ${local} || { echo ${`${local} is missing: copy the binaries with kthw run chapter-2 --mirror DIR`} >&2; exit 1; }; ` +
        sh`scp -q -o BatchMode=yes ${local} ${`root@${w.name}:/root/${f}`}`,
      unless: sh`test -f ${local} && sha256sum < ${local} | ` + sshFed(w.name, sh`[ "$(sha256sum < ${`/root/${f}`} 2>/dev/null)" = "$(cat)" ]`),
    };
  });
  return {
    id: `copy-${w.name}`,
    title: `Binaries from ${jumpbox} to ${w.name}`,
    why:
      `${files.join(', ')} from downloads/ (chapter 02), with scp into root's home on ${w.name}, as chapter 08 did for the ` +
      'controllers. A file whose content already matches is not copied again; one missing from downloads/ stops the step.',
    host: jumpbox,
    actions: copies,
  };
}

function kernelStep(nodes: WorkerNodes, w: Worker): Step {
  const settings = sysctls(nodes.lab);
  const loaded: Record<(typeof modules)[number], string> = {
    overlay: 'grep -qw overlay /proc/filesystems',
    br_netfilter: 'test -d /proc/sys/net/bridge',
  };
  return {
    id: `kernel-${w.name}`,
    title: `Swap off, kernel modules and forwarding on ${w.name}`,
    why:
      'kubelet budgets memory without swap and refuses to start while swap is on (its default), so swap goes off. containerd ' +
      "keeps images as overlay file systems; the pods' bridge must hand its traffic to iptables (br_netfilter), where kube-proxy " +
      'puts the Service rules; and the node must forward packets between its pods and the network. A module that is already ' +
      'there, built into the kernel or loaded, is not loaded again: a machine of the local lab shares its kernel with this ' +
      'host and may not load modules at all. The sysctl file applies at every boot; its values are set now too.',
    host: w.name,
    actions: [
      { kind: 'command', run: 'swapoff -a', unless: '[ "$(tail -n +2 /proc/swaps | wc -l)" -eq 0 ]' },
      templateFile(
        slug,
        'kubernetes.conf.tmpl',
        { modules_list: modules.join(', '), modules_lines: modules.join('\n') },
        { path: file.modules, mode: '0644', owner: 'root', group: 'root' },
      ),
      { kind: 'command', run: sh`modprobe -a ${[...modules]}`, unless: modules.map((m) => loaded[m]).join(' && ') },
      templateFile(
        slug,
        '99-kubernetes.conf.tmpl',
        { sysctl_lines: settings.map(([k, v]) => `${k} = ${v}`).join('\n') },
        { path: file.sysctl, mode: '0644', owner: 'root', group: 'root' },
      ),
      {
        kind: 'command',
        run: sh`sysctl -p ${file.sysctl}`,
        unless: settings.map(([k, v]) => sh`[ "$(sysctl -n ${k} 2>/dev/null)" = ${v} ]`).join(' && '),
      },
    ],
  };
}

function cniFiles(nodes: WorkerNodes, w: Worker): FileAction[] {
  const ranges = w.podCidrs.map((cidr) => `      [{ "subnet": "${cidr}" }]`).join(',\n');
  const routes = w.podCidrs.map((cidr) => `      { "dst": "${cidr.includes(':') ? '::/0' : '0.0.0.0/0'}" }`).join(',\n');
  return [
    templateFile(slug, '10-bridge.conf.tmpl', { cni_ranges: ranges, cni_routes: routes }, { path: file.bridge, mode: '0644', owner: 'root', group: 'root' }),
    templateFile(slug, '99-loopback.conf.tmpl', {}, { path: file.loopback, mode: '0644', owner: 'root', group: 'root' }),
  ];
}

/** The pod images: copied from this machine and imported (local lab), or the sandbox image pulled from its registry. */
function imageActions(nodes: WorkerNodes): Action[] {
  if (!nodes.images) {
    return [{ kind: 'command', run: ctr(sh`images pull ${nodes.sandboxImage}`), unless: imagePresent(nodes.sandboxImage) }];
  }
  return [
    { kind: 'directory', path: imagesDir, mode: '0755', owner: 'root', group: 'root' },
    ...nodes.images.list.flatMap((image): Action[] => {
      const archive = `${imagesDir}/${image.archive}`;
      return [
        { kind: 'copy', from: `${nodes.images!.dir}/${image.archive}`, path: archive, mode: '0644', owner: 'root', group: 'root' },
        { kind: 'command', run: ctr(sh`images import ${archive}`), unless: imagePresent(image.reference, image.digest) },
      ];
    }),
  ];
}

function containerdStep(nodes: WorkerNodes, w: Worker): Step {
  const runtime: Action = nodes.runtimeFromImage
    ? { kind: 'packages', names: runtimePackages }
    : {
        kind: 'command',
        run:
          'command -v containerd >/dev/null && command -v runc >/dev/null && ' +
          sh`test -x ${`${nodes.cniBinDir}/bridge`}` +
          sh` || { echo ${'this lab downloads containerd, runc or the CNI plugins; kthw installs them only from the machine image so far: install them by hand'} >&2; exit 1; }`,
        readOnly: true,
      };
  const local = nodes.localLab;
  return {
    id: `containerd-${w.name}`,
    title: `containerd with the pod network on ${w.name}`,
    why:
      (nodes.runtimeFromImage
        ? `containerd, runc and the CNI plugins are Debian's packages (${runtimePackages.join(', ')}), installed with apt only when missing; ` +
          `Debian puts the plugins in ${nodes.cniBinDir}, not in upstream's /opt/cni/bin. `
        : `containerd, runc and the CNI plugins must be installed already (plugins in ${nodes.cniBinDir}). `) +
      `The **bridge** plugin puts every pod on the bridge cni0 with an address from ${w.podCidrs.join(', ')}, the range the lab gives ` +
      `${w.name}; the bridge is the pods' gateway and masquerades what they send elsewhere. containerd runs runc with systemd ` +
      `managing the cgroups, and every pod's sandbox from ${nodes.sandboxImage}. ` +
      (local
        ? "Local lab: containerd keeps every container's OOM score at or above its own (`restrict_oom_score_adj`), since this host lets " +
          'no process in a machine lower one. '
        : '') +
      (nodes.images
        ? `No registry is reachable, so the pod images built on your machine (${nodes.images.list.map((i) => i.reference).join(', ')}) are ` +
          `copied to ${imagesDir} and imported into containerd's ${criNamespace} namespace, the one kubelet sees; an image already there ` +
          'with the same digest is not imported again.'
        : `containerd pulls ${nodes.sandboxImage} from its registry, and later the pods' images likewise.`) +
      ' A changed config.toml restarts containerd.',
    host: w.name,
    actions: [
      runtime,
      { kind: 'directory', path: '/etc/containerd', mode: '0755', owner: 'root', group: 'root' },
      { kind: 'directory', path: cniConfDir, mode: '0755', owner: 'root', group: 'root' },
      ...cniFiles(nodes, w),
      templateFile(
        slug,
        'config.toml.tmpl',
        {
          containerd_sandbox_image: nodes.sandboxImage,
          containerd_restrict_oom_score_adj: String(local),
          containerd_oom_reason: local
            ? 'Local lab: the sandbox asks for -998, which this host refuses (no CAP_SYS_RESOURCE in the machines).'
            : "A VM lets containerd lower the sandbox's score, so false, the default.",
          containerd_cni_bin_dir: nodes.cniBinDir,
          containerd_cni_conf_dir: cniConfDir,
        },
        { path: file.containerd, mode: '0644', owner: 'root', group: 'root', notify: ['containerd.service'] },
      ),
      { kind: 'unit', unit: 'containerd.service', enabled: true, state: 'started' },
      ...imageActions(nodes),
    ],
    glossary: glossaryOf(['--now'], toolFlagMeanings),
  };
}

/** How long a kubelet may run without its Node before the chapter restarts it (it registers only when it starts). */
const registerSeconds = 60;

/**
 * A kubelet registers its Node once, when it starts: a Node deleted afterwards (`kubectl delete
 * node`) stays gone. Restarts the kubelet when the API server, asked with the node's own
 * certificate, answers 404 for its Node and the kubelet has registered it since it started (its
 * journal says so) or has run for a minute: not one still registering. An API server that does not
 * answer restarts nothing.
 */
export function reregister(nodes: WorkerNodes, w: Worker): Action {
  const url = `${remoteServer(nodes.lab)}/api/v1/nodes/${w.name}`;
  return {
    kind: 'command',
    run: sh`echo ${`the API server has no Node ${w.name}: restarting the kubelet, which registers it when it starts`} && systemctl restart kubelet.service`,
    unless:
      sh`code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert ${file.kubeletCa} --cert ${file.kubeletCert} --key ${file.kubeletKey} ${url}); ` +
      'up=$(( $(cut -d. -f1 /proc/uptime) - $(systemctl show -p ActiveEnterTimestampMonotonic --value kubelet.service) / 1000000 )); ' +
      'since=$(systemctl show -p ActiveEnterTimestamp --value kubelet.service); ' +
      `[ "$code" != 404 ] || { [ "$up" -lt ${registerSeconds} ] && ! journalctl -q -u kubelet.service --since "$since" | grep -q 'Successfully registered node'; }`,
  };
}

/** ` && ` restarts of the unit when it runs (a unit not installed yet is no error). */
function restartIfRunning(unit: string): string {
  return sh` && { ! systemctl is-active -q ${unit} || systemctl restart ${unit}; }`;
}

function kubeletStep(nodes: WorkerNodes, w: Worker): Step {
  const { lab } = nodes;
  const local = nodes.localLab;
  const installs = nodes.binaries.map((b): Action => ({
    kind: 'command',
    run: sh`install -m 0755 ${`/root/${b}`} ${`${binDir}/${b}`}` + restartIfRunning(`${b}.service`),
    unless: sh`cmp -s ${`/root/${b}`} ${`${binDir}/${b}`}`,
  }));
  const crictl: Action[] = nodes.crictlArchive
    ? [
        { kind: 'unpack', archive: `/root/${nodes.crictlArchive}`, dest: binDir, members: ['crictl'] },
        templateFile(slug, 'crictl.yaml.tmpl', { crictl_socket: containerdSocket }, { path: file.crictl, mode: '0644', owner: 'root', group: 'root' }),
      ]
    : [];
  const ipv6Only = !lab.networks.nodes.ipv4;
  const unit = (component: 'kubelet' | 'kube-proxy', prefix: string, flags: string[]) =>
    templateFile(
      slug,
      `${component}.service.tmpl`,
      { [`${prefix}_host`]: w.name, [`${prefix}_binary`]: `${binDir}/${component}`, [`${prefix}_flags`]: flags.map((f) => `  ${f}`).join(' \\\n') },
      { path: `${unitDir}/${component}.service`, mode: '0644', owner: 'root', group: 'root', notify: [`${component}.service`] },
    );
  return {
    id: `kubelet-${w.name}`,
    title: `kubelet and kube-proxy on ${w.name}`,
    why:
      `The binaries into ${binDir}` +
      (nodes.crictlArchive ? ', crictl out of its archive, pointed at containerd' : '') +
      ". kubelet proves who it is with chapter 04's certificate (system:node:" +
      `${w.name}) through chapter 05's kubeconfig, and serves its own API on port 10250 with the same certificate, letting in ` +
      'only clients the cluster CA signed and asking the API server (webhook) whether each may do what it asks: anonymous ' +
      `requests are refused. It registers the Node ${w.name}, runs its pods through containerd with systemd managing cgroups, ` +
      `and tells them the cluster DNS is ${lab.networks.clusterDns} in ${lab.networks.clusterDomain}. ` +
      'It registers only when it starts: when its Node has been deleted since, it is restarted. ' +
      (local ? 'Local lab: `failCgroupV1: false`, since this host offers cgroup v1 controllers, which kubelet refuses from 1.35 unless told. ' : '') +
      `kube-proxy turns every Service into iptables rules on the node; traffic from outside ${nodes.podRange} to a Service is ` +
      'masqueraded. A changed file restarts the component that reads it; nothing changes on a second run.',
    host: w.name,
    actions: [
      ...installs,
      ...crictl,
      { kind: 'directory', path: kubeletDir, mode: '0700', owner: 'root', group: 'root' },
      { kind: 'directory', path: kubeProxyDir, mode: '0700', owner: 'root', group: 'root' },
      templateFile(
        slug,
        'kubelet-config.yaml.tmpl',
        {
          kubelet_host: w.name,
          kubelet_address: ipv6Only ? '::' : '0.0.0.0',
          kubelet_ca: file.kubeletCa,
          kubelet_cluster_domain: lab.networks.clusterDomain,
          kubelet_cluster_dns: `  - "${lab.networks.clusterDns}"`,
          kubelet_runtime_socket: containerdSocket,
          kubelet_cgroup_v1_reason: local
            ? 'Local lab: this host has cgroup v1 controllers, which kubelet refuses from 1.35 unless told not to.'
            : 'A VM of a current distribution runs cgroup v2; kubelet refuses v1 (the default).',
          kubelet_fail_cgroup_v1: String(!local),
          kubelet_pod_cidr: w.podCidrs.join(','),
          kubelet_tls_cert: file.kubeletCert,
          kubelet_tls_key: file.kubeletKey,
        },
        { path: file.kubeletConfig, mode: '0644', owner: 'root', group: 'root', notify: ['kubelet.service'] },
      ),
      unit('kubelet', 'kubelet', kubeletFlags()),
      templateFile(
        slug,
        'kube-proxy-config.yaml.tmpl',
        { proxy_kubeconfig: file.kubeProxyKubeconfig, proxy_cluster_cidr: nodes.podRange },
        { path: file.kubeProxyConfig, mode: '0644', owner: 'root', group: 'root', notify: ['kube-proxy.service'] },
      ),
      unit('kube-proxy', 'proxy', kubeProxyFlags()),
      { kind: 'unit', unit: 'kubelet.service', enabled: true, state: 'started' },
      { kind: 'unit', unit: 'kube-proxy.service', enabled: true, state: 'started' },
      reregister(nodes, w),
    ],
    glossary: glossaryOf([...kubeletFlags(), ...kubeProxyFlags(), '--now', ...(nodes.crictlArchive ? ['--strip-components'] : [])], {
      ...toolFlagMeanings,
      ...kubeletFlagMeanings,
    }),
  };
}

/** Shell: `$ready` holds the Node's Ready status and `$message` its message; empty when the Node is not registered. */
export function readyCondition(name: string): string {
  const path = 'jsonpath={.status.conditions[?(@.type=="Ready")].status}|{.status.conditions[?(@.type=="Ready")].message}';
  return `out=$(${kubectlAdmin(sh`get node ${name} -o ${path}`)} 2>/dev/null); ready=\${out%%|*}; message=\${out#*|}`;
}

/** Waits until every worker's Node is registered and Ready; after the limit, says which is not and why, and fails. */
export function waitForNodes(nodes: WorkerNodes): { run: string; unless: string } {
  const allReady = nodes.workers.map((w) => `{ ${readyCondition(w.name)}; [ "$ready" = True ]; }`).join(' && ');
  const report = nodes.workers
    .map((w) => `${readyCondition(w.name)}; [ "$ready" = True ] || echo ${sh`${w.name}`}": \${ready:-not registered} \${message}" >&2`)
    .join('; ');
  return {
    run: `i=0; until ${allReady}; do i=$((i+1)); if [ "$i" -ge ${readySeconds} ]; then ${report}; exit 1; fi; sleep 1; done; ${kubectlAdmin('get nodes -o wide')}`,
    unless: allReady,
  };
}

/** Shell: the VIP's address on this machine, as `ip` lists it (empty when it is not there). */
export function vipHeld(vip: VipStandIn): string {
  const flag = vip.address.includes(':') ? '-6' : '-4';
  return `ip -o ${flag} addr show to ` + sh`${`${vip.address}/${flag === '-6' ? 128 : 32}`}`;
}

/**
 * Until a chapter runs kube-vip, the first controller holds the VIP as a second address on the
 * interface of its node address (what kube-vip does in its layer-2 mode, without the failover):
 * on-link, so every machine finds it by neighbour discovery. Deprecated at once (preferred_lft 0),
 * so the controller never picks it as the source of its own connections.
 */
function vipStep(vip: VipStandIn, nodes: WorkerNodes): Step {
  const flag = vip.address.includes(':') ? '-6' : '-4';
  const own = primaryAddress(nodes.lab, vip.holder);
  return {
    id: 'api-vip',
    title: `The API VIP ${vip.address} on ${vip.holder.name}, until kube-vip announces it`,
    why:
      `Every kubelet and kube-proxy reaches the API server through the VIP ${vip.address} (chapter 05's kubeconfigs), which ` +
      'kube-vip announces in the reference build. kube-vip runs as a static pod, so it needs these very kubelets first; until ' +
      `its chapter, ${vip.holder.name} holds the VIP as a second address on the interface of ${own}, as kube-vip's layer-2 ` +
      'mode would, without its failover: if that machine stops, the VIP goes with it. The address is deprecated at once ' +
      "(preferred_lft 0) so the controller's own connections keep their source address, and it does not survive a reboot: " +
      'running the chapter again puts it back.',
    host: vip.holder.name,
    actions: [
      {
        kind: 'command',
        run:
          `dev=$(ip -o ${flag} addr show to ` +
          sh`${own} | awk '{ print $2; exit }'); ` +
          sh`[ -n "$dev" ] || { echo ${`no interface of ${vip.holder.name} holds ${own}`} >&2; exit 1; }; ` +
          `ip ${flag} addr add ` +
          sh`${`${vip.address}/${vip.prefixLength}`} dev "$dev" nodad preferred_lft 0`,
        unless: `held=$(${vipHeld(vip)}) && [ -n "$held" ]`,
      },
    ],
    glossary: glossaryOf(['preferred_lft'], toolFlagMeanings),
  };
}

/** A Node as kthw creates it before its kubelet registers: the lab's pod range, and a controller's taint (JSON on several lines, as one would type it). */
export function nodeManifest(w: Worker): string {
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: w.name, ...(w.controlPlane ? { labels: { [controlPlaneTaint.key]: '' } } : {}) },
      spec: { podCIDR: w.podCidrs[0], podCIDRs: w.podCidrs, ...(w.controlPlane ? { taints: [controlPlaneTaint] } : {}) },
    },
    null,
    2,
  );
}

function createNodesStep(nodes: WorkerNodes): Step {
  return {
    id: 'nodes-created',
    title: `The Nodes ${nodes.workers.map((w) => w.name).join(', ')} created with their pod ranges`,
    why:
      'On this track the controller manager hands out pod ranges (--allocate-node-cidrs), in whatever order the kubelets ' +
      'register, and a Node keeps its range for life. So each Node is created here, before its kubelet starts, with the ' +
      'range the lab gives it (its bridge hands out addresses from it, and the routes lead there); the allocator keeps a range ' +
      'a Node already has. A kubelet that finds its Node already there takes it over. ' +
      (nodes.workers.some((w) => w.controlPlane)
        ? `The controllers' Nodes carry the taint ${controlPlaneTaint.key}:${controlPlaneTaint.effect}, so only pods that tolerate it ` +
          "(the control plane's own static pods) run there. "
        : '') +
      'A Node that exists already is left alone.',
    host: nodes.controller,
    actions: nodes.workers.map((w): Action => ({
      kind: 'command',
      run: sh`printf '%s\n' ${nodeManifest(w)} | ` + kubectlAdmin('create -f -'),
      unless: kubectlAdmin(sh`get node ${w.name}`) + ' >/dev/null 2>&1',
    })),
    glossary: glossaryOf(['--kubeconfig'], toolFlagMeanings),
  };
}

/** Shell: the effect of the control-plane taint on a Node (empty when it has none). */
export function taintEffect(name: string): string {
  return kubectlAdmin(sh`get node ${name} -o ${`jsonpath={.spec.taints[?(@.key=="${controlPlaneTaint.key}")].effect}`}`);
}

function taintAction(w: Worker): Action {
  return {
    kind: 'command',
    run: kubectlAdmin(sh`taint node ${w.name} ${`${controlPlaneTaint.key}:${controlPlaneTaint.effect}`} --overwrite`),
    unless: `effect=$(${taintEffect(w.name)}) && [ "$effect" = ${controlPlaneTaint.effect} ]`,
  };
}

function podCidrPatch(w: Worker): Action {
  const patch = JSON.stringify({ spec: { podCIDR: w.podCidrs[0], podCIDRs: w.podCidrs } });
  return {
    kind: 'command',
    run: kubectlAdmin(sh`patch node ${w.name} --type merge -p ${patch}`),
    unless: `got=$(${kubectlAdmin(sh`get node ${w.name} -o ${'jsonpath={.spec.podCIDRs[*]}'}`)}) && [ "$got" = ${sh`${w.podCidrs.join(' ')}`} ]`,
  };
}

function nodesStep(nodes: WorkerNodes): Step {
  const controlPlane = nodes.workers.filter((w) => w.controlPlane);
  return {
    id: 'nodes-ready',
    title: `The nodes ${nodes.workers.map((w) => w.name).join(', ')} registered and Ready`,
    why:
      'Each kubelet creates its Node object on the API server and reports Ready once containerd answers and the pod network is ' +
      `configured. Asked from ${nodes.controller} with admin's kubeconfig every second, for up to ${readySeconds / 60} minutes; a node ` +
      'still missing or not Ready then fails the step with what its Ready condition says.' +
      (nodes.createNodes
        ? ''
        : " Then each Node's pod range (spec.podCIDR) is set to the one the lab gives the worker, which its bridge already uses: " +
          'on this track no controller hands out ranges, and the Node should tell the truth to whoever reads it (routes, kube-proxy). ' +
          'A Node takes its range once; it cannot be changed afterwards.') +
      (controlPlane.length > 0 ? ` A controller's Node that lost its taint gets it back.` : ''),
    host: nodes.controller,
    actions: [
      { kind: 'command', ...waitForNodes(nodes), readOnly: true },
      ...(nodes.createNodes ? [] : nodes.workers.map(podCidrPatch)),
      ...controlPlane.map(taintAction),
    ],
    glossary: glossaryOf(['--kubeconfig', ...(nodes.createNodes ? [] : ['--type']), ...(controlPlane.length > 0 ? ['--overwrite'] : [])], toolFlagMeanings),
  };
}

export function steps(nodes: WorkerNodes): Step[] {
  return [
    ...nodes.workers.map((w) => copyStep(nodes, w)),
    ...(nodes.vip ? [vipStep(nodes.vip, nodes)] : []),
    ...(nodes.createNodes ? [createNodesStep(nodes)] : []),
    ...nodes.workers.flatMap((w) => [kernelStep(nodes, w), containerdStep(nodes, w), kubeletStep(nodes, w)]),
    nodesStep(nodes),
  ];
}
