import { readFileSync } from 'node:fs';
import { EnvironmentError } from '../../src/util/errors.js';
import { findExecutable } from '../../src/util/find-executable.js';

const TOOLS: Array<[tool: string, pkg: string]> = [
  ['systemd-nspawn', 'systemd-container'],
  ['ip', 'iproute2'],
  ['ssh', 'openssh-client'],
  ['ssh-keygen', 'openssh-client'],
  ['sh', 'dash'],
];

export interface PrerequisiteOptions {
  /** Search this PATH instead of the process's (tests). */
  path?: string;
  /** Also need mmdebstrap (the image is not cached yet). */
  buildImage?: boolean;
}

/** Everything the local lab needs on the host, checked at once so one error lists all of it. */
export function checkPrerequisites(options: PrerequisiteOptions = {}): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('not running as root (the lab creates namespaces and boots machines)');
  const tools = options.buildImage ? [...TOOLS, ['mmdebstrap', 'mmdebstrap'] as [string, string]] : TOOLS;
  const missingPackages = new Set<string>();
  for (const [tool, pkg] of tools) {
    if (!findExecutable(tool, options.path ?? process.env.PATH ?? '')) {
      problems.push(`${tool} not found`);
      missingPackages.add(pkg);
    }
  }
  let filesystems = '';
  try {
    filesystems = readFileSync('/proc/filesystems', 'utf8');
  } catch {
    // reported below
  }
  if (!/\toverlay$/m.test(filesystems)) problems.push('the kernel has no overlayfs (modprobe overlay)');
  if (problems.length > 0) {
    throw new EnvironmentError(`the host cannot run the local lab: ${problems.join('; ')}`, {
      where: 'host',
      fix:
        missingPackages.size > 0
          ? `run \`sudo bash lab/setup-host.sh\` (installs ${[...missingPackages].join(', ')})`
          : 'run kthw lab commands as root on a Linux host with overlayfs',
    });
  }
}
