/** The steps of chapter 08: the front proxy's PKI, binaries and files per controller, the units, RBAC. */
import { chapterFolder, sh, templateFile, type Action, type FileAction, type Step } from '../kit.js';
import { glossaryOf, jumpboxOf, scpGuarded, workDir } from '../common.js';
import {
  apiServerKubeletUser,
  binDir,
  binaries,
  components,
  configDir,
  file,
  flagsOf,
  fromHome,
  unitDir,
  varDir,
  type Component,
  type ControlPlane,
  type Controller,
} from './control-plane.js';
import { apiServerFlagMeanings, controllerManagerFlagMeanings, schedulerFlagMeanings, toolFlagMeanings } from './flag-meanings.js';
import { frontProxyCommands, frontProxyFiles, frontProxyPki } from './front-proxy.js';

export const { slug } = chapterFolder(import.meta.url);
const downloadsDir = `${workDir}/downloads`;
export const rbacFile = '/root/kube-apiserver-to-kubelet.yaml';

/** The binaries this lab copies: kubectl only when chapter 02 downloads it (else the image's stays). */
export function binariesOf(cp: ControlPlane): string[] {
  const downloadsKubectl = Object.values(cp.lab.versions).some((v) => v.source === 'download' && v.urls.some((u) => /\/kubectl$/.test(u)));
  return binaries.filter((b) => b !== 'kubectl' || downloadsKubectl);
}

const unitOf = (component: Component) => `${component}.service`;

/**
 * ` && ` restarts of those units that run (`systemctl try-restart`, but a unit not installed yet is
 * no error: the first run installs files before the units exist).
 */
function restartRunning(restart: Component[]): string {
  if (restart.length === 0) return '';
  return ' && for u in ' + restart.map((c) => sh`${unitOf(c)}`).join(' ') + '; do ! systemctl is-active -q "$u" || systemctl restart "$u" || exit 1; done';
}

/**
 * A file chapters 04–06 or this chapter's first step left in root's home, installed where the
 * component reads it; the components that read it are restarted when it changed (a no-op before
 * they first run).
 */
export function installFromHome(from: string, to: string, mode: string, restart: Component[]): Action {
  return {
    kind: 'command',
    run: sh`install -m ${mode} ${from} ${to}` + restartRunning(restart),
    unless: sh`cmp -s ${from} ${to} && [ "$(stat -c %a ${to})" = ${mode.replace(/^0/, '')} ]`,
  };
}

function frontProxyStep(cp: ControlPlane): Step {
  const jumpbox = jumpboxOf(cp.lab).name;
  return {
    id: 'front-proxy-pki',
    title: 'A CA and a client certificate for the front proxy',
    why:
      "When a request is for an aggregated API (metrics-server's `metrics.k8s.io`), the API server forwards it and names the " +
      'original user in headers. The aggregated API believes those headers only from a client certificate signed by the ' +
      '**front-proxy CA**, a CA of its own: were it the cluster CA, every certificate of chapter 04 could claim to be any user. ' +
      `Made once with openssl in ${workDir} on ${jumpbox}, as chapter 04 could be by hand:\n\n\`\`\`sh\n` +
      [sh`cd ${workDir}`, ...frontProxyCommands()].join('\n') +
      '\n```',
    host: jumpbox,
    actions: [{ kind: 'command', ...frontProxyPki() }],
  };
}

/** From the jumpbox: the binaries and the front proxy's files into root's home on a controller. */
function copyStep(cp: ControlPlane, c: Controller): Step {
  const jumpbox = jumpboxOf(cp.lab).name;
  const bins = binariesOf(cp);
  const copies = bins.map((b): Action => {
    const local = `${downloadsDir}/${b}`;
    return {
      kind: 'command',
      run:
        sh`test -f ${local} || { echo ${`${local} is missing: copy the binaries with kthw run chapter-2 --mirror DIR`} >&2; exit 1; }; ` +
        sh`scp -q -o BatchMode=yes ${local} ${`root@${c.name}:/root/${b}`}`,
      unless: sh`test -f ${local} && sha256sum < ${local} | ` + sshFedCompare(c.name, `/root/${b}`),
    };
  });
  return {
    id: `copy-${c.name}`,
    title: `Binaries and front-proxy files from ${jumpbox} to ${c.name}`,
    why:
      `${bins.join(', ')} from downloads/ (chapter 02) and the front proxy's CA and client certificate, with scp into root's ` +
      `home on ${c.name}, as upstream does. A file whose content already matches is not copied again. A binary missing from ` +
      'downloads/ stops the step: run chapter 02 with `--mirror DIR` first.',
    host: jumpbox,
    actions: [...copies, ...frontProxyFiles.map((f): Action => ({ kind: 'command', ...scpGuarded(`${workDir}/${f}`, c.name, `/root/${f}`) }))],
  };
}

/** `sha256sum < path` on the host equals what was piped into ssh. */
function sshFedCompare(host: string, path: string): string {
  return sh`ssh -o BatchMode=yes ${`root@${host}`} ${sh`[ "$(sha256sum < ${path} 2>/dev/null)" = "$(cat)" ]`}`;
}

function unitFile(cp: ControlPlane, c: Controller, component: Component): FileAction {
  const prefix = { 'kube-apiserver': 'apiserver', 'kube-controller-manager': 'controller_manager', 'kube-scheduler': 'scheduler' }[component];
  return templateFile(
    slug,
    `${component}.service.tmpl`,
    {
      [`${prefix}_host`]: c.name,
      [`${prefix}_binary`]: `${binDir}/${component}`,
      [`${prefix}_flags`]: flagsOf(cp, c, component)
        .map((f) => `  ${f}`)
        .join(' \\\n'),
    },
    { path: `${unitDir}/${component}.service`, mode: '0644', owner: 'root', group: 'root', notify: [unitOf(component)] },
  );
}

function controllerStep(cp: ControlPlane, c: Controller): Step {
  const bins = binariesOf(cp);
  const all: Component[] = [...components];
  const certs: Array<[string, string, string, Component[]]> = [
    ['/root/ca.crt', file.ca, '0644', ['kube-apiserver', 'kube-controller-manager']],
    ['/root/ca.key', file.caKey, '0600', ['kube-controller-manager']],
    ['/root/kube-api-server.crt', file.apiCert, '0644', ['kube-apiserver']],
    ['/root/kube-api-server.key', file.apiKey, '0600', ['kube-apiserver']],
    ['/root/service-accounts.crt', file.saCert, '0644', ['kube-apiserver']],
    ['/root/service-accounts.key', file.saKey, '0600', ['kube-apiserver', 'kube-controller-manager']],
    ...(cp.etcd.tls
      ? ([
          ['/root/kube-api-server-etcd-client.crt', file.etcdClientCert, '0644', ['kube-apiserver']],
          ['/root/kube-api-server-etcd-client.key', file.etcdClientKey, '0600', ['kube-apiserver']],
        ] as Array<[string, string, string, Component[]]>)
      : []),
    [fromHome.encryption, file.encryption, '0600', ['kube-apiserver']],
    ['/root/front-proxy-ca.crt', file.frontProxyCa, '0644', ['kube-apiserver']],
    ['/root/front-proxy-client.crt', file.frontProxyCert, '0644', ['kube-apiserver']],
    ['/root/front-proxy-client.key', file.frontProxyKey, '0600', ['kube-apiserver']],
    [fromHome.kcmKubeconfig, file.kcmKubeconfig, '0600', ['kube-controller-manager']],
    [fromHome.schedulerKubeconfig, file.schedulerKubeconfig, '0600', ['kube-scheduler']],
  ];
  const actions: Action[] = [
    ...bins.map((b): Action => {
      const restart = restartRunning(components.filter((c) => c === b));
      return {
        kind: 'command',
        run: sh`install -m 0755 ${`/root/${b}`} ${`${binDir}/${b}`}` + restart,
        unless: sh`cmp -s ${`/root/${b}`} ${`${binDir}/${b}`}`,
      };
    }),
    { kind: 'directory', path: varDir, mode: '0700', owner: 'root', group: 'root' },
    { kind: 'directory', path: configDir, mode: '0755', owner: 'root', group: 'root' },
    ...certs.map(([from, to, mode, restart]) => installFromHome(from, to, mode, restart)),
    templateFile(
      slug,
      'kube-scheduler.yaml.tmpl',
      { scheduler_kubeconfig: file.schedulerKubeconfig },
      {
        path: file.schedulerConfig,
        mode: '0644',
        owner: 'root',
        group: 'root',
        notify: [unitOf('kube-scheduler')],
      },
    ),
    ...all.map((component) => unitFile(cp, c, component)),
    ...all.map((component): Action => ({ kind: 'unit', unit: unitOf(component), enabled: true, state: 'started' })),
  ];
  const flags = [...new Set(all.flatMap((component) => flagsOf(cp, c, component)))];
  return {
    id: `control-plane-${c.name}`,
    title: `The API server, controller manager and scheduler on ${c.name}`,
    why:
      `The binaries into ${binDir}; the CA, the API server's certificate, the service account key pair` +
      (cp.etcd.tls ? ', its etcd client certificate' : '') +
      `, the encryption configuration, the front proxy's files and two kubeconfigs from root's home into ${varDir} ` +
      '(readable by root only: it holds the CA key). Then the three units, enabled and started. The API server serves on ' +
      `${c.url}, advertises ${c.address}, and stores in etcd at ${cp.etcd.members.map((m) => m.clientUrl).join(', ')}` +
      (cp.etcd.tls ? ' over TLS with its own client certificate' : '') +
      '. A file that changed restarts the components that read it; nothing changes on a second run.',
    host: c.name,
    actions,
    glossary: glossaryOf([...flags, '--now'], { ...toolFlagMeanings, ...schedulerFlagMeanings, ...controllerManagerFlagMeanings, ...apiServerFlagMeanings }),
  };
}

/** Waits up to two minutes for the API server on the machine to answer ready, then prints its checks. */
export function waitForReady(c: Controller): { run: string; unless: string } {
  // `test` first: a guard that starts with curl reads to ansible-lint as a task that should use the uri module.
  const ready = sh`test "$(curl -fsS --max-time 5 --cacert ${file.ca} ${`${c.localUrl}/readyz`} 2>/dev/null)" = ok`;
  return {
    run:
      `i=0; while ! ${ready}; do i=$((i+1)); [ "$i" -lt 120 ] || break; sleep 1; done; ` +
      sh`curl -sS --max-time 5 --cacert ${file.ca} ${`${c.localUrl}/readyz?verbose`}`,
    unless: ready,
  };
}

function waitStep(c: Controller): Step {
  return {
    id: `ready-${c.name}`,
    title: `The API server on ${c.name} answers ready`,
    why:
      'The API server needs a few seconds (more on a busy machine) to reach etcd and install its built-in objects. `/readyz` ' +
      'answers 200 only once every internal check passes; it is asked every second, for up to two minutes, and its verbose ' +
      'answer is shown. Anyone may read it: the built-in role system:public-info-viewer allows it without a certificate.',
    host: c.name,
    actions: [{ kind: 'command', ...waitForReady(c), readOnly: true }],
    glossary: glossaryOf(['--cacert', '--max-time'], toolFlagMeanings),
  };
}

export function kubectlAdmin(args: string): string {
  return sh`kubectl --kubeconfig ${fromHome.admin} ` + args;
}

function rbacStep(cp: ControlPlane): Step {
  const first = cp.controllers[0]!;
  return {
    id: 'rbac-apiserver-to-kubelet',
    title: 'RBAC: the API server may call the kubelets',
    why:
      'Logs, exec, port-forward and metrics go from the API server to the kubelet of the node. Kubelets ask the API server ' +
      `whether a caller may (webhook authorization); the caller is \`${apiServerKubeletUser}\`, the CN of the certificate the ` +
      'API server presents (--kubelet-client-certificate). This ClusterRole and binding say yes. Applied once, from ' +
      `${first.name} with admin's kubeconfig, for the whole cluster; \`kubectl diff\` finds nothing to change on a second run.`,
    host: first.name,
    actions: [
      templateFile(
        slug,
        'kube-apiserver-to-kubelet.yaml.tmpl',
        { apiserver_kubelet_user: apiServerKubeletUser },
        { path: rbacFile, mode: '0644', owner: 'root', group: 'root' },
      ),
      { kind: 'command', run: kubectlAdmin(sh`apply -f ${rbacFile}`), unless: kubectlAdmin(sh`diff -f ${rbacFile}`) + ' >/dev/null' },
    ],
    glossary: glossaryOf(['--kubeconfig'], toolFlagMeanings),
  };
}

/** Waits up to a minute until a controller manager and a scheduler each hold their lease. */
export function waitForLeaders(): { run: string; unless: string } {
  const held = (lease: string) => `[ -n "$(${kubectlAdmin(sh`-n kube-system get lease ${lease} -o ${'jsonpath={.spec.holderIdentity}'}`)} 2>/dev/null)" ]`;
  const both = `${held('kube-controller-manager')} && ${held('kube-scheduler')}`;
  return {
    run:
      `i=0; until ${both}; do i=$((i+1)); [ "$i" -lt 60 ] || break; sleep 1; done; ` +
      kubectlAdmin('-n kube-system get lease kube-controller-manager kube-scheduler'),
    unless: both,
  };
}

function leadersStep(cp: ControlPlane): Step {
  const first = cp.controllers[0]!;
  return {
    id: 'leaders-elected',
    title: 'A controller manager and a scheduler are elected',
    why:
      'Each starts by trying to take its Lease in kube-system; the first to write it leads, the others retry every few ' +
      'seconds. A component started before its API server was ready gets there only after a restart or two. Asked from ' +
      `${first.name} every second, for up to a minute; the leases are shown.`,
    host: first.name,
    actions: [{ kind: 'command', ...waitForLeaders(), readOnly: true }],
    glossary: glossaryOf(['--kubeconfig'], toolFlagMeanings),
  };
}

export function steps(cp: ControlPlane): Step[] {
  return [
    frontProxyStep(cp),
    ...cp.controllers.map((c) => copyStep(cp, c)),
    ...cp.controllers.map((c) => controllerStep(cp, c)),
    ...cp.controllers.map(waitStep),
    rbacStep(cp),
    leadersStep(cp),
  ];
}
