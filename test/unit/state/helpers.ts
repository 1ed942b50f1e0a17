import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateStore } from '../../../src/state/index.js';

export const classicLabFile = fileURLToPath(new URL('../../../lab/classic.yaml', import.meta.url));

export function tempRoot(prefix = 'kthw-state-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function openStore(root: string, options: { lockWait?: number } = {}): Promise<StateStore> {
  return StateStore.open({ labName: 'classic', labFile: classicLabFile, root, ...options });
}

/** Every file in a directory with its bytes: to prove an operation left it exactly as it was. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (name.isFile()) out[name.name] = readFileSync(join(dir, name.name)).toString('base64');
  }
  return out;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startWriter(writer: string, args: string[]): { child: ChildProcess; finished: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [writer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((done) => child.on('close', (code) => done({ code, stdout, stderr })));
  return { child, finished, output: () => stdout };
}

export async function waitForOutput(output: () => string, text: string, finished: Promise<Finished>): Promise<void> {
  let ended = false;
  void finished.then(() => (ended = true));
  while (!output().includes(text)) {
    if (ended) throw new Error(`writer ended without printing ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
