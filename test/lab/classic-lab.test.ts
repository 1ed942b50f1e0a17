import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Lab } from '../../src/lab/types.js';
import { labReset, labSnapshot, labStatus, labSshArgs, labUp } from '../../lab/local/index.js';
import { sshPaths } from '../../lab/local/ssh-material.js';
import { hostVeth } from '../../lab/local/names.js';
import { forwardGuardTable } from '../../lab/local/forward-guard.js';
import { exec, sshRun, useLabHome } from './helpers.js';
import { loadLab } from '../../src/lab/load.js';

let lab: Lab;

beforeAll(async () => {
  useLabHome();
  lab = await loadLab(inject('classicLab'));
});

describe('the classic lab (booted once by the global setup)', () => {
  it('every machine answers real OpenSSH, with its pinned host key verified', async () => {
    const config = readFileSync(sshPaths(lab.name).config, 'utf8');
    expect(config).toMatch(/StrictHostKeyChecking yes/);
    expect(config).not.toMatch(/StrictHostKeyChecking (no|accept-new)/);
    const names = await Promise.all(lab.hosts.map((h) => sshRun(lab, h.name, 'hostname')));
    expect(names.map((r) => r.stdout.trim())).toEqual(lab.hosts.map((h) => h.name));
  });

  it('refuses a machine whose host key is not the pinned one', async () => {
    const paths = sshPaths(lab.name);
    const forged = join(paths.dir, 'known_hosts.forged');
    // pin node-0's names to server's key: node-0's real key no longer matches
    const lines = readFileSync(paths.knownHosts, 'utf8').trim().split('\n');
    const serverKey = lines
      .find((l) => l.startsWith('server,'))!
      .split(' ')
      .slice(1)
      .join(' ');
    writeFileSync(forged, lines.map((l) => (l.startsWith('node-0,') ? `${l.split(' ')[0]} ${serverKey}` : l)).join('\n') + '\n', { mode: 0o600 });
    const [ssh, ...args] = labSshArgs(lab, 'node-0', 'true');
    const result = await exec(ssh!, ['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${forged}`, '-o', 'LogLevel=ERROR', ...args]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/host key|verification failed|REMOTE HOST IDENTIFICATION/i);
  });

  it('sshd offers key login only', async () => {
    const [ssh, ...args] = labSshArgs(lab, 'server', 'true');
    const result = await exec(ssh!, ['-o', 'BatchMode=yes', '-o', 'PubkeyAuthentication=no', '-o', 'LogLevel=ERROR', ...args]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it('keeps private keys private', () => {
    const paths = sshPaths(lab.name);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    expect(statSync(paths.key).mode & 0o777).toBe(0o600);
    expect(statSync(paths.hostKey('server')).mode & 0o777).toBe(0o600);
  });

  it('machines reach each other and the host over IPv6 and IPv4, and the host forwards nothing beyond', async () => {
    const targets = [...lab.hosts.flatMap((h) => [h.addresses.ipv4!, h.addresses.ipv6!]), lab.networks.hostAddress.ipv4!, lab.networks.hostAddress.ipv6!];
    const script = `for a in ${targets.join(' ')}; do ping -c1 -W2 $a >/dev/null && echo ok $a || echo FAIL $a; done; ip route get 192.0.2.1 2>&1 | head -1; ip -6 route get 2001:db8::1 2>&1 | head -1`;
    const results = await Promise.all(lab.hosts.map((h) => sshRun(lab, h.name, script)));
    for (const result of results) {
      expect(result.stdout).not.toMatch(/FAIL/);
      expect(result.stdout.match(/^ok /gm)).toHaveLength(targets.length);
      // the way out is the host's address, as a VM's is its gateway (kubelet wants a default route)
      expect(result.stdout).toContain(`192.0.2.1 via ${lab.networks.hostAddress.ipv4!} dev eth0`);
      expect(result.stdout).toContain(`2001:db8::1 from :: via ${lab.networks.hostAddress.ipv6!} dev eth0`);
    }
    // ... and the host passes nothing on, whether or not it forwards for others
    const veth = hostVeth(lab.name);
    const guard = await exec('nft', ['list', 'table', 'inet', forwardGuardTable(veth)]);
    expect(guard.code, guard.stderr).toBe(0);
    expect(guard.stdout).toMatch(/hook forward/);
    expect(guard.stdout).toContain(`iifname "${veth}" drop`);
    expect(guard.stdout).toContain(`oifname "${veth}" drop`);
  });

  it('reports every machine running, with its pid and addresses', async () => {
    const status = await labStatus(lab);
    expect(status.up).toBe(true);
    for (const machine of status.machines) {
      expect(machine.running).toBe(true);
      expect(machine.sshReachable).toBe(true);
      expect(readFileSync(`/proc/${machine.pid}/cmdline`, 'utf8')).toContain('systemd-nspawn');
      expect(machine.addresses).toHaveLength(2);
    }
  });

  it('workers have what containerd needs; Debian etcd and containerd stay off', async () => {
    const worker = await sshRun(
      lab,
      'node-0',
      'findmnt -no FSTYPE /var/lib/containerd; mkdir /sys/fs/cgroup/memory/kthw-probe && rmdir /sys/fs/cgroup/memory/kthw-probe && echo memory-rw; systemctl is-active containerd etcd; command -v containerd runc kubectl etcd',
    );
    expect(worker.stdout).not.toMatch(/^overlay$/m);
    expect(worker.stdout).toMatch(/memory-rw/);
    expect(worker.stdout).toMatch(/^inactive\ninactive$/m);
    expect(worker.stdout).toMatch(/\/containerd\n.*\/runc\n.*\/kubectl\n.*\/etcd/);
  });

  it('the image ships the versions the ipv6-ha lab file says come from it; each machine has its own id', async () => {
    const versions = await sshRun(
      lab,
      'server',
      "dpkg-query -W -f '${Package} ${Version}\\n' etcd-server containerd runc containernetworking-plugins kubernetes-client frr",
    );
    expect(versions.stdout).toMatch(/^etcd-server 3\.5\.16/m);
    expect(versions.stdout).toMatch(/^containerd 1\.7\.24/m);
    expect(versions.stdout).toMatch(/^runc 1\.1\.15/m);
    expect(versions.stdout).toMatch(/^containernetworking-plugins 1\.1\.1/m);
    expect(versions.stdout).toMatch(/^kubernetes-client 1\.32\.3/m);
    expect(versions.stdout).toMatch(/^frr 10\.3/m);
    const ids = await Promise.all(lab.hosts.map((h) => sshRun(lab, h.name, 'cat /etc/machine-id; ls /etc/ssh | grep -c "^ssh_host_.*_key$"')));
    const machineIds = ids.map((r) => r.stdout.split('\n')[0]);
    expect(new Set(machineIds).size).toBe(lab.hosts.length);
    for (const r of ids) expect(r.stdout).toMatch(/^[0-9a-f]{32}\n1\n$/);
  });

  it('a machine rebooted from inside comes back', async () => {
    const before = (await sshRun(lab, 'node-1', 'cat /proc/sys/kernel/random/boot_id')).stdout.trim();
    await sshRun(lab, 'node-1', 'systemctl reboot');
    let after = '';
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const result = await sshRun(lab, 'node-1', 'cat /proc/sys/kernel/random/boot_id');
      if (result.code === 0 && result.stdout.trim() !== before) {
        after = result.stdout.trim();
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(after).toMatch(/^[0-9a-f-]{36}$/);
    expect(after).not.toBe(before);
  });

  it('reset puts back a changed file from a snapshot, and the bare image without one', async () => {
    await sshRun(lab, 'server', 'echo chapter-work > /root/progress.txt');
    await labSnapshot(lab, 'test-base');
    const changed = await sshRun(lab, 'server', 'echo broken > /root/progress.txt; echo junk > /etc/kthw-junk; rm /etc/kthw-image; echo done');
    expect(changed.stdout.trim()).toBe('done');

    await labReset(lab, 'server', { to: 'test-base' });
    const restored = await sshRun(lab, 'server', 'cat /root/progress.txt; test -e /etc/kthw-junk && echo junk-still-there; cat /etc/kthw-image');
    expect(restored.stdout).toBe('chapter-work\nkthw machine image\n');

    await labReset(lab, 'server');
    const bare = await sshRun(lab, 'server', 'test -e /root/progress.txt && echo progress-still-there; hostname');
    expect(bare.stdout).toBe('server\n');
  });

  it('reset refuses an unknown host or snapshot with a clear error', async () => {
    await expect(labReset(lab, 'no-such-host')).rejects.toThrow(/no host "no-such-host"/);
    await expect(labReset(lab, 'server', { to: 'chapter-99' })).rejects.toThrow(/no snapshot chapter-99/);
    await expect(labReset(lab, 'server', { to: '../etc' })).rejects.toThrow(/bad snapshot name/);
  });

  it('a machine powered off from inside shows as stopped; lab up brings it back with its disk', async () => {
    await sshRun(lab, 'jumpbox', 'echo survives > /root/before-poweroff.txt && sync');
    await sshRun(lab, 'jumpbox', 'systemctl poweroff');
    let stopped = false;
    const deadline = Date.now() + 30_000;
    while (!stopped && Date.now() < deadline) {
      stopped = !(await labStatus(lab)).machines.find((m) => m.host === 'jumpbox')!.running;
      if (!stopped) await new Promise((r) => setTimeout(r, 100));
    }
    expect(stopped).toBe(true);
    const status = await labUp(lab);
    expect(status.up).toBe(true);
    expect((await sshRun(lab, 'jumpbox', 'cat /root/before-poweroff.txt')).stdout).toBe('survives\n');
  });
});
