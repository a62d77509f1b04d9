import { connect } from 'node:net';
import { TestTokenIssuer } from '@lib/platform/testing';
import type { Echo } from './support/echo-upstream';
import { startGateway, testServiceName, type RunningGateway } from './support/gateway-app';
import {
  killAll,
  spawnInstance,
  waitFor,
  type UpstreamInstance,
} from './support/upstream-instances';
import type { RouteDefinition } from '../src/routing/route-table';

jest.setTimeout(60_000);

interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/**
 * Sends bytes exactly as given (no client normalises `..` or encodings here) and reads the
 * answer until the gateway closes the connection.
 */
function raw(port: number, request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: Number(text.slice(9, 12)),
        headers: text.slice(0, split).toLowerCase(),
        body: text.slice(split + 4),
      });
    });
    socket.write(request);
  });
}

/** The JSON error body of a raw response, whatever the transfer coding. */
function jsonBody(response: RawResponse): Record<string, unknown> {
  const body = response.headers.includes('transfer-encoding: chunked')
    ? response.body.replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '')
    : response.body;
  return JSON.parse(body) as Record<string, unknown>;
}

describe('gateway edge: auth, limits and bad input (real Consul)', () => {
  const consulUrl = () => process.env.CONSUL_URL!;
  const service = testServiceName('edge');
  const open = { ratePerSecond: 100_000, burst: 100_000 };
  const common = { service, timeoutMs: 2_000, retryableMethods: ['GET'] } as const;
  const routes: RouteDefinition[] = [
    { ...common, prefix: '/api/open', auth: 'none', rateLimit: { perIp: open } },
    { ...common, prefix: '/api/wallet', auth: 'always', rateLimit: { perIp: open } },
    {
      ...common,
      prefix: '/api/scarce',
      auth: 'none',
      rateLimit: { perIp: { ratePerSecond: 0.5, burst: 3 } },
    },
  ];
  let gateway: RunningGateway;
  let instance: UpstreamInstance;

  const request = async (method: string, path: string, headers: Record<string, string> = {}) => {
    const response = await gateway.client.request({ method: method as 'GET', path, headers });
    return {
      status: response.statusCode,
      headers: response.headers,
      body: (await response.body.json()) as Echo & Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    gateway = await startGateway(routes, { BODY_LIMIT_BYTES: '4096' });
    instance = await spawnInstance(consulUrl(), service, 'edge-1');
    await waitFor(
      'the instance to be routed to',
      async () => (await request('GET', '/api/open/ping')).status === 200,
    );
  });

  afterAll(async () => {
    await killAll(consulUrl(), [instance]);
    await gateway.close();
  });

  describe('edge auth', () => {
    it('answers 401 on a protected route without a token, and never calls the service', async () => {
      const response = await request('GET', '/api/wallet');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'AUTH.TOKEN_MISSING',
        requestId: response.headers['x-request-id'],
      });
      expect(response.headers['x-upstream-instance']).toBeUndefined();
    });

    it('answers 401 for a token signed by another key', async () => {
      const stranger = await TestTokenIssuer.create(gateway.issuer.kid);
      const token = await stranger.sign('u1');
      const response = await request('GET', '/api/wallet', { authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    });

    it('proxies with a valid token, passing it on', async () => {
      const token = await gateway.issuer.sign('u1');
      const response = await request('GET', '/api/wallet', { authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      expect(response.body.headers.authorization).toBe(`Bearer ${token}`);
    });
  });

  it('answers 429 with Retry-After over the per-IP limit, and counts it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request('GET', '/api/scarce/x')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await request('GET', '/api/scarce/x');
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'GATEWAY.RATE_LIMITED',
    });
    const metrics = await (
      await gateway.admin.request({ method: 'GET', path: '/metrics' })
    ).body.text();
    expect(metrics).toContain(
      'gateway_rate_limited_total{route="/api/scarce",limit="ip",app="gateway"} 2',
    );
  });

  describe('bad input over a raw socket', () => {
    it.each([
      ['a dot-dot segment', '/api/open/../wallet'],
      ['an encoded dot-dot', '/api/open/%2e%2e/wallet'],
      ['an encoded slash', '/api/open%2F..%2Fwallet'],
      ['an encoded backslash', '/api/open/..%5Cwallet'],
      ['an empty segment', '/api/open//x'],
    ])('refuses %s with 400 before routing', async (_case, path) => {
      const response = await raw(
        gateway.port,
        `GET ${path} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`,
      );
      expect(response.status).toBe(400);
      expect(jsonBody(response)).toMatchObject({ statusCode: 400, code: 'GATEWAY.INVALID_PATH' });
    });

    it('answers 413 for a declared body over the limit without reading it', async () => {
      const response = await raw(
        gateway.port,
        `POST /api/open/x HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n{"a":`,
      );
      expect(response.status).toBe(413);
      expect(jsonBody(response)).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    });

    it('answers 413 for a chunked body that grows over the limit', async () => {
      const chunk = 'x'.repeat(3000);
      const size = chunk.length.toString(16);
      const response = await raw(
        gateway.port,
        `POST /api/open/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
          `${size}\r\n${chunk}\r\n${size}\r\n${chunk}\r\n0\r\n\r\n`,
      );
      expect(response.status).toBe(413);
    });

    it('answers 431 to a header flood', async () => {
      const flood = Array.from(
        { length: 2000 },
        (_, i) => `X-Flood-${i}: ${'v'.repeat(20)}\r\n`,
      ).join('');
      const response = await raw(
        gateway.port,
        `GET /api/open/x HTTP/1.1\r\nHost: gw\r\n${flood}\r\n`,
      );
      expect(response.status).toBe(431);
      expect(jsonBody(response)).toMatchObject({ statusCode: 431 });
    });

    it('refuses a request with both Content-Length and Transfer-Encoding (smuggling)', async () => {
      const response = await raw(
        gateway.port,
        'POST /api/open/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      );
      expect(response.status).toBe(400);
    });

    it('forwards a chunked body with its own framing, dropping hop-by-hop headers', async () => {
      const response = await raw(
        gateway.port,
        'POST /api/open/echo HTTP/1.1\r\nHost: gw\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n' +
          'Connection: close, X-Internal\r\nX-Internal: secret\r\nKeep-Alive: timeout=99\r\nTE: trailers\r\n\r\n' +
          '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
      );
      expect(response.status).toBe(200);
      const echo = jsonBody(response) as unknown as Echo;
      expect(echo.body).toBe('hello world');
      expect(echo.headers['content-length']).toBe('11');
      for (const name of ['transfer-encoding', 'x-internal', 'keep-alive', 'te']) {
        expect(echo.headers[name]).toBeUndefined();
      }
      expect(response.headers).not.toContain('keep-alive: timeout=5');
    });
  });
});
