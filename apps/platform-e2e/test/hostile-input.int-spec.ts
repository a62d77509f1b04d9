import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { withDatabase, databaseOf } from '@lib/platform/testing';
import {
  RunningApp,
  appSpecs,
  platformClient,
  root,
  startPlatformCopy,
  stopApps,
  type Reply,
  type RequestOptions,
} from '@tools/start';

// Hostile input against the real platform, as an attacker would send it: through the gateway,
// anonymous where the routes allow it. Every such request gets its 4xx in the documented error
// body; a burst of them leaves every service serving other clients (no breaker opens); the
// client cannot choose its own address. Ports are shifted by 20000, beside the other e2e copy;
// admin ports to 22001–22006 and 27080, below the kernel's ephemeral ports (32768 and up),
// which the connections the apps open while they start take their local ports from.
// The gateway trusts no proxy, as in production without an ingress; its per-IP limits are
// raised so the burst reaches the services (the limits are not what this file tests).
const specs = appSpecs((name, port) =>
  name.endsWith('_admin') ? port - 2_000 : port + 20_000,
).map((spec) =>
  spec.name === 'gateway'
    ? { ...spec, env: { ...spec.env, GATEWAY_RATE_LIMIT_SCALE: '1000', TRUSTED_PROXIES: '' } }
    : spec.name === 'auth'
      ? { ...spec, env: { ...spec.env, LOGIN_MAX_FAILURES_PER_IP: '20' } }
      : spec,
);
const gatewaySpec = specs.find((s) => s.name === 'gateway')!;
const gateway = `http://127.0.0.1:${gatewaySpec.port}`;
const gatewayAdmin = `http://127.0.0.1:${gatewaySpec.adminPort}`;
const logDir = join(root, '.devstack', 'logs', 'e2e-hostile');
const run = randomUUID().slice(0, 8);
const admin = { email: `hostile-admin-${run}@example.com`, password: `Admin-${randomUUID()}` };

const client = platformClient(gateway);
/** Bodies here are written by hand (malformed, oversized), so they are sent as they are. */
const send = (
  method: string,
  path: string,
  { body, ...options }: Omit<RequestOptions, 'body' | 'rawBody'> & { body?: string } = {},
): Promise<Reply> => client(method, path, { ...options, rawBody: body });

/** What fetch cannot send: a request written byte by byte, and the raw answer. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

function rawStatusAndBody(answer: string): { status: number; body: Reply['body'] } {
  const status = Number(answer.split(' ')[1]);
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return { status, body: JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1)) };
}

const deepJson = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

function expectErrorBody(
  reply: { status: number; body: Reply['body'] },
  status: number,
  code: string,
) {
  expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
  expect(reply.body).toEqual(
    expect.objectContaining({
      statusCode: status,
      error: expect.any(String),
      message: expect.anything(),
      requestId: expect.stringMatching(/.+/),
    }),
  );
}

describe('hostile input through the gateway', () => {
  let apps: RunningApp[] = [];
  let authDb: DataSource;
  let token: string;
  let adminToken: string;

  const forgetLoopbackThrottle = () =>
    authDb.query(`DELETE FROM login_throttle WHERE key = 'ip:127.0.0.1'`);

  beforeAll(async () => {
    apps = await startPlatformCopy({
      specs,
      logDir,
      env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
    });
    // auth's database of this run (its tables exist once auth started), as the admin user.
    const authUrl = withDatabase(
      process.env.POSTGRES_ADMIN_URL!,
      databaseOf(process.env.AUTH_DATABASE_URL!),
    );
    authDb = await new DataSource({ type: 'postgres', url: authUrl }).initialize();
    await forgetLoopbackThrottle();
    const user = { email: `hostile-${run}@example.com`, password: `Pw-${randomUUID()}` };
    const signup = await send('POST', '/api/auth/signup', {
      body: JSON.stringify({ ...user, displayName: 'Hostile Tester' }),
    });
    expect(signup.status).toBe(202);
    const login = await send('POST', '/api/auth/login', { body: JSON.stringify(user) });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
    const adminLogin = await send('POST', '/api/auth/login', { body: JSON.stringify(admin) });
    expect(adminLogin.status).toBe(200);
    adminToken = adminLogin.body.accessToken;
  }, 240_000);

  afterAll(async () => {
    await stopApps(apps);
    if (authDb) {
      await forgetLoopbackThrottle();
      await authDb.destroy();
    }
  });

  it.each([
    ['POST', '/api/auth/signup', false],
    ['POST', '/api/auth/login', false],
    ['POST', '/api/auth/refresh', false],
    ['POST', '/api/blog/posts', true],
    ['POST', '/api/news', true],
    ['POST', '/api/webtoons', true],
    ['POST', '/api/payments/top-ups', true],
  ])(
    'answers JSON nested 2 400 levels on %s %s with 400 REQUEST.TOO_DEEP',
    async (method, path, withToken) => {
      const reply = await send(method, path, {
        body: deepJson(2_400),
        // The admin's token passes every role check at the edge; parsing comes before the service's.
        token: withToken ? adminToken : undefined,
        headers: { 'idempotency-key': randomUUID() },
      });
      expectErrorBody(reply, 400, 'REQUEST.TOO_DEEP');
    },
  );

  it.each([
    ['a NUL in a search', '/api/webtoons?q=%00', 'REQUEST.INVALID_STRING'],
    ['a NUL in a path id', '/api/news/abc%00', 'REQUEST.INVALID_STRING'],
    ['year 0', '/api/webtoons/ranking?date=0000-01-01', 'VALIDATION.FAILED'],
    [
      'an episode number in hex',
      `/api/webtoons/${randomUUID()}/episodes/0x1`,
      'VALIDATION.INVALID_EPISODE_NO',
    ],
    [
      'an episode number with an exponent',
      `/api/webtoons/${randomUUID()}/episodes/1e3`,
      'VALIDATION.INVALID_EPISODE_NO',
    ],
  ])('answers %s with 400', async (_case, path, code) => {
    expectErrorBody(await send('GET', path), 400, code);
  });

  it.each([
    ['a NUL', '"Bad\\u0000Name"'],
    ['a lone low surrogate', '"Bad\\udfffName"'],
    ['a lone high surrogate', '"Bad\\ud83dName"'],
  ])('answers a signup whose display name has %s with 400', async (_case, displayName) => {
    const body = `{"email":"s-${randomUUID().slice(0, 6)}@example.com","password":"long enough passphrase","displayName":${displayName}}`;
    expectErrorBody(
      await send('POST', '/api/auth/signup', { body }),
      400,
      'REQUEST.INVALID_STRING',
    );
  });

  it('answers two Host headers with 400, and oversized headers with 431, in the error body', async () => {
    const twoHosts = await rawRequest(
      gatewaySpec.port,
      'GET /api/webtoons HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n',
    );
    expectErrorBody(rawStatusAndBody(twoHosts), 400, 'REQUEST.DUPLICATE_HOST');
    const huge = await rawRequest(
      gatewaySpec.port,
      `GET /api/webtoons HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    expectErrorBody(rawStatusAndBody(huge), 431, 'REQUEST.HEADERS_TOO_LARGE');
  });

  it('serves no internal endpoint on the public port, and each on the admin port', async () => {
    for (const path of [
      '/metrics',
      '/gateway/upstreams',
      '/health/ready',
      '/health/live',
      '/openapi.json',
    ]) {
      expectErrorBody(await send('GET', path), 404, 'HTTP.NOT_FOUND');
    }
    for (const path of ['/metrics', '/gateway/upstreams', '/health/ready']) {
      expect({ path, status: (await fetch(`${gatewayAdmin}${path}`)).status }).toEqual({
        path,
        status: 200,
      });
    }
    // /docs stays public: the merged document of the public API, fetched from the services' admin ports.
    const docs = await send('GET', '/docs/openapi.json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/signup', '/api/webtoons']),
    );
    // Public operations declare no security requirement; the others a bearer token.
    const security = (path: string, method: string) => docs.body.paths[path]?.[method]?.security;
    expect({
      signup: security('/api/auth/signup', 'post'),
      newsRead: security('/api/news', 'get'),
      blogRead: security('/api/blog/posts/{id}', 'get'),
    }).toEqual({ signup: undefined, newsRead: undefined, blogRead: undefined });
    expect(security('/api/news', 'post')).toEqual([{ bearer: [] }]);
    expect(security('/api/auth/me', 'get')).toEqual([{ bearer: [] }]);
  });

  it('keeps serving other clients through 1 000 hostile requests, with no 5xx and every breaker closed', async () => {
    const hostile: (() => Promise<number>)[] = [
      async () => (await send('POST', '/api/auth/signup', { body: deepJson(2_400) })).status,
      async () => (await send('POST', '/api/auth/login', { body: deepJson(3_000) })).status,
      async () => (await send('POST', '/api/blog/posts', { body: deepJson(2_400), token })).status,
      async () => (await send('GET', '/api/webtoons?q=%00')).status,
      async () => (await send('GET', '/api/webtoons/ranking?date=0000-01-01')).status,
      async () => (await send('GET', '/api/blog/posts/x%00')).status,
    ];
    const hostileStatuses: Record<number, number> = {};
    const served: Record<string, number> = {};
    let next = 0;
    let stop = false;
    const attacker = Array.from({ length: 16 }, async () => {
      while (next < 1_000) {
        const status = await hostile[next++ % hostile.length]();
        hostileStatuses[status] = (hostileStatuses[status] ?? 0) + 1;
      }
    });
    const reads = [
      '/api/blog/posts',
      '/api/webtoons',
      '/api/news',
      '/api/auth/.well-known/jwks.json',
    ];
    const bystander = (async () => {
      for (let i = 0; !stop || i < reads.length; i++) {
        const status = (await send('GET', reads[i % reads.length])).status;
        served[status] = (served[status] ?? 0) + 1;
      }
    })();
    await Promise.all(attacker);
    stop = true;
    await bystander;
    console.log(
      `hostile answers ${JSON.stringify(hostileStatuses)}; bystander answers ${JSON.stringify(served)}`,
    );

    expect(Object.keys(hostileStatuses).filter((status) => Number(status) >= 500)).toEqual([]);
    expect(Object.values(hostileStatuses).reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(Object.keys(served)).toEqual(['200']);
    const upstreams = (await (await fetch(`${gatewayAdmin}/gateway/upstreams`)).json()) as {
      services: { service: string; circuit: string }[];
    };
    expect(upstreams.services.filter((s) => s.circuit !== 'closed')).toEqual([]);
    const metrics = await (await fetch(`${gatewayAdmin}/metrics`)).text();
    const openOrHalf = metrics
      .split('\n')
      .filter((line) => line.startsWith('gateway_circuit_state{') && !line.endsWith(' 0'));
    expect(openOrHalf).toEqual([]);
  });

  it('counts failed logins per client address whatever X-Forwarded-For says', async () => {
    await forgetLoopbackThrottle();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const reply = await send('POST', '/api/auth/login', {
        body: JSON.stringify({ email: `nobody-${run}-${i}@example.com`, password: 'wrong guess' }),
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
      });
      statuses.push(reply.status);
      if (reply.status === 429) {
        expect(reply.body.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
        break;
      }
    }
    // LOGIN_MAX_FAILURES_PER_IP is 20 here: the 21st failure from one address is refused.
    expect(statuses).toEqual([...Array.from({ length: 20 }, () => 401), 429]);
  });
});
