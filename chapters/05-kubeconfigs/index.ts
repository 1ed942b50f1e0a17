import {
  chapterFolder,
  type Action,
  type ChapterModule,
  type CheckSpec,
  escapeRegex,
  jumpboxOf,
  type Lab,
  scpGuarded,
  sh,
  shq,
  sshRoot,
  type Step,
  workDir,
} from '../kit.js';
import { clusterName, contextName, kubeconfigsOf, type Kubeconfig } from './kubeconfigs.js';
import { kubectlConfigTerms } from './terms.js';

const folder = chapterFolder(import.meta.url);

const fileOf = (kc: Kubeconfig) => `${kc.name}.kubeconfig`;

/**
 * The four `kubectl config` commands that write one kubeconfig, as upstream's learner types them in
 * the working directory. `target` is shell-ready (quoted path or `"$t"`).
 */
export function kubectlConfigCommands(kc: Kubeconfig, target: string): string[] {
  return [
    sh`kubectl config set-cluster ${clusterName} --certificate-authority=ca.crt --embed-certs=true ${`--server=${kc.server}`} --kubeconfig=` + target,
    sh`kubectl config set-credentials ${kc.user} ${`--client-certificate=${kc.name}.crt`} ${`--client-key=${kc.name}.key`} --embed-certs=true --kubeconfig=` +
      target,
    sh`kubectl config set-context ${contextName} ${`--cluster=${clusterName}`} ${`--user=${kc.user}`} --kubeconfig=` + target,
    sh`kubectl config use-context ${contextName} --kubeconfig=` + target,
  ];
}

/**
 * Writes the kubeconfig afresh (kubectl merges into an existing file, so a stale entry would
 * survive); skipped when the same commands, run into a scratch file, give the same bytes.
 */
export function writeKubeconfig(kc: Kubeconfig): { run: string; unless: string } {
  const file = fileOf(kc);
  return {
    run: [sh`cd ${workDir} && rm -f ${file}`, ...kubectlConfigCommands(kc, shq(file))].join(' && '),
    unless:
      sh`cd ${workDir} && t=$(mktemp -u) && { ` +
      kubectlConfigCommands(kc, '"$t"').join(' >/dev/null && ') +
      sh` >/dev/null && cmp -s "$t" ${file}; r=$?; rm -f "$t"; [ "$r" -eq 0 ]; }`,
  };
}

function credentialsStep(lab: Lab, kubeconfigs: Kubeconfig[]): Step {
  const actions: Action[] = [
    { kind: 'directory', path: workDir, mode: '0755' },
    { kind: 'secret-file', path: `${workDir}/ca.crt`, mode: '0644', owner: 'root', group: 'root', secret: 'pki/ca.crt' },
    ...kubeconfigs.flatMap((kc): Action[] => [
      { kind: 'secret-file', path: `${workDir}/${kc.name}.crt`, mode: '0644', owner: 'root', group: 'root', secret: `pki/${kc.name}.crt` },
      { kind: 'secret-file', path: `${workDir}/${kc.name}.key`, mode: '0600', owner: 'root', group: 'root', secret: `pki/${kc.name}.key` },
    ]),
  ];
  return {
    id: 'client-certificates',
    title: `Client certificates in ${workDir} on ${jumpboxOf(lab).name}`,
    why:
      "Upstream makes the kubeconfigs in the directory where chapter 04's openssl commands left the certificates. kthw " +
      'generated them on your machine, so the CA certificate and the certificate and key of every client ' +
      `(${kubeconfigs.map((k) => k.name).join(', ')}) are placed there first; the keys readable by root only.`,
    host: jumpboxOf(lab).name,
    actions,
  };
}

function kubeconfigStep(lab: Lab, kc: Kubeconfig): Step {
  return {
    id: `kubeconfig-${kc.name}`,
    title: `${fileOf(kc)}: ${kc.user} → ${kc.server}`,
    why:
      `Cluster \`${clusterName}\` (the server ${kc.server} and the CA that signed its certificate), user \`${kc.user}\` ` +
      `(certificate and key, embedded), and the context \`${contextName}\` joining the two, selected. ` +
      (kc.local ? 'This component runs on a control-plane machine and talks to the API server on that machine. ' : '') +
      'The file is written anew each time, because `kubectl config set-*` merges into an existing file; when the same ' +
      'commands give the same bytes, nothing is rewritten:\n\n```sh\n' +
      sh`cd ${workDir}` +
      '\n' +
      kubectlConfigCommands(kc, shq(fileOf(kc))).join('\n') +
      '\n```',
    host: jumpboxOf(lab).name,
    actions: [{ kind: 'command', ...writeKubeconfig(kc) }],
    glossary: kubectlConfigTerms,
  };
}

function distributeSteps(lab: Lab, kubeconfigs: Kubeconfig[]): Step[] {
  const jumpbox = jumpboxOf(lab).name;
  return lab.hosts.flatMap((host): Step[] => {
    const files = kubeconfigs.flatMap((kc) => kc.placements.filter((p) => p.host === host.name).map((p) => ({ kc, ...p })));
    if (files.length === 0) return [];
    const dirs = [...new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf('/'))))];
    return [
      {
        id: `distribute-${host.name}`,
        title: `Kubeconfigs for ${host.name}`,
        why:
          `From ${jumpbox}, with scp as upstream does: ${files.map((f) => `${fileOf(f.kc)} → ${f.path}`).join(', ')}. ` +
          'Each holds a private key, so each is made readable by root only. A file whose content and mode already match is not copied again.',
        host: jumpbox,
        actions: [
          { kind: 'command', run: sshRoot(host.name, sh`mkdir -p ${dirs}`), unless: sshRoot(host.name, dirs.map((d) => sh`test -d ${d}`).join(' && ')) },
          ...files.map((f): Action => ({ kind: 'command', ...scpGuarded(`${workDir}/${fileOf(f.kc)}`, host.name, f.path) })),
        ],
      },
    ];
  });
}

function checks(lab: Lab, kubeconfigs: Kubeconfig[]): CheckSpec[] {
  const jumpbox = jumpboxOf(lab).name;
  const parsedByKubectl = kubeconfigs.map((kc): CheckSpec => {
    const file = `${workDir}/${fileOf(kc)}`;
    return {
      id: `kubectl-reads-${kc.name}`,
      title: `kubectl reads ${fileOf(kc)}: context ${contextName}, ${kc.server}, user ${kc.user}`,
      host: jumpbox,
      kind: 'command',
      params: {
        run: sh`kubectl config view --minify --kubeconfig ${file} -o ${'jsonpath={.current-context} {.clusters[0].cluster.server} {.contexts[0].context.user}'}`,
        stdout: `^${escapeRegex(`${contextName} ${kc.server} ${kc.user}`)}$`,
      },
      why: 'What kubectl itself makes of the file is what every component will make of it.',
      fix: 'run chapter 5 again: the kubeconfig is written anew from the commands shown in its step',
    };
  });
  const keyModes = kubeconfigs.map((kc): CheckSpec => ({
    id: `key-mode-${kc.name}`,
    title: `${workDir}/${kc.name}.key on ${jumpbox} is readable by root only`,
    host: jumpbox,
    kind: 'file',
    params: { path: `${workDir}/${kc.name}.key`, mode: '0600', owner: 'root' },
    why: `Whoever reads this key can act as ${kc.user}.`,
    fix: sh`chmod 0600 ${`${workDir}/${kc.name}.key`}` + ` on ${jumpbox}`,
  }));
  const placed = kubeconfigs.flatMap((kc) =>
    kc.placements.flatMap((p): CheckSpec[] => [
      {
        id: `kubeconfig-${kc.name}-${p.host}`,
        title: `${p.path} on ${p.host} is ${kc.user}'s kubeconfig for ${kc.server}`,
        host: p.host,
        kind: 'kubeconfig',
        params: { path: p.path, server: kc.server, caPath: p.caPath, context: contextName, user: kc.user, userCn: kc.user, userO: kc.groups },
        why:
          `The component finds the API server at the server URL, trusts it through the embedded CA, and is known as ${kc.user}` +
          (kc.groups.length ? ` in ${kc.groups.join(', ')}` : '') +
          ' by its certificate; any of these wrong and it cannot connect or is refused.',
        fix: `run chapter 5 again: it rewrites ${fileOf(kc)} on ${jumpbox} and copies it to ${p.host}`,
      },
      {
        id: `kubeconfig-mode-${kc.name}-${p.host}`,
        title: `${p.path} on ${p.host} is readable by root only`,
        host: p.host,
        kind: 'file',
        params: { path: p.path, mode: '0600', owner: 'root' },
        why: 'A kubeconfig embeds a private key: reading it is as good as holding the identity.',
        fix: sh`chmod 0600 ${p.path}` + ` on ${p.host}`,
      },
    ]),
  );
  return [...parsedByKubectl, ...keyModes, ...placed];
}

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Kubeconfigs',
    summary: 'A kubeconfig for every kubelet, kube-proxy, the scheduler, the controller manager and admin, made with kubectl and copied where each runs.',
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab) {
    const kubeconfigs = kubeconfigsOf(lab);
    return {
      chapter: folder.id,
      steps: [credentialsStep(lab, kubeconfigs), ...kubeconfigs.map((kc) => kubeconfigStep(lab, kc)), ...distributeSteps(lab, kubeconfigs)],
      checks: checks(lab, kubeconfigs),
    };
  },
};
