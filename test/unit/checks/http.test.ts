import { copyFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOne, tempDir } from './helpers.js';
import { makePki, type Pki } from './pki-fixture.js';

const dir = tempDir('http-check');
let pki: Pki;
let mtls: Server;
let open: ReturnType<typeof createHttpServer>;
let mtlsUrl: string;
let mtls6Url: string;
let openUrl: string;

function respond(req: { url?: string }, res: { writeHead(code: number): void; end(body: string): void }) {
  if (req.url === '/healthz') {
    res.writeHead(200);
    res.end('ok');
  } else if (req.url === '/forbidden') {
    res.writeHead(403);
    res.end('forbidden');
  } else {
    res.writeHead(404);
    res.end('not found');
  }
}

beforeAll(async () => {
  pki = makePki(dir);
  // Like the API server: TLS with a client certificate required, signed by the cluster CA.
  mtls = createServer({ key: pki.pem('server.key'), cert: pki.pem('server.crt'), ca: pki.pem('ca.crt'), requestCert: true, rejectUnauthorized: true }, respond);
  await new Promise<void>((resolve) => mtls.listen(0, '::', resolve));
  const port = (mtls.address() as AddressInfo).port;
  mtlsUrl = `https://127.0.0.1:${port}`;
  mtls6Url = `https://[::1]:${port}`;
  open = createHttpServer(respond);
  await new Promise<void>((resolve) => open.listen(0, '127.0.0.1', resolve));
  openUrl = `http://127.0.0.1:${(open.address() as AddressInfo).port}`;
});
afterAll(() => {
  mtls.close();
  open.close();
});

const client = () => ({ cacert: pki.path('ca.crt'), cert: pki.path('admin.crt'), key: pki.path('admin.key') });

describe('http check against real servers', () => {
  it('passes a GET with a client certificate over IPv4 and IPv6', async () => {
    const result = await runOne('http', { url: `${mtlsUrl}/healthz`, ...client(), body: '^ok$' });
    expect(result.ok).toBe(true);
    expect(result.observed).toBe('HTTP 200, 2 bytes');
    expect((await runOne('http', { url: `${mtls6Url}/healthz`, ...client(), status: 200 })).ok).toBe(true);
  });

  it('fails without a client certificate, with curl’s reason', async () => {
    const result = await runOne('http', { url: `${mtlsUrl}/healthz`, cacert: pki.path('ca.crt') });
    expect(result.ok).toBe(false);
    expect(result.diagnosis?.found).toMatch(
      /^the server dropped the TLS connection: no client certificate was given; the server may require one \(curl exit (35|52|55|56): /,
    );
  });

  it('with refused: true, passes exactly when the server rejects the client', async () => {
    expect((await runOne('http', { url: `${mtlsUrl}/healthz`, cacert: pki.path('ca.crt'), refused: true })).ok).toBe(true);
    expect((await runOne('http', { url: `${openUrl}/forbidden`, refused: true })).observed).toBe('refused with HTTP 403');
    const accepted = await runOne('http', { url: `${mtlsUrl}/healthz`, ...client(), refused: true });
    expect(accepted.diagnosis?.found).toBe('the server accepted the request (HTTP 200); it must refuse this client');
  });

  it('with refused: true, fails when nothing listens (a refusal needs a server)', async () => {
    const result = await runOne('http', { url: 'https://127.0.0.1:9/', refused: true, timeoutSeconds: 5 });
    expect(result.diagnosis?.found).toMatch(/^expected a refusal by the server, but the request failed before: .*\(curl exit 7\)$/);
  });

  it('passes client certificate paths holding a colon (curl reads `--cert file:password`)', async () => {
    const cert = join(dir, 'admin:client.crt');
    const key = join(dir, 'admin:client.key');
    copyFileSync(pki.path('admin.crt'), cert);
    copyFileSync(pki.path('admin.key'), key);
    const result = await runOne('http', { url: `${mtlsUrl}/healthz`, cacert: pki.path('ca.crt'), cert, key });
    expect(result.diagnosis).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('fails when the server certificate is not from the given CA', async () => {
    const result = await runOne('http', { url: `${mtlsUrl}/healthz`, ...client(), cacert: pki.path('other-ca.crt') });
    expect(result.diagnosis?.found).toMatch(/^curl failed \(exit 60\): .*certificate/);
  });

  it('fails when the client certificate is from another CA', async () => {
    const result = await runOne('http', { url: `${mtlsUrl}/healthz`, ...client(), cert: pki.path('by-other-ca.crt'), key: pki.path('by-other-ca.key') });
    expect(result.diagnosis?.found).toMatch(
      /^the server dropped the TLS connection: the server may not trust the client certificate \(curl exit (35|52|55|56): /,
    );
  });

  it('fails on an unexpected status and on a body mismatch', async () => {
    expect((await runOne('http', { url: `${mtlsUrl}/missing`, ...client() })).diagnosis?.found).toBe('HTTP status 404, expected 200');
    const body = await runOne('http', { url: `${openUrl}/healthz`, body: '^healthy$' });
    expect(body.diagnosis).toMatchObject({ found: 'body does not match /^healthy$/: "ok"', where: `local: ${openUrl}/healthz` });
  });

  it('fails when nothing listens', async () => {
    expect((await runOne('http', { url: 'http://127.0.0.1:9/' })).diagnosis?.found).toMatch(
      /^curl failed \(exit 7\): .*(Connection refused|Failed to connect)/,
    );
  });

  it('rejects malformed params', async () => {
    await expect(runOne('http', { url: 'file:///etc/passwd' })).rejects.toThrow(/param "url" must be an http:\/\/ or https:\/\/ URL/);
    await expect(runOne('http', { url: mtlsUrl, key: '/k' })).rejects.toThrow(/param "cert" must be given when "key" is/);
  });
});
