import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Step } from '../plan/types.js';
import { actionLines, stepLines } from './step-commands.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kthw-type-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stepLines', () => {
  it('types a file exactly: content (even a line that reads EOF, quotes and $), then its mode', () => {
    const path = join(dir, "it's a file");
    const content = 'EOF\nvalue = "$HOME" `date`\nlast\n';
    const step: Step = { id: 's', title: 'S', why: '', host: 'local', actions: [{ kind: 'file', path, mode: '0640', content }] };
    execFileSync('bash', ['-euc', stepLines(step).join('\n')]);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('a copied file: where it comes from, its checksum verified, its mode', () => {
    const path = join(dir, 'kubelet');
    const lines = actionLines({
      kind: 'copy',
      from: '/mirror/kubelet',
      path,
      mode: '0755',
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect(lines[0]).toContain('/mirror/kubelet');
    execFileSync('bash', ['-c', `touch ${path}`]);
    // The learner's check line passes for the right file (empty here) and fails for another.
    execFileSync('bash', ['-euc', lines.slice(1).join('\n')]);
    expect(statSync(path).mode & 0o777).toBe(0o755);
    execFileSync('bash', ['-c', `echo x > ${path}`]);
    expect(() => execFileSync('bash', ['-euc', lines[1]!], { stdio: 'pipe' })).toThrow();
  });

  it('shows commands as the chapter wrote them and units as systemctl lines', () => {
    expect(actionLines({ kind: 'command', run: 'echo a\necho b' })).toEqual(['echo a', 'echo b']);
    expect(actionLines({ kind: 'unit', unit: 'etcd', enabled: true, state: 'started' })).toEqual(['systemctl daemon-reload', 'systemctl enable --now etcd']);
    expect(actionLines({ kind: 'unit', unit: 'etcd', enabled: false, state: 'stopped' })).toEqual([
      'systemctl daemon-reload',
      'systemctl disable etcd',
      'systemctl stop etcd',
    ]);
    expect(actionLines({ kind: 'secret-file', path: '/var/lib/k/ca.key', mode: '0600', secret: 'pki/ca.key', owner: 'root' })).toEqual([
      '# copy pki/ca.key from your lab directory to /var/lib/k/ca.key',
      'chmod 0600 /var/lib/k/ca.key',
      'chown root /var/lib/k/ca.key',
    ]);
  });
});
