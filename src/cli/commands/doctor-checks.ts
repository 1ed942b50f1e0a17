import { readFileSync } from 'node:fs';
import { findExecutable } from '../../util/find-executable.js';

export type Need = 'local lab' | 'ssh labs' | 'ansible export';

export interface DoctorResult {
  name: string;
  needed: Need[];
  ok: boolean;
  found: string;
  fix?: string;
}

const SETUP = 'run `bash lab/setup-host.sh` as root (it installs every package the local lab needs)';

function tool(name: string, binary: string, needed: Need[], aptPackage: string): DoctorResult {
  const path = findExecutable(binary);
  return path ? { name, needed, ok: true, found: path } : { name, needed, ok: false, found: 'not found', fix: `apt-get install ${aptPackage}, or ${SETUP}` };
}

function nodeVersion(): DoctorResult {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return {
    name: 'Node.js ≥ 20.19',
    needed: ['local lab', 'ssh labs'],
    ok,
    found: `v${process.versions.node}`,
    fix: ok ? undefined : 'install Node.js 20.19 or newer',
  };
}

function root(): DoctorResult {
  const uid = process.getuid?.() ?? -1;
  return {
    name: 'running as root',
    needed: ['local lab'],
    ok: uid === 0,
    found: `uid ${uid}`,
    fix: uid === 0 ? undefined : 'the local lab creates network namespaces and boots machines: run kthw lab commands as root (sudo)',
  };
}

function overlayfs(): DoctorResult {
  let filesystems = '';
  try {
    filesystems = readFileSync('/proc/filesystems', 'utf8');
  } catch {
    // no /proc: reported as missing below
  }
  const ok = /\toverlay$/m.test(filesystems);
  return {
    name: 'kernel overlayfs',
    needed: ['local lab'],
    ok,
    found: ok ? 'overlay in /proc/filesystems' : 'not in /proc/filesystems',
    fix: ok ? undefined : 'load it with `modprobe overlay` (machines share one read-only image through overlays)',
  };
}

export function doctorChecks(): DoctorResult[] {
  return [
    nodeVersion(),
    root(),
    tool('systemd-nspawn', 'systemd-nspawn', ['local lab'], 'systemd-container'),
    tool('mmdebstrap', 'mmdebstrap', ['local lab'], 'mmdebstrap'),
    tool('ip (iproute2)', 'ip', ['local lab'], 'iproute2'),
    overlayfs(),
    tool('ssh client', 'ssh', ['local lab', 'ssh labs'], 'openssh-client'),
    tool('ssh-keygen', 'ssh-keygen', ['local lab', 'ssh labs'], 'openssh-client'),
    tool('openssl', 'openssl', ['local lab', 'ssh labs'], 'openssl'),
    tool('ansible-playbook', 'ansible-playbook', ['ansible export'], 'ansible'),
  ];
}
