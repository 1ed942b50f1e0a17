/**
 * The machines route everything beyond the lab to the host's address, as a VM routes to its
 * gateway (kubelet and kube-proxy want a default route). The host must never pass that traffic
 * on, even when it forwards for others (Docker and libvirt hosts do): one nftables table per lab
 * drops whatever is forwarded in or out of the lab's host veth, for IPv4 and IPv6 alike.
 */
import { run } from './run.js';

export function forwardGuardTable(hostVeth: string): string {
  return `kthw_${hostVeth}`;
}

export function forwardGuardRules(hostVeth: string): string {
  return [
    `table inet ${forwardGuardTable(hostVeth)} {`,
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    `    iifname "${hostVeth}" drop`,
    `    oifname "${hostVeth}" drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function guardForwarding(hostVeth: string): Promise<void> {
  await removeForwardGuard(hostVeth);
  await run('nft', ['-f', '-'], { input: forwardGuardRules(hostVeth) });
}

export async function removeForwardGuard(hostVeth: string): Promise<void> {
  await run('nft', ['delete', 'table', 'inet', forwardGuardTable(hostVeth)], { allowFail: true });
}
