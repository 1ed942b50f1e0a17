import { assertion, unsafe } from './ansible-tasks.js';
import type { HttpParams } from './http.js';
import type { AnsibleContext, AnsibleTask } from './types.js';

/**
 * How Python's urllib reports a server that dropped the TLS connection (an alert such as
 * "certificate required", a reset or an empty reply): the judge's curl exits 35/52/55/56. A server
 * certificate that fails verification, a refused connection or a timeout are not refusals by the server.
 */
const droppedByPeer = 'SSL|TLS|tls|reset by peer|[Rr]emote end closed|EOF|[Cc]onnection aborted';
const notDropped = 'CERTIFICATE_VERIFY_FAILED|certificate verify failed|[Cc]onnection refused|timed out';

/** A GET by ansible.builtin.uri on the host, with the same CA, client certificate and expectations as curl's. */
export function httpTasks(p: HttpParams, ctx: AnsibleContext): AnsibleTask[] {
  const r = ctx.register;
  const request: Record<string, unknown> = {
    url: unsafe(p.url),
    method: 'GET',
    timeout: Math.ceil(p.timeoutSeconds),
    follow_redirects: 'none',
    validate_certs: true,
    return_content: p.body !== undefined,
  };
  if (p.cacert !== undefined) request.ca_path = unsafe(p.cacert);
  if (p.cert !== undefined) request.client_cert = unsafe(p.cert);
  if (p.key !== undefined) request.client_key = unsafe(p.key);
  const vars: Record<string, unknown> = {};
  const that: string[] = [];
  if (p.refused) {
    const dropped = p.url.startsWith('https:') ? ` or (${r}.status == -1 and ${r}.msg is search('${droppedByPeer}') and ${r}.msg is not search('${notDropped}'))` : '';
    that.push(`${r}.status in [401, 403]${dropped}`);
  } else {
    if (p.status !== undefined) that.push(`${r}.status == ${p.status}`);
    if (p.body) {
      vars.expected_body = unsafe(p.body.source);
      that.push(`${r}.content | default('') is search(expected_body, multiline=True)`);
    }
  }
  return [
    { name: 'Send the request', 'ansible.builtin.uri': request, register: r, failed_when: false, check_mode: false },
    assertion(ctx, p.refused ? 'Assert the server refused the client' : 'Assert status and body', that, vars),
  ];
}
