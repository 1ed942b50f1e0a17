/**
 * A kubeconfig on the host: the current context's server, cluster CA and user certificate.
 * The file is read with every `client-key-data` value blanked out on the host; for the key↔cert
 * match the host prints only each embedded key's public half.
 */
export interface KubeconfigParams {
  path: string;
  server?: string;
  caPem?: string;
  caPath?: string;
  context?: string;
  /** The user name the context must use (`system:node:node-0`). */
  user?: string;
  userCn?: string;
  userO?: string[];
  /** Check that the embedded client key belongs to the client certificate (default true). */
  keyMatch: boolean;
}
