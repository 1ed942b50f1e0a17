import { Scalar } from 'yaml';
import { assertion, probe, unsafe, type Argv } from './ansible-tasks.js';
import { curlCertPath, type HttpParams } from './http-params.js';
import type { AnsibleContext, AnsibleTask } from './types.js';

/**
 * curl on the host, as the judge runs it, not ansible.builtin.uri: ansible-core 2.14's uri cannot
 * make an HTTPS request from Python 3.12 or newer (Debian 13's), it fails with "unexpected keyword
 * argument 'cert_file'"; and curl's exit codes are what the judge reads (35/52/55/56: the server
 * dropped the TLS connection, i.e. refused the client). ansible-lint's command-instead-of-module
 * would send us to that broken module: the task says so in its noqa comment, the one exception the
 * export makes (test/unit/automation/ansible-export.test.ts holds it to exactly this).
 */
const statusMarker = 'kthw-http-status:';

export const curlNoqa = 'noqa: command-instead-of-module (uri fails on Python 3.12+ with ansible-core 2.14)';

export function httpTasks(p: HttpParams, ctx: AnsibleContext): AnsibleTask[] {
  const r = ctx.register;
  const argv: Argv = ['curl', '-sS', '--max-time', String(p.timeoutSeconds), '-w', `\\n${statusMarker}%{http_code}`];
  if (p.cacert !== undefined) argv.push('--cacert', unsafe(p.cacert));
  if (p.cert !== undefined) argv.push('--cert', unsafe(curlCertPath(p.cert)));
  if (p.key !== undefined) argv.push('--key', unsafe(p.key));
  argv.push('--url', unsafe(p.url));
  const vars: Record<string, unknown> = {
    http_status: `{{ ${r}.stdout | regex_findall('${statusMarker}([0-9]*)$') | last | default('') }}`,
  };
  const that: string[] = [];
  if (p.refused) {
    const dropped = p.url.startsWith('https:') ? `${r}.rc in [35, 52, 55, 56] or ` : '';
    that.push(`${dropped}(${r}.rc == 0 and http_status in ["401", "403"])`);
  } else {
    that.push(`${r}.rc == 0`);
    if (p.status !== undefined) that.push(`http_status == "${p.status}"`);
    if (p.body) {
      vars.expected_body = unsafe(p.body.source);
      that.push(`${r}.stdout | regex_replace('\\n${statusMarker}[0-9]*$', '') is search(expected_body, multiline=True)`);
    }
  }
  const name = new Scalar('Send the request with curl');
  name.comment = ` ${curlNoqa}`;
  return [
    { ...probe('Send the request with curl', argv, r), name },
    assertion(ctx, p.refused ? 'Assert the server refused the client' : 'Assert status and body', that, vars),
  ];
}
