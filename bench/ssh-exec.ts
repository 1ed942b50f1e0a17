// SSH exec round trip: `true` on a warm SshPool connection vs the OpenSSH client (`ssh`, no
// ControlMaster, so a full connection each time, as a learner typing ssh would get), both against
// the same private sshd on loopback, interleaved in the same run. Also shown: a cold SshPool
// (connect + authenticate + exec) against the same baseline.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool, type SshHost } from '../src/ssh/index.js';
import { knownHostsLineFor, startSshd } from '../test/unit/ssh/sshd-fixture.js';
import { median } from './measure.mjs';

const rounds = Number(process.env.KTHW_BENCH_ROUNDS ?? 30);
const sshd = await startSshd({ hostKeyTypes: ['ed25519'] });
const knownHosts = join(sshd.dir, 'known_hosts');
writeFileSync(knownHosts, `${knownHostsLineFor(sshd, 'ed25519')}\n`, { mode: 0o600 });
const host: SshHost = { name: 'bench', address: '127.0.0.1', port: sshd.port, user: 'root', identity: sshd.clientKey.path };

const sshArgs = [
  '-F',
  '/dev/null',
  '-o',
  'ControlMaster=no',
  '-o',
  'ControlPath=none',
  '-o',
  'BatchMode=yes',
  '-o',
  'StrictHostKeyChecking=yes',
  '-o',
  `UserKnownHostsFile=${knownHosts}`,
  '-o',
  'GlobalKnownHostsFile=/dev/null',
  '-i',
  sshd.clientKey.path,
  '-p',
  String(sshd.port),
  'root@127.0.0.1',
  'true',
];

function openssh(): number {
  const start = process.hrtime.bigint();
  const result = spawnSync('ssh', sshArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`ssh exited ${result.status}: ${result.stderr.toString()}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const pool = new SshPool({ knownHostsFiles: [knownHosts] });
try {
  const check = await pool.exec(host, 'true');
  if (check.code !== 0) throw new Error(`warm-up exec failed: ${JSON.stringify(check)}`);
  openssh();
  const warm: number[] = [];
  const cold: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < rounds; i++) {
    baseline.push(openssh());
    warm.push(await timed(() => pool.exec(host, 'true')));
    cold.push(
      await timed(async () => {
        const fresh = new SshPool({ knownHostsFiles: [knownHosts] });
        await fresh.exec(host, 'true');
        await fresh.close();
      }),
    );
  }
  const [w, c, b] = [median(warm), median(cold), median(baseline)];
  console.log(`ssh-exec (${rounds} rounds, medians): SshPool warm ${w.toFixed(2)} ms vs ssh (ControlMaster=no) ${b.toFixed(1)} ms → ${(w / b).toFixed(3)}×`);
  console.log(`ssh-exec: SshPool cold (connect + auth + exec + close) ${c.toFixed(1)} ms vs ssh ${b.toFixed(1)} ms → ${(c / b).toFixed(2)}×`);
} finally {
  await pool.close();
  await sshd.stop();
}
