import { createHash } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import type { Lab } from '../../src/lab/types.js';
import { templateFile, type ChapterModule } from '../../src/plan/chapter.js';
import type { CheckSpec, CopyAction, FileAction, Step } from '../../src/plan/types.js';
import { sh } from '../../src/ssh/shell-quote.js';
import { UsageError } from '../../src/util/errors.js';
import { escapeRegex, jumpboxOf, workDir } from '../common.js';
import { chapterFolder } from '../kit.js';
import { downloadsFor, imageComponents, withMirrorSums } from './downloads.js';

const folder = chapterFolder(import.meta.url);
const { slug } = folder;
const downloadsDir = `${workDir}/downloads`;
const verifyScript = `${workDir}/verify-downloads.sh`;
/** Tools later chapters run on the jumpbox, with the Debian package that brings each. */
const tools = [
  { command: 'openssl', pkg: 'openssl' },
  { command: 'curl', pkg: 'curl' },
  { command: 'ssh-keyscan', pkg: 'openssh-client' },
  { command: 'sha256sum', pkg: 'coreutils' },
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The downloads with their checksums: the lab file's, else the mirror's .sha256 files. */
const downloadsWithSums = (lab: Lab, params: Record<string, string>) => withMirrorSums(downloadsFor(lab), params.mirror);

function workDirFiles(lab: Lab, params: Record<string, string>): FileAction[] {
  const downloads = downloadsWithSums(lab, params);
  const files = [
    templateFile(
      slug,
      'downloads.txt.tmpl',
      { jumpbox_download_urls: downloads.map((d) => d.url).join('\n') },
      {
        path: `${workDir}/downloads.txt`,
        mode: '0644',
        owner: 'root',
        group: 'root',
      },
    ),
    templateFile(
      slug,
      'verify-downloads.sh.tmpl',
      { jumpbox_work_dir: workDir },
      {
        path: verifyScript,
        mode: '0755',
        owner: 'root',
        group: 'root',
      },
    ),
  ];
  const known = downloads.filter((d) => d.sha256 !== undefined);
  if (known.length > 0) {
    files.push(
      templateFile(
        slug,
        'downloads.sha256.tmpl',
        { jumpbox_download_sha256s: known.map((d) => `${d.sha256}  ${d.file}`).join('\n') },
        {
          path: `${workDir}/downloads.sha256`,
          mode: '0644',
          owner: 'root',
          group: 'root',
        },
      ),
    );
  }
  return files;
}

/**
 * With `--mirror DIR`: every download copied from DIR on the learner's machine, checked against the
 * lab's sha256 where one is pinned. Plain binaries are made executable; archives are not.
 */
function mirrorCopies(lab: Lab, mirror: string, params: Record<string, string>): CopyAction[] {
  if (!isAbsolute(mirror)) {
    throw new UsageError(`the mirror directory must be an absolute path, not ${JSON.stringify(mirror)}`, {
      where: '--mirror',
      fix: 'give the full path of the directory',
    });
  }
  return downloadsWithSums(lab, params).map((d) => ({
    kind: 'copy',
    from: join(mirror, d.file),
    path: `${downloadsDir}/${d.file}`,
    mode: /\.(tar\.gz|tgz|zip)$/.test(d.file) ? '0644' : '0755',
    owner: 'root',
    group: 'root',
    ...(d.sha256 ? { sha256: d.sha256 } : {}),
    ...(d.sha256Source ? { sha256Source: d.sha256Source } : {}),
  }));
}

/** kubectl is either one of the downloads (installed from there) or shipped by the machine image. */
function kubectlSource(lab: Lab): 'download' | 'image' | 'none' {
  if (downloadsFor(lab).some((d) => d.file === 'kubectl')) return 'download';
  if (lab.versions.kubectl?.source === 'image') return 'image';
  return 'none';
}

function steps(lab: Lab, params: Record<string, string>): Step[] {
  const jumpbox = jumpboxOf(lab).name;
  const files = workDirFiles(lab, params);
  const fromImage = imageComponents(lab);
  const mirror = params.mirror;
  const result: Step[] = [
    {
      id: 'tools',
      title: 'Command line tools on the jumpbox',
      why:
        'Later chapters use openssl to inspect certificates, curl to talk to the API server, ssh-keyscan to learn the ' +
        "machines' host keys and sha256sum to check downloads. Installed with apt only when one is missing.",
      host: jumpbox,
      actions: [{ kind: 'packages', names: tools.map((t) => t.pkg) }],
    },
    {
      id: 'work-dir',
      title: `The working directory ${workDir}`,
      why:
        'Upstream clones its repository here; kthw writes only what this lab needs: the list of downloads for ' +
        `${lab.arch} and these versions (one URL a line), their checksums where known, and a script that checks downloads/.`,
      host: jumpbox,
      actions: [{ kind: 'directory', path: downloadsDir, mode: '0755' }, ...files],
    },
    {
      id: 'downloads',
      title: 'Binaries in downloads/',
      why:
        'kthw fetches nothing from the lab machines (those of the local lab cannot reach the internet), so the binaries come from a mirror directory on your machine ' +
        '(on the local lab, the release kthw built from source; elsewhere `kthw run chapter-2 --mirror DIR`), each file checked against ' +
        "the sha256 the lab file pins or, failing that, the mirror's FILE.sha256. This step then checks downloads/ against the list and " +
        'the checksums and names every missing file; missing files are reported, not fatal, since chapters 03 and 04 do not ' +
        'need them. A file with a wrong checksum stops the step.' +
        (fromImage.length ? ` Shipped by the machine image, so not downloaded: ${fromImage.map((c) => `${c.component} ${c.version}`).join(', ')}.` : '') +
        (mirror ? ` Mirror for this run: ${mirror}.` : ''),
      host: jumpbox,
      actions: [
        ...(mirror === undefined ? [] : mirrorCopies(lab, mirror, params)),
        // Exit 2 means "some files missing": reported, and the chapter goes on.
        { kind: 'command', run: sh`sh ${verifyScript} || [ $? -eq 2 ]`, unless: sh`sh ${verifyScript} >/dev/null 2>&1`, readOnly: true },
      ],
    },
  ];
  if (kubectlSource(lab) === 'download') {
    result.push({
      id: 'kubectl',
      title: 'Install kubectl on the jumpbox',
      why: 'kubectl is the client you will use from chapter 10 on. Installed once downloads/kubectl is there.',
      host: jumpbox,
      actions: [
        {
          kind: 'command',
          run: sh`install -m 0755 ${`${downloadsDir}/kubectl`} /usr/local/bin/kubectl`,
          unless: sh`test ! -f ${`${downloadsDir}/kubectl`} || cmp -s ${`${downloadsDir}/kubectl`} /usr/local/bin/kubectl`,
        },
      ],
    });
  }
  return result;
}

function checks(lab: Lab, params: Record<string, string>): CheckSpec[] {
  const jumpbox = jumpboxOf(lab).name;
  const result: CheckSpec[] = tools.map((t) => ({
    id: `tool-${t.command}`,
    title: `${t.command} is installed on ${jumpbox}`,
    host: jumpbox,
    kind: 'command',
    params: { run: sh`command -v ${t.command}` },
    why: `Later chapters run ${t.command} on the jumpbox.`,
    fix: `apt-get install ${t.pkg} on ${jumpbox}`,
  }));
  for (const file of workDirFiles(lab, params)) {
    result.push({
      id: `work-file-${file.path.split('/').pop()!.replaceAll('.', '-')}`,
      title: `${file.path} is as kthw rendered it`,
      host: jumpbox,
      kind: 'file',
      params: { path: file.path, mode: file.mode, sha256: sha256(file.content) },
      why: 'The download list and its checksums follow the lab file; a stale copy checks the wrong versions.',
      fix: 'run chapter 2 again to rewrite it',
    });
  }
  result.push({
    id: 'downloads',
    title: 'downloads/ holds no corrupt file (missing files are a warning)',
    host: jumpbox,
    kind: 'command',
    params: { run: sh`sh ${verifyScript} || [ $? -eq 2 ]`, warnWhen: '^(missing|hint): ' },
    why: 'A binary with a wrong checksum is damaged or not the one the lab file names.',
    fix: 'delete the file named above and copy it again: kthw run chapter-2 --mirror DIR',
  });
  const kubectl = kubectlSource(lab);
  const version = lab.versions.kubectl?.version ?? lab.versions.kubernetes?.version;
  if (kubectl === 'image' && version !== undefined) {
    // kubectl may differ from the cluster by one minor version, so only major.minor is held to the lab.
    const minor = /^v?(\d+\.\d+)/.exec(version)?.[1];
    result.push({
      id: 'kubectl',
      title: `kubectl ${version} is installed on ${jumpbox}`,
      host: jumpbox,
      kind: 'command',
      params: { run: 'kubectl version --client', stdout: minor ? `Client Version: v?${escapeRegex(minor)}\\.` : 'Client Version: ' },
      why: 'kubectl is the client used from chapter 10 on; the machine image ships it.',
      fix: `install kubectl ${version} on ${jumpbox}`,
    });
  }
  return result;
}

export const chapter: ChapterModule = {
  meta: {
    ...folder,
    title: 'Set up the jumpbox',
    summary: 'Tools, a working directory with the list of downloads for this lab, and the binaries checked against their sha256.',
    tracks: ['classic', 'ipv6-ha'],
  },
  plan(lab, params) {
    return { chapter: folder.id, steps: steps(lab, params), checks: checks(lab, params) };
  },
};
