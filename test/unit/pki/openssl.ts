import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The real openssl CLI: stdout and stderr together, and whether it exited 0. */
export async function openssl(...args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run('openssl', args);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export async function subjectOf(certPath: string): Promise<string> {
  const { output } = await openssl('x509', '-in', certPath, '-noout', '-subject', '-nameopt', 'RFC2253');
  return output.trim().replace(/^subject=/, '');
}

export async function matchesHost(certPath: string, name: string): Promise<boolean> {
  const { output } = await openssl('x509', '-in', certPath, '-noout', '-checkhost', name);
  if (!/does (NOT )?match/.test(output)) throw new Error(`openssl -checkhost said: ${output}`);
  return !output.includes('NOT match');
}

export async function matchesIp(certPath: string, ip: string): Promise<boolean> {
  const { output } = await openssl('x509', '-in', certPath, '-noout', '-checkip', ip);
  if (!/does (NOT )?match/.test(output)) throw new Error(`openssl -checkip said: ${output}`);
  return !output.includes('NOT match');
}

/** Key usage, extended key usage and basic constraints as openssl prints them, one line each. */
export async function usagesOf(certPath: string): Promise<{ keyUsage: string; extKeyUsage: string; basicConstraints: string }> {
  const { output } = await openssl('x509', '-in', certPath, '-noout', '-ext', 'basicConstraints,keyUsage,extendedKeyUsage');
  const after = (label: string) => {
    const match = new RegExp(`${label}:( critical)?[ ]*\\n\\s+(.*)`).exec(output);
    return match ? `${match[2]!.trim()}${match[1] ? ' (critical)' : ''}` : '';
  };
  return {
    keyUsage: after('X509v3 Key Usage'),
    extKeyUsage: after('X509v3 Extended Key Usage'),
    basicConstraints: after('X509v3 Basic Constraints'),
  };
}

export async function publicKeyOfCert(certPath: string): Promise<string> {
  return (await openssl('x509', '-in', certPath, '-noout', '-pubkey')).output;
}
export async function publicKeyOfKey(keyPath: string): Promise<string> {
  return (await openssl('pkey', '-in', keyPath, '-pubout')).output;
}
