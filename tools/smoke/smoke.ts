// Smoke test of a running platform through its gateway (after `npm start`, or a deployment):
//   npx tsx tools/smoke/smoke.ts [gateway-url]      exits 1 if any check fails.
import { randomUUID } from 'node:crypto';

const gateway = (process.argv[2] ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const SERVICES = ['auth', 'webtoon', 'payment', 'news', 'blog'];

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
    name: 'gateway ready',
    run: async () => {
      expectStatus((await call('/health/ready')).status, 200, 'GET /health/ready');
      return 'ready';
    },
  },
  {
    name: 'every service has a healthy instance',
    run: async () => {
      const { status, body } = await call('/gateway/upstreams');
      expectStatus(status, 200, 'GET /gateway/upstreams');
      const text = JSON.stringify(body);
      const missing = SERVICES.filter((s) => !text.includes(`"${s}"`));
      if (missing.length > 0) throw new Error(`no instances listed for ${missing.join(', ')}`);
      return 'all five listed';
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
