import type { ParamReader } from './params.js';

/** Client TLS for etcdctl: all optional (classic KTHW's etcd speaks plain HTTP on 127.0.0.1). */
export interface EtcdTls {
  cacert?: string;
  cert?: string;
  key?: string;
}

export function readEtcdTls(read: ParamReader): EtcdTls {
  const tls = { cacert: read.optString('cacert'), cert: read.optString('cert'), key: read.optString('key') };
  if ((tls.cert === undefined) !== (tls.key === undefined)) read.fail(tls.cert === undefined ? 'cert' : 'key', 'given together with "cert"/"key"');
  return tls;
}

export function readEtcdUrl(read: ParamReader, field: string, url: string): string {
  let ok: boolean;
  try {
    const parsed = new URL(url);
    ok = (parsed.protocol === 'http:' || parsed.protocol === 'https:') && !url.includes(',');
  } catch {
    ok = false;
  }
  return ok ? url : read.fail(field, 'an http(s) URL such as https://[fd00:4::20]:2379');
}

/** etcdctl arguments (unquoted; the caller quotes each). Short timeouts: a dead member must not stall verify. */
export function etcdctlArgs(endpoints: string[], tls: EtcdTls): string[] {
  const args = ['etcdctl', '--endpoints', endpoints.join(','), '--dial-timeout', '2s', '--command-timeout', '3s'];
  if (tls.cacert !== undefined) args.push('--cacert', tls.cacert);
  if (tls.cert !== undefined) args.push('--cert', tls.cert);
  if (tls.key !== undefined) args.push('--key', tls.key);
  return args;
}

/** The telling part of etcdctl's noisy failure output (its gRPC warnings hide the cause in JSON). */
export function etcdFailureReason(output: string): string {
  const cause =
    /connect: connection refused|no route to host|i\/o timeout|x509: [^"\\]+|tls: [^"\\]+|authentication handshake failed[^"\\]*|executable file not found|not found|context deadline exceeded/.exec(
      output,
    );
  if (cause) return cause[0];
  const plain = output.split('\n').find((line) => line.trim() && !line.startsWith('{'));
  return plain?.trim() ?? 'no output';
}
