/**
 * A lab host whose address is one of this machine's own would turn every "remote" step onto this
 * machine (chapter 03 rewrites a host's /etc/hostname and /etc/hosts). Validation already refuses
 * loopback node networks; this catches the machine's other addresses, which only this machine knows.
 * Checked before the first connection, so reading commands (chapters, status) are not affected.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { canonicalAddress } from '../lab/cidr.js';
import type { Lab } from '../lab/types.js';
import { UsageError } from '../util/errors.js';

export function assertNoHostIsThisMachine(lab: Lab, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): void {
  const own = new Map<string, string>();
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      const canonical = canonicalAddress(info.address.replace(/%.*$/, ''));
      if (canonical !== undefined) own.set(canonical, name);
    }
  }
  for (const host of lab.hosts) {
    for (const address of [host.addresses.ipv4, host.addresses.ipv6]) {
      if (address === undefined) continue;
      const device = own.get(canonicalAddress(address) ?? address);
      if (device === undefined) continue;
      throw new UsageError(
        `host ${host.name}'s address ${address} is an address of this machine (${device}): kthw would act on this machine instead of a lab host`,
        {
          where: lab.source,
          fix: `give ${host.name} the address of the lab machine it stands for, or run kthw from a machine outside the lab`,
        },
      );
    }
  }
}
