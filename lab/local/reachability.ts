import { connect } from 'node:net';
import { EnvironmentError } from '../../src/util/errors.js';
import { sleep } from './processes.js';
import { run } from './run.js';
import { sshPaths } from './ssh-material.js';

/** One TCP connect attempt; true when something accepts. */
export function tcpOpen(address: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: timeoutMs, noDelay: true });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits until the host's sshd accepts TCP, then until a real `ssh -F <lab ssh_config> host true`
 * succeeds with the pinned host key (sshd may accept before it is ready to authenticate).
 */
export async function waitForSsh(labName: string, host: string, address: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await tcpOpen(address, port, 300))) {
    if (Date.now() > deadline)
      throw new EnvironmentError(`machine ${host} (${address}) did not open port ${port}`, {
        where: host,
        fix: 'look at its console log (kthw lab status shows where)',
      });
    await sleep(25);
  }
  for (;;) {
    const result = await run('ssh', ['-F', sshPaths(labName).config, '-o', 'BatchMode=yes', host, 'true'], { allowFail: true, timeoutMs: 10_000 });
    if (result.code === 0) return;
    const last = result.stderr.trim();
    if (Date.now() > deadline)
      throw new EnvironmentError(`ssh to ${host} (${address}) failed: ${last}`, {
        where: host,
        fix: 'check the machine console log; host keys are pinned in the lab ssh/known_hosts',
      });
    await sleep(50);
  }
}
