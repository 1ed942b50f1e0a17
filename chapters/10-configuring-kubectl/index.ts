/**
 * Chapter 10: kubectl for the administrator, away from the control plane: on the jumpbox (its
 * default kubeconfig, as upstream) and on the learner's own machine (a kubeconfig in the lab
 * directory, so no kubeconfig of theirs is touched).
 */
import { chapterFolder, UsageError, hostsWithRole, sh, shq, urlHost, type ChapterModule, type CheckSpec, type Lab, type Step } from '../kit.js';
import { escapeRegex, jumpboxOf, workDir } from '../common.js';
import { kubectlConfigCommands } from '../05-kubeconfigs/index.js';
import { clusterName, contextName, remoteServer, type Kubeconfig } from '../05-kubeconfigs/kubeconfigs.js';
import { kubectlConfigTerms } from '../05-kubeconfigs/terms.js';

const folder = chapterFolder(import.meta.url);
export const jumpboxKubeconfig = '/root/.kube/config';
/** On this machine, relative to the lab directory (where kthw runs local commands). */
export const localKubeconfig = 'admin.kubeconfig';

/**
 * The API server as the administrator reaches it. With a VIP, the VIP answers only once kube-vip
 * announces it (a later chapter): until then the first controller's own address, which the
 * serving certificate also names.
 */
export function adminServer(lab: Lab): { jumpbox: string; local: string; viaVip: boolean } {
  const first = hostsWithRole(lab, 'controller')[0];
  if (!first)
    throw new UsageError(`lab "${lab.name}" has no host with the controller role`, {
      where: lab.source,
      fix: 'give the control-plane hosts `roles: [controller, etcd]`',
    });
  const { api } = lab.networks;
  const address = lab.track === 'ipv6-ha' && first.addresses.ipv6 ? first.addresses.ipv6 : (first.addresses.ipv4 ?? first.addresses.ipv6!);
  const direct = `https://${urlHost(address)}:${api.port}`;
  return { jumpbox: api.vip ? direct : remoteServer(lab), local: direct, viaVip: api.vip !== undefined };
}

const admin = (server: string): Kubeconfig => ({ name: 'admin', user: 'admin', groups: ['system:masters'], server, local: false, placements: [] });

/** Writes the kubeconfig anew, skipped when the same commands into a scratch file give the same bytes. */
function writeInto(dir: string, server: string, target: string): { run: string; unless: string } {
  const commands = (to: string) => kubectlConfigCommands(admin(server), to);
  return {
    run: [sh`cd ${dir}`, sh`mkdir -p "$(dirname ${target})"`, sh`rm -f ${target}`, ...commands(shq(target)), sh`chmod 0600 ${target}`].join(' && '),
    unless:
      sh`cd ${dir} && t=$(mktemp -u) && { ` +
      commands('"$t"').join(' >/dev/null && ') +
      sh` >/dev/null && cmp -s "$t" ${target}; r=$?; rm -f "$t"; [ "$r" -eq 0 ]; }`,
  };
}

function steps(lab: Lab): Step[] {
  const jumpbox = jumpboxOf(lab).name;
  const server = adminServer(lab);
  const vipNote = server.viaVip
    ? ` The lab's API VIP ${lab.networks.api.vip} is announced by kube-vip, which a later chapter installs; until then kubectl talks to the first controller directly.`
    : '';
  return [
    {
      id: 'jumpbox-kubeconfig',
      title: `kubectl on ${jumpbox} talks to ${server.jumpbox} as admin`,
      why:
        `kubectl reads ${jumpboxKubeconfig} when no --kubeconfig is given, so from here on plain \`kubectl\` on ${jumpbox} manages the ` +
        `cluster. Made from the CA and admin's certificate and key chapter 05 left in ${workDir}, embedded, readable by root only.` +
        vipNote,
      host: jumpbox,
      actions: [{ kind: 'command', ...writeInto(workDir, server.jumpbox, jumpboxKubeconfig) }],
      glossary: kubectlConfigTerms,
    },
    {
      id: 'local-kubeconfig',
      title: `kubectl on this machine talks to ${server.local} as admin`,
      why:
        `The same kubeconfig for your own machine, written into the lab directory as ${localKubeconfig} from pki/ (where kthw keeps ` +
        'the certificates), so no kubeconfig of yours is touched. Use it with `kubectl --kubeconfig <lab directory>/admin.kubeconfig` ' +
        'or `export KUBECONFIG=…`. Your machine has no entry for the API name, so it names the server by address.' +
        vipNote,
      host: 'local',
      actions: [{ kind: 'command', ...localCommands(server.local) }],
      glossary: kubectlConfigTerms,
    },
  ];
}

/** In the lab directory: the files live in pki/ there, not in the working directory of the jumpbox. */
function localCommands(server: string): { run: string; unless: string } {
  const commands = (to: string) => [
    sh`kubectl config set-cluster ${clusterName} --certificate-authority=pki/ca.crt --embed-certs=true ${`--server=${server}`} --kubeconfig=` + to,
    sh`kubectl config set-credentials admin --client-certificate=pki/admin.crt --client-key=pki/admin.key --embed-certs=true --kubeconfig=` + to,
    sh`kubectl config set-context ${contextName} ${`--cluster=${clusterName}`} --user=admin --kubeconfig=` + to,
    sh`kubectl config use-context ${contextName} --kubeconfig=` + to,
  ];
  const target = localKubeconfig;
  return {
    run: [sh`rm -f ${target}`, ...commands(shq(target)), sh`chmod 0600 ${target}`].join(' && '),
    unless: 't=$(mktemp -u) && { ' + commands('"$t"').join(' >/dev/null && ') + sh` >/dev/null && cmp -s "$t" ${target}; r=$?; rm -f "$t"; [ "$r" -eq 0 ]; }`,
  };
}

function checks(lab: Lab): CheckSpec[] {
  const jumpbox = jumpboxOf(lab).name;
  const server = adminServer(lab);
  const version = lab.versions.kubernetes?.version;
  const serverVersion = version ? `Server Version: ${escapeRegex(version)}` : 'Server Version: v\\S+';
  return [
    {
      id: 'kubeconfig-jumpbox',
      title: `${jumpboxKubeconfig} on ${jumpbox} is admin's, for ${server.jumpbox}`,
      host: jumpbox,
      kind: 'kubeconfig',
      params: {
        path: jumpboxKubeconfig,
        server: server.jumpbox,
        caPath: `${workDir}/ca.crt`,
        context: contextName,
        user: 'admin',
        userCn: 'admin',
        userO: ['system:masters'],
      },
      why: 'kubectl on the jumpbox finds the API server, trusts it through the embedded CA and is admin by its certificate.',
      fix: 'run chapter 10 again: it writes the kubeconfig anew',
    },
    {
      id: 'kubectl-version-jumpbox',
      title: `kubectl on ${jumpbox} reaches the API server and reads its version (${version ?? 'any'})`,
      host: jumpbox,
      kind: 'command',
      params: { run: 'kubectl version', stdout: `${serverVersion}\\n?` },
      why: '`kubectl version` asks the server too: its Server Version line proves the address, the CA and the credentials all work.',
      fix: `kubectl version on ${jumpbox} says what fails: a wrong server, a CA that does not match, or an API server that is down (chapter 8)`,
    },
    {
      id: 'kubectl-version-local',
      title: `kubectl on this machine reaches the API server with ${localKubeconfig} (${version ?? 'any'})`,
      host: 'local',
      kind: 'command',
      params: { run: sh`kubectl --kubeconfig "$KTHW_LAB_DIR"/${localKubeconfig} version`, stdout: `${serverVersion}\\n?` },
      why: 'The cluster is managed from your own machine as well: the same credentials, over the lab network.',
      fix: `install kubectl on this machine if it is missing, then run chapter 10 again (the kubeconfig is ${localKubeconfig} in the lab directory)`,
    },
  ];
}

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Configuring kubectl for remote access',
    summary: "Admin's kubeconfig on the jumpbox and on your own machine; kubectl version shows the server's.",
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab) {
    return { chapter: folder.id, steps: steps(lab), checks: checks(lab) };
  },
};
