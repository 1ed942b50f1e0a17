import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isNode, type Host, type Lab } from '../../src/lab/types.js';
import { KERNEL_VIEW_UNIT, kernelViewUnit } from './kernel-view.js';
import { sshPaths } from './ssh-material.js';

/**
 * Creates `relative` inside the upper dir, each missing level with the owner and mode its
 * counterpart has in the image: an upper directory's mode wins over the image's in the overlay.
 */
function ensureDir(upper: string, image: string, relative: string): string {
  const parts = relative.split('/').filter(Boolean);
  let current = '';
  for (const part of parts) {
    current = current ? `${current}/${part}` : part;
    const target = join(upper, current);
    if (existsSync(target)) continue;
    const model = join(image, current);
    const stat = existsSync(model) ? statSync(model) : undefined;
    mkdirSync(target, { mode: stat ? stat.mode & 0o7777 : 0o755 });
    chmodSync(target, stat ? stat.mode & 0o7777 : 0o755);
    if (stat) chownSync(target, stat.uid, stat.gid);
  }
  return join(upper, relative);
}

function writeFile(upper: string, image: string, relative: string, content: string | Buffer, mode: number): void {
  ensureDir(upper, image, dirname(relative));
  const path = join(upper, relative);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  chownSync(path, 0, 0);
}

/** The machine's own files, written into its upper dir before boot. Returns the machine id. */
export function prepareUpper(lab: Lab, host: Host, image: string, upper: string): string {
  mkdirSync(upper, { recursive: true, mode: 0o755 });
  const idFile = join(upper, 'etc', 'machine-id');
  let machineId = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : '';
  if (!/^[0-9a-f]{32}$/.test(machineId)) {
    machineId = randomBytes(16).toString('hex');
    writeFile(upper, image, 'etc/machine-id', `${machineId}\n`, 0o444);
  }
  writeFile(upper, image, 'etc/hostname', `${host.name}\n`, 0o644);
  // first boot only: chapter 03 adds the lab's names, which must survive a restart as on a VM
  if (!existsSync(join(upper, 'etc/hosts'))) {
    writeFile(upper, image, 'etc/hosts', `127.0.0.1 localhost\n127.0.1.1 ${host.fqdn} ${host.name}\n::1 localhost ip6-localhost ip6-loopback\n`, 0o644);
  }
  const paths = sshPaths(lab.name);
  const hostKey = paths.hostKey(host.name);
  writeFile(upper, image, 'etc/ssh/ssh_host_ed25519_key', readFileSync(hostKey), 0o600);
  writeFile(upper, image, 'etc/ssh/ssh_host_ed25519_key.pub', readFileSync(`${hostKey}.pub`), 0o644);
  ensureDir(upper, image, 'root');
  chmodSync(join(upper, 'root'), 0o700);
  writeFile(upper, image, 'root/.ssh/authorized_keys', readFileSync(`${paths.key}.pub`), 0o600);
  chmodSync(join(upper, 'root', '.ssh'), 0o700);
  if (isNode(host)) {
    writeFile(upper, image, `etc/systemd/system/${KERNEL_VIEW_UNIT}`, kernelViewUnit(), 0o644);
    ensureDir(upper, image, 'etc/systemd/system/sysinit.target.wants');
    const wanted = join(upper, 'etc/systemd/system/sysinit.target.wants', KERNEL_VIEW_UNIT);
    // lstat: the link points into the machine, so it dangles from here and existsSync would say no
    if (!isLink(wanted)) symlinkSync(`/etc/systemd/system/${KERNEL_VIEW_UNIT}`, wanted);
  }
  return machineId;
}

/** systemd-nspawn insists the directory it is given looks like an OS; the overlay hides it anyway. */
export function prepareStubRoot(image: string, stub: string): void {
  mkdirSync(join(stub, 'usr', 'lib'), { recursive: true });
  if (!existsSync(join(stub, 'usr', 'lib', 'os-release'))) copyFileSync(join(image, 'usr', 'lib', 'os-release'), join(stub, 'usr', 'lib', 'os-release'));
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
