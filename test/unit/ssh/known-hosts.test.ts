import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFieldMatches, judgeHostKey, knownHostsName, parseKnownHosts, sha256Fingerprint } from '../../../src/ssh/index.js';
import { fingerprintOf, keygen, type KeyPair } from './sshd-fixture.js';

let dir: string;
let ed: KeyPair;
let ed2: KeyPair;
let ecdsa: KeyPair;
let rsa: KeyPair;
const blob = (k: KeyPair) => Buffer.from(k.base64, 'base64');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kthw-known-hosts-'));
  ed = keygen(join(dir, 'ed'), 'ed25519');
  ed2 = keygen(join(dir, 'ed2'), 'ed25519');
  ecdsa = keygen(join(dir, 'ecdsa'), 'ecdsa');
  rsa = keygen(join(dir, 'rsa'), 'rsa');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fingerprints', () => {
  it('match ssh-keygen -l for every key type', () => {
    for (const key of [ed, ecdsa, rsa]) expect(sha256Fingerprint(blob(key))).toBe(fingerprintOf(`${key.path}.pub`));
  });
});

describe('known_hosts lookups', () => {
  it('names non-22 ports the OpenSSH way', () => {
    expect(knownHostsName('10.0.0.5', 22)).toBe('10.0.0.5');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
    expect(knownHostsName('FD00:4::20', 2222)).toBe('[fd00:4::20]:2222');
  });

  it('matches comma lists, wildcards and negations', () => {
    expect(hostFieldMatches('server,10.0.0.5,[10.0.0.5]:2222', '[10.0.0.5]:2222')).toBe(true);
    expect(hostFieldMatches('server,10.0.0.5', '[10.0.0.5]:2222')).toBe(false);
    expect(hostFieldMatches('*.kubernetes.local,!evil.kubernetes.local', 'node-0.kubernetes.local')).toBe(true);
    expect(hostFieldMatches('*.kubernetes.local,!evil.kubernetes.local', 'evil.kubernetes.local')).toBe(false);
    expect(hostFieldMatches('node-?', 'node-1')).toBe(true);
    expect(hostFieldMatches('node-?', 'node-10')).toBe(false);
    expect(hostFieldMatches('a.b', 'aXb')).toBe(false);
  });

  it('trusts plain entries and tells changed from unknown', () => {
    const entries = parseKnownHosts(`# comment\n\nserver,10.0.0.5 ${ed.type} ${ed.base64}\n[10.0.0.5]:2222 ${rsa.type} ${rsa.base64}\n`, 'kh');
    expect(judgeHostKey(entries, '10.0.0.5', blob(ed))).toEqual({ status: 'trusted', where: 'kh:3' });
    const changed = judgeHostKey(entries, '10.0.0.5', blob(ed2));
    expect(changed.status).toBe('changed');
    expect(judgeHostKey(entries, '10.0.0.5', blob(ecdsa))).toEqual({ status: 'unknown', knownTypes: ['ssh-ed25519'] });
    expect(judgeHostKey(entries, '[10.0.0.5]:2222', blob(rsa)).status).toBe('trusted');
    expect(judgeHostKey(entries, '[10.0.0.5]:2222', blob(ed)).status).toBe('unknown');
    expect(judgeHostKey(entries, '10.0.0.6', blob(ed))).toEqual({ status: 'unknown', knownTypes: [] });
  });

  it('reads entries hashed by ssh-keygen -H', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `server,10.0.0.5 ${ed.type} ${ed.base64}\n[fd00:4::20]:2222 ${ecdsa.type} ${ecdsa.base64}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('10.0.0.5');
    expect(text).toMatch(/^\|1\|/m);
    const entries = parseKnownHosts(text, file);
    expect(judgeHostKey(entries, '10.0.0.5', blob(ed)).status).toBe('trusted');
    expect(judgeHostKey(entries, 'server', blob(ed)).status).toBe('trusted');
    expect(judgeHostKey(entries, '[fd00:4::20]:2222', blob(ecdsa)).status).toBe('trusted');
    expect(judgeHostKey(entries, '10.0.0.6', blob(ed)).status).toBe('unknown');
    expect(judgeHostKey(entries, '10.0.0.5', blob(ed2)).status).toBe('changed');
  });

  it('refuses a revoked key even when another line trusts it', () => {
    const entries = parseKnownHosts(`10.0.0.5 ${ed.type} ${ed.base64}\n@revoked * ${ed.type} ${ed.base64}\n`, 'kh');
    expect(judgeHostKey(entries, '10.0.0.5', blob(ed))).toEqual({ status: 'revoked', where: 'kh:2' });
  });

  it('skips @cert-authority lines and corrupt lines', () => {
    const entries = parseKnownHosts(
      `@cert-authority * ${ed.type} ${ed.base64}\n10.0.0.5 ssh-ed25519 bm90IGEga2V5\n10.0.0.5 ssh-rsa ${ed.base64}\nbroken\n`,
      'kh',
    );
    expect(entries).toEqual([]);
  });
});
