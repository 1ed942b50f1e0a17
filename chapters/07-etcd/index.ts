import {
  chapterFolder,
  type Action,
  type ChapterModule,
  type CheckSpec,
  escapeRegex,
  type FileAction,
  glossaryOf,
  jumpboxOf,
  type Lab,
  sh,
  sshFed,
  type Step,
  templateFile,
  workDir,
} from '../kit.js';
import { etcdctlFlags, etcdFlagMeanings, toolFlagMeanings } from './flag-meanings.js';
import {
  apiServerClientTls,
  clientTlsArgs,
  dataDir,
  etcdCluster,
  etcdDir,
  etcdFlags,
  memberClientTls,
  metricsPort,
  unitPath,
  type EtcdCluster,
  type EtcdMember,
} from './cluster.js';

const folder = chapterFolder(import.meta.url);
const { slug } = folder;
const defragService = '/etc/systemd/system/etcd-defrag.service';
const defragTimer = '/etc/systemd/system/etcd-defrag.timer';
const etcdctlOf = (cluster: EtcdCluster) => cluster.binary.replace(/etcd$/, 'etcdctl');

/** `etcdctl` with the member's client credentials against the given endpoints, shell-quoted. */
export function etcdctl(cluster: EtcdCluster, endpoints: string[], tls = memberClientTls): string {
  return sh`${etcdctlOf(cluster)} ${`--endpoints=${endpoints.join(',')}`} ${clientTlsArgs(cluster, tls)}`;
}

/** Sunday 03:00, then ten minutes later for each further member: one member defragments at a time. */
export function defragCalendar(index: number): string {
  const minutes = index * 10;
  return `Sun *-*-* ${String(3 + Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
}

function unitFile(cluster: EtcdCluster, member: EtcdMember): FileAction {
  const size = cluster.members.length;
  return templateFile(
    slug,
    'etcd.service.tmpl',
    {
      etcd_member_name: member.name,
      etcd_cluster_summary: `${size === 1 ? 'single member' : `${size} members`}, ${cluster.tls ? 'TLS' : 'plain HTTP'}`,
      etcd_binary: cluster.binary,
      etcd_flags: etcdFlags(cluster, member)
        .map((f) => `  ${f}`)
        .join(' \\\n'),
      etcd_service_tuning: cluster.care
        ? '# Disk latency is what makes etcd miss heartbeats: its I/O goes first.\nIOSchedulingClass=realtime\nIOSchedulingPriority=0'
        : '# No I/O priority here, as upstream; the IPv6 HA track gives etcd the realtime class.',
    },
    { path: unitPath, mode: '0644', owner: 'root', group: 'root', notify: ['etcd.service'] },
  );
}

function defragFiles(cluster: EtcdCluster, member: EtcdMember, index: number): FileAction[] {
  const local = member.listenClientUrls[member.listenClientUrls.length - 1]!;
  const common = { mode: '0644', owner: 'root', group: 'root' } as const;
  return [
    templateFile(
      slug,
      'etcd-defrag.service.tmpl',
      {
        etcd_member_name: member.name,
        etcd_etcdctl: etcdctlOf(cluster),
        etcd_local_client_url: local,
        etcd_client_tls: clientTlsArgs(cluster).join(' '),
      },
      { ...common, path: defragService },
    ),
    templateFile(
      slug,
      'etcd-defrag.timer.tmpl',
      { etcd_member_name: member.name, etcd_defrag_calendar: defragCalendar(index) },
      { ...common, path: defragTimer, notify: ['etcd-defrag.timer'] },
    ),
  ];
}

/** Upstream's etcd tarball, when the lab downloads etcd and it is in downloads/: unpacked and copied to each member. */
function binariesFromDownloads(lab: Lab, cluster: EtcdCluster): Step[] {
  if (!cluster.tarball) return [];
  const { file, dir } = cluster.tarball;
  const tarball = `${workDir}/downloads/${file}`;
  const controllerDir = `${workDir}/downloads/controller`;
  const clientDir = `${workDir}/downloads/client`;
  const copies = cluster.members.map((m): Action => ({
    kind: 'command',
    run: sh`scp -q -o BatchMode=yes ${`${controllerDir}/etcd`} ${`${clientDir}/etcdctl`} ${`root@${m.name}:/root/`}`,
    unless: sh`test ! -f ${tarball} || sha256sum < ${`${controllerDir}/etcd`} | ` + sshFed(m.name, '[ "$(sha256sum < /root/etcd)" = "$(cat)" ]'),
  }));
  return [
    {
      id: 'etcd-binaries',
      title: `etcd ${cluster.version.text} from downloads/ to the etcd machines`,
      why:
        `When ${file} is in downloads/ (chapter 02), etcd and etcdctl are unpacked from it and copied to root's home on ` +
        `${cluster.members.map((m) => m.name).join(', ')}. When it is not (the local lab has no internet), nothing is copied and ` +
        "the next step falls back to the etcd of the machine image (Debian's package); `verify` then warns which version runs.",
      host: jumpboxOf(lab).name,
      actions: [
        // Unpacked only when the tarball is there; compared with its content, so a newer tarball replaces older binaries.
        { kind: 'unpack', archive: tarball, dest: controllerDir, members: [`${dir}/etcd`], optional: true },
        { kind: 'unpack', archive: tarball, dest: clientDir, members: [`${dir}/etcdctl`], optional: true },
        ...copies,
      ],
    },
  ];
}

function installStep(cluster: EtcdCluster): Action[] {
  if (cluster.source !== 'download') return [];
  // The image's etcd stands in when upstream's binaries never arrived; a later copy replaces the link.
  return [
    {
      kind: 'command',
      // A running etcd keeps the old binary until restarted; try-restart leaves a stopped one alone.
      run: 'if [ -f /root/etcd ]; then install -m 0755 /root/etcd /root/etcdctl /usr/local/bin/ && systemctl try-restart etcd; else ln -sfn /usr/bin/etcd /usr/local/bin/etcd && ln -sfn /usr/bin/etcdctl /usr/local/bin/etcdctl; fi',
      unless:
        '{ [ -f /root/etcd ] && cmp -s /root/etcd /usr/local/bin/etcd && cmp -s /root/etcdctl /usr/local/bin/etcdctl; } || { [ ! -f /root/etcd ] && [ -e /usr/local/bin/etcd ] && [ -e /usr/local/bin/etcdctl ]; }',
    },
  ];
}

function memberStep(cluster: EtcdCluster, member: EtcdMember, index: number): Step {
  const single = cluster.members.length === 1;
  const actions: Action[] = [
    ...installStep(cluster),
    // Chapter 4 put private keys in etcdDir. Debian's package leaves the data directory to its etcd
    // user; this etcd runs as root, as upstream's does.
    { kind: 'directory', path: etcdDir, mode: '0700' },
    { kind: 'directory', path: dataDir, mode: '0700', owner: 'root', group: 'root' },
  ];
  if (cluster.care) {
    actions.push({
      kind: 'command',
      run: sh`chattr +C ${dataDir}`,
      // Only btrfs knows copy-on-write; elsewhere (ext4, xfs, overlayfs here) the attribute is refused and not needed.
      unless: sh`[ "$(stat -f -c %T ${dataDir})" != btrfs ] || lsattr -d ${dataDir} | cut -d' ' -f1 | grep -q C`,
    });
  }
  if (cluster.care) actions.push(...defragFiles(cluster, member, index));
  // A member of a larger cluster gets its unit in the start step, where it is started without waiting.
  if (single) actions.push(unitFile(cluster, member), { kind: 'unit', unit: 'etcd.service', enabled: true, state: 'started' });
  if (cluster.care) actions.push({ kind: 'unit', unit: 'etcd-defrag.timer', enabled: true, state: 'started' });
  return {
    id: `member-${member.name}`,
    title: `etcd member ${member.name}`,
    why:
      `The data directory ${dataDir} readable by root only (it is the whole cluster state, secrets included), and the unit ` +
      `that runs ${cluster.binary} as member \`${member.name}\`: peers at ${member.peerUrl}, clients at ${member.listenClientUrls.join(' and ')}` +
      (cluster.tls ? ', both requiring a certificate signed by the cluster CA' : '') +
      '. ' +
      (cluster.care
        ? `Metrics in plain HTTP on :${metricsPort}, realtime I/O class, copy-on-write off on btrfs, and a weekly defragmentation (${defragCalendar(index)}). `
        : '') +
      (single
        ? 'A single member needs nobody else, so it is started here; `systemctl start` returns once it serves.'
        : 'Its unit is placed and started in the next steps, all members together.'),
    host: member.name,
    actions,
    glossary: glossaryOf(
      [
        ...(single ? etcdFlags(cluster, member) : []),
        ...(cluster.care ? etcdctlFlags(cluster.tls, ['--cluster']) : []),
        ...(single || cluster.care ? ['--now'] : []),
      ],
      { ...etcdFlagMeanings, ...toolFlagMeanings },
    ),
  };
}

/** Waits up to about a minute for every member to answer healthy; prints the health table either way. */
export function waitForHealth(cluster: EtcdCluster): { run: string; unless: string } {
  const health = `${etcdctl(
    cluster,
    cluster.members.map((m) => m.clientUrl),
  )} --dial-timeout=1s --command-timeout=2s endpoint health`;
  return {
    run: `i=0; while ! ${health} >/dev/null 2>&1; do i=$((i+1)); [ "$i" -lt 120 ] || break; sleep 0.5; done; ${health}`,
    unless: `${health} >/dev/null 2>&1`,
  };
}

function startSteps(cluster: EtcdCluster): Step[] {
  if (cluster.members.length === 1) return [];
  const first = cluster.members[0]!;
  return [
    ...cluster.members.map((m): Step => ({
      id: `start-${m.name}`,
      title: `The etcd unit on ${m.name}, started without waiting`,
      why:
        'A member of a new cluster reports ready only once a majority of members has found each other, so a plain ' +
        '`systemctl start etcd` on the first machine would wait for the others, which are never started. Each member is ' +
        'enabled and queued to start with `--no-block`; by hand, you run `systemctl start etcd` on all machines at once ' +
        "(tmux's synchronize-panes does it). The member is restarted the same way when its unit changed.",
      host: m.name,
      actions: [unitFile(cluster, m), { kind: 'unit', unit: 'etcd.service', enabled: true, state: 'started', noBlock: true }],
      glossary: glossaryOf([...etcdFlags(cluster, m), '--no-block'], { ...etcdFlagMeanings, ...toolFlagMeanings }),
    })),
    {
      id: 'wait-for-quorum',
      title: `All ${cluster.members.length} members healthy`,
      why: `Asked from ${first.name} every half second, for about a minute: each member must answer with a committed read.`,
      host: first.name,
      actions: [{ kind: 'command', ...waitForHealth(cluster), readOnly: true }],
      glossary: glossaryOf(etcdctlFlags(cluster.tls), toolFlagMeanings),
    },
  ];
}

function checks(lab: Lab, cluster: EtcdCluster): CheckSpec[] {
  const first = cluster.members[0]!;
  const tls = cluster.tls ? memberClientTls : {};
  const endpoints = cluster.members.map((m) => m.clientUrl);
  const result: CheckSpec[] = cluster.members.flatMap((m): CheckSpec[] => [
    {
      id: `unit-${m.name}`,
      title: `etcd runs on ${m.name} and starts at boot`,
      host: m.name,
      kind: 'unit',
      params: { unit: 'etcd.service', enabled: true },
      why: 'A member that is down costs the cluster its margin; one that does not come back after a reboot, silently.',
      fix: `journalctl -u etcd on ${m.name} says why; then run chapter 7 again`,
    },
    {
      id: `data-dir-${m.name}`,
      title: `${dataDir} on ${m.name} is readable by root only`,
      host: m.name,
      kind: 'command',
      params: { run: sh`stat -c '%a %U' ${dataDir}`, stdout: '^700 root\\n?$' },
      why: 'The data directory holds every object of the cluster, secrets included.',
      fix: sh`chmod 0700 ${dataDir} && chown root ${dataDir}` + ` on ${m.name}`,
    },
  ]);
  result.push(
    {
      id: 'members',
      title: `the member list is ${cluster.members.map((m) => m.name).join(', ')}, and a leader exists`,
      host: first.name,
      kind: 'etcd-members',
      params: { endpoints, members: cluster.members.map((m) => ({ name: m.name, peerUrls: [m.peerUrl] })), ...tls },
      why: 'A member missing, extra or at another address changes what a majority is; without a leader nothing can be written.',
      fix: 'compare --initial-cluster in /etc/systemd/system/etcd.service on each member; a member that joined wrongly must be removed (etcdctl member remove) and its data dir emptied before it starts again',
    },
    {
      id: 'health',
      title: `every etcd member answers healthy (${cluster.members.map((m) => m.name).join(', ')})`,
      host: first.name,
      kind: 'etcd-health',
      params: { members: cluster.members.map((m) => ({ name: m.name, clientUrl: m.clientUrl })), ...tls },
      why: 'Each member is asked on its own, so the diagnosis names the one that is down rather than failing the whole set.',
      fix: 'on the member named: systemctl status etcd and journalctl -u etcd; start it, or fix what its journal says',
    },
  );
  const version = cluster.version.text.replace(/^v/, '');
  result.push({
    id: 'version',
    title:
      cluster.source === 'download'
        ? `which etcd runs (the lab names ${cluster.version.text}; the image's stands in with a warning)`
        : `the etcd that runs is the lab's ${cluster.version.text}`,
    host: first.name,
    kind: 'command',
    params:
      cluster.source === 'download'
        ? {
            // Upstream's binaries may be missing here (no internet): then the image's etcd runs, which is worth a warning, not a failure.
            run: sh`v=$(${cluster.binary} --version | sed -n 's/^etcd Version: //p'); if [ "$v" = ${version} ]; then echo "etcd $v"; else echo "etcd $v runs, not the lab's ${version}: upstream's tarball was not in downloads/"; fi`,
            stdout: '^etcd \\S+',
            warnWhen: 'runs, not the lab',
          }
        : { run: sh`${cluster.binary} --version | sed -n 's/^etcd Version: //p'`, stdout: `^${escapeRegex(version)}\\n?$` },
    why: "The unit's flags are written for this version: 3.6 renamed several 3.5 flags, and an unknown flag stops etcd from starting.",
    fix:
      cluster.source === 'download'
        ? `put ${cluster.tarball?.file ?? 'the etcd tarball'} in downloads/ (kthw run chapter-2 --mirror DIR) and run chapter 7 again`
        : `install etcd ${cluster.version.text} on the machines, or set versions.etcd.version to what they run`,
  });
  if (!cluster.care) return result;

  const urlLines = cluster.members.map((m) => `(?=[\\s\\S]*, ${escapeRegex(m.name)}, ${escapeRegex(m.peerUrl)}, ${escapeRegex(m.clientUrl)},)`).join('');
  result.push(
    {
      id: 'urls-ipv6-tls',
      title: 'every member advertises https:// IPv6 URLs to peers and clients',
      host: first.name,
      kind: 'command',
      params: {
        run: `${etcdctl(cluster, endpoints)} --dial-timeout=2s --command-timeout=3s member list -w simple`,
        stdout: `^${urlLines}`,
        stdoutNot: 'http://',
      },
      why: 'A plain-HTTP URL would send the cluster state, secrets included, unencrypted over the node network.',
      fix: "check --initial-advertise-peer-urls and --advertise-client-urls in each member's unit; peer URLs of a running member change with etcdctl member update",
    },
    {
      id: 'api-server-client-cert',
      title: `the API server's etcd client certificate is accepted (from ${first.name})`,
      host: first.name,
      kind: 'etcd-health',
      params: { members: cluster.members.map((m) => ({ name: m.name, clientUrl: m.clientUrl })), require: 'quorum', ...apiServerClientTls },
      why: "Chapter 08's API server connects with exactly this certificate and key.",
      fix: 'run chapter 4 again to place kube-api-server-etcd-client.crt and .key in /root',
    },
  );
  for (const m of cluster.members) {
    const metricsUrl = `${m.metricsUrls[0]!}/metrics`;
    result.push(
      {
        id: `no-cert-refused-${m.name}`,
        title: `${m.name} refuses a client without a certificate`,
        host: first.name,
        kind: 'http',
        params: { url: `${m.clientUrl}/health`, cacert: memberClientTls.cacert, refused: true },
        why: 'Without --client-cert-auth anyone on the node network could read every secret from etcd.',
        fix: `set --client-cert-auth=true and --trusted-ca-file in ${m.name}'s unit, then run chapter 7 again`,
      },
      {
        id: `metrics-${m.name}`,
        title: `${m.name} serves metrics on :${metricsPort} (plain HTTP, no certificate)`,
        host: m.name,
        kind: 'http',
        params: { url: metricsUrl, body: 'etcd_server_has_leader 1' },
        why: 'Prometheus scrapes etcd here without a client certificate; the client port would demand one.',
        fix: `check --listen-metrics-urls in ${m.name}'s unit`,
      },
      {
        id: `ionice-${m.name}`,
        title: `etcd on ${m.name} has the realtime I/O class`,
        host: m.name,
        kind: 'command',
        params: {
          run: 'pid=$(systemctl show -p MainPID --value etcd); if [ "${pid:-0}" = 0 ]; then echo "etcd is not running"; else ionice -p "$pid"; fi',
          stdout: '^realtime',
        },
        why: 'Under disk contention a slow fsync makes the member miss heartbeats and trigger elections.',
        fix: 'IOSchedulingClass=realtime in the unit; a container may refuse it (then the lesson explains the fallback)',
      },
      {
        id: `defrag-timer-${m.name}`,
        title: `${m.name} defragments weekly (etcd-defrag.timer enabled and active)`,
        host: m.name,
        // An active timer is a scheduled one; the unit kind is also what Ansible can ask without systemctl.
        kind: 'unit',
        params: { unit: 'etcd-defrag.timer', enabled: true },
        why: 'Deleted and compacted revisions leave free pages the database file never returns; defragmenting gives them back, one member at a time.',
        fix: `systemctl enable --now etcd-defrag.timer on ${m.name}, or run chapter 7 again`,
      },
    );
  }
  return result;
}

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Bootstrapping etcd',
    summary: "The cluster's store: one member over plain HTTP on the classic track, three members over TLS and IPv6 on the HA track.",
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab) {
    const cluster = etcdCluster(lab);
    return {
      chapter: folder.id,
      steps: [...binariesFromDownloads(lab, cluster), ...cluster.members.map((m, i) => memberStep(cluster, m, i)), ...startSteps(cluster)],
      checks: checks(lab, cluster),
    };
  },
};
