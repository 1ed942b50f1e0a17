import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../plan/types.js';
import { TypePanel } from './TypePanel.js';

const step: Step = {
  id: 'place-ca',
  title: 'Place the CA',
  why: 'Trust starts here.',
  host: 'node-0',
  actions: [
    { kind: 'file', path: '/etc/kubernetes/ca.crt', mode: '0644', content: '-----BEGIN CERTIFICATE-----\n' },
    { kind: 'unit', unit: 'kubelet', enabled: true, state: 'started' },
  ],
};

describe('TypePanel', () => {
  it('says how to reach the host, lists what to type, and that c checks', () => {
    const frame = render(<TypePanel step={step} sshHint="kthw lab ssh node-0" height={20} scroll={0} />).lastFrame()!;
    expect(frame).toContain('Open a shell on node-0 in another terminal:');
    expect(frame).toContain('  kthw lab ssh node-0');
    expect(frame).toContain("cat > /etc/kubernetes/ca.crt <<'EOF'");
    expect(frame).toContain('chmod 0644 /etc/kubernetes/ca.crt');
    expect(frame).toContain('systemctl enable --now kubelet');
    expect(frame).toContain('press c here to check');
  });

  it('a step without actions has nothing to type', () => {
    const frame = render(<TypePanel step={{ ...step, actions: [] }} sshHint="kthw lab ssh node-0" height={20} scroll={0} />).lastFrame()!;
    expect(frame).toContain('Nothing to type for this step');
    expect(frame).not.toContain('Then type:');
  });

  it('for a step on the learner’s machine, no ssh line', () => {
    const frame = render(<TypePanel step={{ ...step, host: 'local' }} sshHint="unused" height={20} scroll={0} />).lastFrame()!;
    expect(frame).toContain('on your own machine');
    expect(frame).not.toContain('unused');
  });
});
