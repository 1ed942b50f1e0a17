/**
 * An HTTP(S) GET made by curl on the host, optionally with a client certificate. `refused` turns
 * it around: the server must reject the client (TLS alert or 401/403), e.g. etcd without a cert.
 */
export interface HttpParams {
  url: string;
  cacert?: string;
  cert?: string;
  key?: string;
  status?: number;
  body?: RegExp;
  refused: boolean;
  timeoutSeconds: number;
}

/** curl reads `--cert file:password`; a literal colon or backslash in a path must be escaped. */
export function curlCertPath(path: string): string {
  return path.replaceAll('\\', '\\\\').replaceAll(':', '\\:');
}
