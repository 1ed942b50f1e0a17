import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureBinaries, ensureImage, labDown, labUp } from '../../lab/local/index.js';
import { allRecords } from '../../lab/local/runtime-record.js';
import { loadLab } from '../../src/lab/load.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** KTHW_HOME of this run: lab dirs (SSH material) of every lab the tests boot. */
    kthwHome: string;
    /** The classic lab file, booted once for the whole run. */
    classicLab: string;
  }
}

const root = resolve(import.meta.dirname, '..', '..');

/**
 * Labs an earlier test run left up (killed midway, or a test that booted a lab it did not expect to):
 * their lab files are the tests' fixtures or the variants they write under the temporary directory.
 * A learner's own labs have lab files elsewhere and are never touched.
 */
function leftoverTestLabs(): string[] {
  const scratch = join(tmpdir(), 'kthw-');
  return allRecords()
    .filter((r) => r.source.startsWith(scratch) || r.source.includes('/test/lab/fixtures/'))
    .map((r) => r.lab);
}

/** Host packages, the machine image, the binaries built from source, and the classic lab: once per run, shared by the lab tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  execFileSync('bash', [join(root, 'lab', 'setup-host.sh'), '--quiet'], { stdio: 'inherit' });
  const home = mkdtempSync(join(tmpdir(), 'kthw-lab-test-'));
  // KTHW_HOME only while the lab comes up or goes down: other projects' workers must not inherit it
  const withHome = async (action: () => Promise<void>) => {
    const previous = process.env.KTHW_HOME;
    process.env.KTHW_HOME = home;
    try {
      await action();
    } finally {
      if (previous === undefined) delete process.env.KTHW_HOME;
      else process.env.KTHW_HOME = previous;
    }
  };
  const log = (message: string) => process.stderr.write(`[lab] ${message}\n`);
  // the image (downloads, disk) and the release mirror (CPU) side by side; each is cached after its first build
  await Promise.all([ensureImage({ log }), ensureBinaries({ log })]);
  const classicLab = join(root, 'lab', 'classic.yaml');
  const lab = await loadLab(classicLab);
  // KTHW_TEST_OWN_LABS_ONLY=1: a run of test files that boot labs of their own only (so two such runs,
  // on different labs, can share the machine); the shared classic lab is neither booted nor taken down.
  const shared = process.env.KTHW_TEST_OWN_LABS_ONLY !== '1';
  const before = new Set(allRecords().map((r) => r.lab));
  if (shared) {
    await withHome(async () => {
      for (const name of leftoverTestLabs()) await labDown(name, { log });
      await labDown(lab.name, { log });
      await labUp(lab, { log });
    });
  }
  project.provide('kthwHome', home);
  project.provide('classicLab', classicLab);
  return async () => {
    // every lab this run brought up that a test file left behind when it failed midway, then the shared one
    await withHome(async () => {
      const mine = allRecords().filter((r) => !before.has(r.lab) && r.lab !== lab.name);
      for (const record of mine) await labDown(record.lab, { log });
      if (shared) await labDown(lab.name, { log });
    });
    rmSync(home, { recursive: true, force: true });
  };
}
