import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sh, shq } from '../../../src/ssh/index.js';

/** The words a real POSIX shell makes of `command`, each ended by a NUL. */
function words(command: string): string[] {
  const out = execFileSync('sh', ['-c', `for w in ${command}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const hostile = [
  'a;b',
  '$(id)',
  '`id`',
  "it's",
  '"double"',
  'new\nline',
  '  spaces  ',
  'tab\there',
  '*',
  '$HOME',
  '\\',
  '-rf',
  '',
  '~',
  '!x',
  'a|b&c',
  '<in >out',
];

describe('shq', () => {
  it('every hostile value reaches sh as exactly one, unchanged word', () => {
    for (const value of hostile) expect(words(shq(value))).toEqual([value]);
  });

  it('leaves plain words readable and quotes the rest', () => {
    expect(shq('node-0.kubernetes.local')).toBe('node-0.kubernetes.local');
    expect(shq('/etc/kubernetes/pki/ca.crt')).toBe('/etc/kubernetes/pki/ca.crt');
    expect(shq(6443)).toBe('6443');
    expect(shq("it's")).toBe(`'it'\\''s'`);
    expect(shq('')).toBe("''");
  });

  it('refuses a NUL byte, which no shell argument can carry', () => {
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });
});

describe('sh tagged template', () => {
  it('quotes every interpolation, arrays as separate words, and keeps literal text as code', () => {
    const file = 'my file; rm -rf /';
    const command = sh`printf '%s\\n' ${file} ${['a b', '$(x)']} done`;
    const out = execFileSync('sh', ['-c', command], { encoding: 'utf8' });
    expect(out).toBe('my file; rm -rf /\na b\n$(x)\ndone\n');
  });

  it('runs hostile values through a real shell unchanged', () => {
    for (const value of hostile) {
      expect(execFileSync('sh', ['-c', sh`printf '%s' ${value}`], { encoding: 'utf8' })).toBe(value);
    }
  });
});
