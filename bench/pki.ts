// The classic lab's whole PKI generated in-process (generateFromProfiles + writePki) against the openssl CLI
// loop a learner runs (genpkey, req, x509 -req per certificate, same config, same key type), rounds
// interleaved in the same run. Issue 6 goal: ≤ 0.6× for the default key type.
// Also measured, not judged: upstream's RSA 4096 keys both ways (BENCH_RSA_ROUNDS=0 skips it).
// Run: npm run bench -- pki   (or: cd bench && npx tsx pki.ts)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinLabPath, loadLab } from '../src/lab/load.js';
import { generateFromProfiles, opensslCommands, opensslConfig, writePki, type KeyAlgorithm } from '../src/pki/index.js';
import { certificateProfiles } from '../src/plan/certificates.js';
import { chapters } from '../chapters/index.js';
import { median } from './measure.mjs';

const lab = await loadLab(builtinLabPath('classic'));
const scratch = mkdtempSync(join(tmpdir(), 'kthw-bench-pki-'));

let runNumber = 0;
function freshDir(): string {
  return join(scratch, String(runNumber++));
}

function certificatesIn(dir: string): number {
  return readdirSync(dir).filter((f) => f.endsWith('.crt') && f !== 'ca.srl').length;
}

async function compare(label: string, keyAlgorithm: KeyAlgorithm, rounds: number, goal?: number): Promise<void> {
  const profiles = certificateProfiles(chapters, lab, { keyAlgorithm });
  const inProcess: number[] = [];
  const cli: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const byHand = freshDir();
    let start = performance.now();
    spawnSync('mkdir', ['-m', '700', byHand]);
    writeFileSync(join(byHand, 'kthw.conf'), opensslConfig(profiles));
    for (const profile of profiles) {
      for (const [command, ...args] of opensslCommands(profile, 'kthw.conf')) {
        const result = spawnSync(command!, args, { cwd: byHand, stdio: ['ignore', 'ignore', 'pipe'] });
        if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr.toString()}`);
      }
    }
    cli.push(performance.now() - start);

    const ours = freshDir();
    start = performance.now();
    await writePki(ours, await generateFromProfiles(profiles));
    inProcess.push(performance.now() - start);

    if (certificatesIn(ours) !== profiles.length || certificatesIn(byHand) !== profiles.length) {
      throw new Error(`expected ${profiles.length} certificates each way, got ${certificatesIn(ours)} and ${certificatesIn(byHand)}`);
    }
    rmSync(ours, { recursive: true });
    rmSync(byHand, { recursive: true });
  }
  const subject = median(inProcess);
  const baseline = median(cli);
  const ratio = subject / baseline;
  const verdict = goal === undefined ? '' : `  (goal ≤ ${goal}×: ${ratio <= goal ? 'met' : 'NOT met'})`;
  console.log(
    `pki, classic lab, ${profiles.length} certificates, ${label}, median of ${rounds}: ` +
      `in-process ${subject.toFixed(1)} ms vs openssl CLI loop ${baseline.toFixed(1)} ms → ${ratio.toFixed(2)}×${verdict}`,
  );
}

try {
  await compare('ECDSA P-256 (default)', { type: 'ecdsa', curve: 'P-256' }, Number(process.env.BENCH_ROUNDS ?? 11), 0.6);
  const rsaRounds = Number(process.env.BENCH_RSA_ROUNDS ?? 3);
  if (rsaRounds > 0) await compare('RSA 4096 (upstream)', { type: 'rsa', bits: 4096 }, rsaRounds);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
