import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOne } from './helpers.js';

function listen(options: { host: string; ipv6Only?: boolean }): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, ...options }, () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as { port: number }).port;
let v4: Server;
let v6: Server;
let dual: Server;
let closedPort: number;

beforeAll(async () => {
  v4 = await listen({ host: '127.0.0.1' });
  v6 = await listen({ host: '::1', ipv6Only: true });
  dual = await listen({ host: '::' });
  const gone = await listen({ host: '127.0.0.1' });
  closedPort = portOf(gone);
  await new Promise((resolve) => gone.close(resolve));
});
afterAll(() => [v4, v6, dual].forEach((s) => s.close()));

describe('port check against real listening sockets', () => {
  it('passes for a port listening on 127.0.0.1, with any address or that one', async () => {
    const port = portOf(v4);
    const any = await runOne('port', { port });
    expect(any.ok).toBe(true);
    expect(any.observed).toBe(`listening on 127.0.0.1:${port} (node)`);
    expect((await runOne('port', { port, address: '127.0.0.1' })).ok).toBe(true);
  });

  it('passes for ::1, whatever the spelling of the address', async () => {
    const result = await runOne('port', { port: portOf(v6), address: '0:0:0:0:0:0:0:1' });
    expect(result.ok).toBe(true);
    expect(result.observed).toBe(`listening on [::1]:${portOf(v6)} (node)`);
  });

  it('treats a dual-stack wildcard listener as covering IPv4 and IPv6 addresses', async () => {
    expect((await runOne('port', { port: portOf(dual), address: '127.0.0.1' })).ok).toBe(true);
    expect((await runOne('port', { port: portOf(dual), address: 'fd00:4::20' })).ok).toBe(true);
  });

  it('fails when nothing listens on the port', async () => {
    const result = await runOne('port', { port: closedPort });
    expect(result.ok).toBe(false);
    expect(result.observed).toBe('nothing listening');
    expect(result.diagnosis).toMatchObject({ found: `nothing listens on TCP port ${closedPort}`, where: `local: port ${closedPort}` });
  });

  it('fails when the port listens on another address only (loopback instead of the node address)', async () => {
    const port = portOf(v4);
    const result = await runOne('port', { port, address: '::1' });
    expect(result.diagnosis?.found).toBe(`TCP port ${port} is not listening on ::1 (only on 127.0.0.1:${port} (node))`);
    expect((await runOne('port', { port: portOf(v6), address: '127.0.0.1' })).ok).toBe(false);
  });

  it('with closed: true, fails when something listens and passes when nothing does', async () => {
    const port = portOf(v4);
    expect((await runOne('port', { port, closed: true })).diagnosis?.found).toBe(`expected nothing listening, found 127.0.0.1:${port} (node)`);
    expect((await runOne('port', { port: closedPort, closed: true })).ok).toBe(true);
  });

  it('rejects malformed params', async () => {
    await expect(runOne('port', { port: 70000 })).rejects.toThrow(/param "port" must be a number in 1\.\.65535/);
    await expect(runOne('port', { port: 22, address: 'localhost; id' })).rejects.toThrow(/param "address" must be an IPv4 or IPv6 address/);
  });
});
