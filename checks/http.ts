import { shq } from '../src/ssh/shell-quote.js';
import { errorText, factOf, gatherScript, parseFacts } from './facts.js';
import { ParamReader } from './params.js';
import type { CheckPrimitive } from './types.js';
import { fail, verdictFrom } from './verdict.js';
import { httpTasks } from './http-ansible.js';
import { curlCertPath, type HttpParams } from './http-params.js';
export { curlCertPath, type HttpParams } from './http-params.js';

/**
 * curl exit codes meaning: connected over TLS, then dropped by the peer: during the handshake (35),
 * or right after it, since TLS 1.3 servers send their client-certificate verdict after the
 * handshake and curl then meets an empty reply (52) or a failed send (55) or receive (56).
 */
const rejectedByPeer = new Set([35, 52, 55, 56]);
const statusMarker = '\nkthw-http-status:';

export const httpCheck: CheckPrimitive<HttpParams> = {
  kind: 'http',

  parse(params) {
    const read = new ParamReader('http', params);
    const url = read.string('url');
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      read.fail('url', 'an http:// or https:// URL');
    }
    const cert = read.optString('cert');
    const key = read.optString('key');
    if (key !== undefined && cert === undefined) read.fail('cert', 'given when "key" is');
    const refused = read.optBoolean('refused') ?? false;
    return {
      url,
      cacert: read.optString('cacert'),
      cert,
      key,
      status: read.optInteger('status', { min: 100, max: 599 }) ?? (refused ? undefined : 200),
      body: read.optRegex('body'),
      refused,
      timeoutSeconds: read.optNumber('timeoutSeconds', { min: 1, max: 300 }) ?? 10,
    };
  },

  gather(p) {
    const args = ['curl', '-sS', '--max-time', String(p.timeoutSeconds), '-w', `${statusMarker}%{http_code}`];
    if (p.cacert !== undefined) args.push('--cacert', p.cacert);
    if (p.cert !== undefined) args.push('--cert', curlCertPath(p.cert));
    if (p.key !== undefined) args.push('--key', p.key);
    args.push('--url', p.url);
    return gatherScript([`kthw_fact http ${args.map(shq).join(' ')}`]);
  },

  judge(p, text) {
    const http = factOf(parseFacts(text), 'http');
    const cut = http.stdout.lastIndexOf(statusMarker);
    const body = cut < 0 ? http.stdout : http.stdout.slice(0, cut);
    const status = cut < 0 ? 0 : Number(http.stdout.slice(cut + statusMarker.length).trim());
    const where = p.url;
    const rejected = rejectedByPeer.has(http.code) && p.url.startsWith('https:');
    if (p.refused) {
      if (rejected) return verdictFrom([], `refused: ${errorText(http, 1)}`, where);
      if (http.code === 0 && (status === 401 || status === 403)) return verdictFrom([], `refused with HTTP ${status}`, where);
      if (http.code === 0) return fail(`HTTP ${status}`, `the server accepted the request (HTTP ${status}); it must refuse this client`, where);
      return fail('no connection', `expected a refusal by the server, but the request failed before: ${errorText(http)} (curl exit ${http.code})`, where);
    }
    if (rejected) {
      const hint = p.cert === undefined ? 'no client certificate was given; the server may require one' : 'the server may not trust the client certificate';
      return fail('rejected', `the server dropped the TLS connection: ${hint} (curl exit ${http.code}: ${errorText(http, 1)})`, where);
    }
    if (http.code !== 0) return fail('request failed', `curl failed (exit ${http.code}): ${errorText(http)}`, where);
    const problems: string[] = [];
    if (p.status !== undefined && status !== p.status) problems.push(`HTTP status ${status}, expected ${p.status}`);
    if (p.body && !p.body.test(body)) problems.push(`body does not match /${p.body.source}/: ${JSON.stringify(body.slice(0, 200))}`);
    return verdictFrom(problems, `HTTP ${status}, ${body.length} bytes`, where);
  },

  ansible: (p, ctx) => httpTasks(p, ctx),
};
