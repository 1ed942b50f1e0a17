/**
 * What the engine needs from a connection to a host. The SSH pool provides it for lab hosts and a
 * local executor for host `local`; the engine never knows which.
 */
export interface ExecOptions {
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  signal?: AbortSignal;
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Working directory of a command on this machine (host `local`); remote hosts ignore it. */
  cwd?: string;
  /** Extra environment of a command on this machine (host `local`); remote hosts ignore it. */
  env?: Record<string, string>;
}

export interface ExecResult {
  code: number | null;
  signal?: string | null;
  stdout: string;
  stderr: string;
}

export interface UploadOptions {
  mode: string;
  owner?: string;
  group?: string;
}

export interface HostExecutor {
  exec(host: string, command: string, options?: ExecOptions): Promise<ExecResult>;
  upload(host: string, path: string, content: Buffer | string, options: UploadOptions): Promise<void>;
}
