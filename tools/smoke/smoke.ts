// Smoke test of a running platform through its gateway (after `npm start`, or a deployment):
//   npx tsx tools/smoke/smoke.ts [gateway-url]      exits 1 if any check fails.
import { randomUUID } from 'node:crypto';

const gateway = (process.argv[2] ?? 'http://127.0.0.1:8080').replace(/\/$/, '');

interface Check {
  name: string;
  run: () => Promise<string>;
}

async function call(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${gateway}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

function expectStatus(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

const email = `smoke-${randomUUID().slice(0, 8)}@example.com`;
const password = `Smoke-${randomUUID()}`;
let accessToken = '';

const checks: Check[] = [
  {
    name: 'internal endpoints are not public',
    run: async () => {
      for (const path of ['/health/ready', '/metrics', '/gateway/upstreams']) {
        expectStatus((await call(path)).status, 404, `GET ${path} on the public port`);
      }
      return 'health, metrics, upstreams: 404';
    },
  },
  {
    name: 'every service answers through the gateway',
    run: async () => {
      // 503 is the gateway's answer for a service without a passing instance.
      const probes: Record<string, string> = {
        auth: '/api/auth/.well-known/jwks.json',
        webtoon: '/api/webtoons',
        news: '/api/news',
        blog: '/api/blog/posts',
      };
      const down = [];
      for (const [service, path] of Object.entries(probes)) {
        if ((await call(path)).status !== 200) down.push(service);
      }
      if (down.length > 0) throw new Error(`not answering: ${down.join(', ')}`);
      return `${Object.keys(probes).join(', ')} (payment: after login)`;
    },
  },
  {
    name: 'catalogue readable',
    run: async () => {
      expectStatus((await call('/api/webtoons')).status, 200, 'GET /api/webtoons');
      expectStatus((await call('/api/news')).status, 200, 'GET /api/news');
      expectStatus((await call('/api/blog/posts')).status, 200, 'GET /api/blog/posts');
      return 'webtoons, news, blog';
    },
  },
  {
    name: 'sign up, log in, me',
    run: async () => {
      const signup = await call('/api/auth/signup', {
        method: 'POST',
        body: JSON.stringify({ email, password, displayName: 'Smoke Test' }),
      });
      expectStatus(signup.status, 201, 'POST /api/auth/signup');
      const login = await call('/api/auth/login', {
        method: 'POST',
        body: JSON.stringify({ email, password }),
      });
      expectStatus(login.status, 200, 'POST /api/auth/login');
      accessToken = (login.body as { accessToken: string }).accessToken;
      const me = await call('/api/auth/me', {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expectStatus(me.status, 200, 'GET /api/auth/me');
      const wallet = await call('/api/payments/wallet', {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      if (wallet.status === 503) throw new Error('payment has no healthy instance');
      return email;
    },
  },
  {
    name: 'errors are JSON with a request id',
    run: async () => {
      const { status, body } = await call('/api/payments/wallet');
      expectStatus(status, 401, 'GET /api/payments/wallet without a token');
      if (typeof (body as { requestId?: unknown }).requestId !== 'string')
        throw new Error('no requestId');
      return '401 body ok';
    },
  },
];

async function main(): Promise<void> {
  console.log(`smoke test of ${gateway}`);
  let failed = 0;
  for (const check of checks) {
    try {
      console.log(`  ✓ ${check.name}: ${await check.run()}`);
    } catch (error) {
      failed++;
      console.log(`  ✗ ${check.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

void main();
