import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../checks/types.js';
import { CheckResults } from './CheckResults.js';

const results: CheckResult[] = [
  { id: 'ca', title: 'CA certificate is in place', host: 'server', ok: true, observed: 'present' },
  {
    id: 'key-mode',
    title: 'The API server key is private',
    host: 'server',
    ok: false,
    observed: 'mode 0644',
    diagnosis: {
      found: 'mode 0644 (readable by every user on the machine, which is a long sentence that has to wrap at 80 columns)',
      where: 'server:/var/lib/kubernetes/kube-api-server.key',
      why: 'Anyone who can read the key can pose as the API server.',
      fix: 'chmod 0600 /var/lib/kubernetes/kube-api-server.key',
    },
  },
  { id: 'expiry', title: 'CA is valid', host: 'server', ok: true, observed: 'valid', warning: 'expires in 20 days' },
];

describe('CheckResults', () => {
  it('shows ✓ and ✗ per check, and for a failure what was found, where, why and the fix', () => {
    const frame = render(
      <CheckResults checks={{ chapter: 'chapter-4', status: 'done', results }} title="Certificates" width={80} height={22} scroll={0} />,
    ).lastFrame()!;
    expect(frame.split('\n')[0]).toBe('Certificates: 2 passed, 1 failed');
    expect(frame).toContain('✓ CA certificate is in place  (server)');
    expect(frame).toContain('✗ The API server key is private  (server)');
    expect(frame).toMatch(/found {3}mode 0644 \(readable/);
    expect(frame).toContain('where   server:/var/lib/kubernetes/kube-api-server.key');
    expect(frame).toContain('why     Anyone who can read the key can pose as the API server.');
    expect(frame).toContain('fix     chmod 0600 /var/lib/kubernetes/kube-api-server.key');
    expect(frame).toContain('warning expires in 20 days');
    expect(frame.split('\n').every((l) => l.length <= 80)).toBe(true);
  });

  it('says when checks are running and when they could not run', () => {
    expect(render(<CheckResults checks={{ chapter: 'c', status: 'running', results: [] }} title="X" width={80} height={5} scroll={0} />).lastFrame()).toMatch(
      /checking X…/,
    );
    const frame = render(
      <CheckResults checks={{ chapter: 'c', status: 'error', results: [], error: 'host server unreachable' }} title="X" width={80} height={5} scroll={0} />,
    ).lastFrame()!;
    expect(frame).toContain('the checks of X could not run');
    expect(frame).toContain('host server unreachable');
  });
});
