const log = (line: string) => console.log(`[ci:smoke] ${line}`);

/** A public read per service without a token. */
const PUBLIC_PROBES: Record<string, string> = {
  auth: '/api/auth/.well-known/jwks.json',
  webtoon: '/api/webtoons',
  news: '/api/news',
  blog: '/api/blog/posts',
};

interface Answer {
  status: number;
  body: unknown;
}

type Call = (
  path: string,
  init?: { method?: string; body?: unknown; token?: string },
) => Promise<Answer>;

function client(gateway: string): Call {
  return async (path, init = {}) => {
    const res = await fetch(`${gateway}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // not JSON: the check that reads it says so
    }
    return { status: res.status, body };
  };
}

function expectStatus(a: Answer, expected: number, what: string): void {
  if (a.status !== expected) throw new Error(`${what}: expected ${expected}, got ${a.status}`);
}

export interface SmokeAccount {
  email: string;
  password: string;
}

/** The smoke test's checks, in order; each resolves with a short result or throws why not. */
export function smokeChecks(
  call: Call,
  account: SmokeAccount,
): { name: string; run: () => Promise<string> }[] {
  return [
    {
      name: 'internal endpoints are not public',
      run: async () => {
        // Health, metrics and the upstream table live on the admin port (docs/security.md).
        for (const path of ['/health/ready', '/metrics', '/gateway/upstreams']) {
          expectStatus(await call(path), 404, `GET ${path} on the public port`);
        }
        return 'health, metrics, upstreams: 404';
      },
    },
    {
      name: 'every service answers through the gateway',
      run: async () => {
        // 503 is the gateway's answer for a service without a passing instance; payment is
        // checked after the login, its routes need a token.
        const down = [];
        for (const [service, path] of Object.entries(PUBLIC_PROBES)) {
          if ((await call(path)).status !== 200) down.push(service);
        }
        if (down.length > 0) throw new Error(`not answering: ${down.join(', ')}`);
        return Object.keys(PUBLIC_PROBES).join(', ');
      },
    },
    {
      name: 'catalogue, news and blog readable',
      run: async () => {
        expectStatus(await call('/api/webtoons'), 200, 'GET /api/webtoons');
        expectStatus(await call('/api/news'), 200, 'GET /api/news');
        expectStatus(await call('/api/blog/posts'), 200, 'GET /api/blog/posts');
        return 'ok';
      },
    },
    {
      name: 'the smoke account logs in',
      run: async () => {
        const credentials = { email: account.email, password: account.password };
        let login = await call('/api/auth/login', { method: 'POST', body: credentials });
        let created = '';
        // The account is made once per environment, by the first smoke test that finds it missing.
        if (login.status === 401) {
          const signup = await call('/api/auth/signup', {
            method: 'POST',
            body: { ...credentials, displayName: 'Smoke test' },
          });
          // 202 for a new and a taken email alike (docs/auth.md): the login below tells which.
          if (signup.status !== 202)
            throw new Error(
              `login 401 and POST /api/auth/signup answered ${signup.status}: wrong password for an existing account?`,
            );
          login = await call('/api/auth/login', { method: 'POST', body: credentials });
          if (login.status === 401)
            throw new Error('login 401 after a signup: wrong password for an existing account?');
          created = ' (account created)';
        }
        expectStatus(login, 200, 'POST /api/auth/login');
        const token = (login.body as { accessToken: string }).accessToken;
        expectStatus(await call('/api/auth/me', { token }), 200, 'GET /api/auth/me');
        expectStatus(
          await call('/api/payments/wallet', { token }),
          200,
          'GET /api/payments/wallet',
        );
        return `me and wallet answered${created}`;
      },
    },
    {
      name: 'errors are JSON with a request id',
      run: async () => {
        const a = await call('/api/payments/wallet');
        expectStatus(a, 401, 'GET /api/payments/wallet without a token');
        if (typeof (a.body as { requestId?: unknown } | undefined)?.requestId !== 'string')
          throw new Error('no requestId in the error body');
        return '401 with requestId';
      },
    },
  ];
}

/**
 * ci:smoke: the checks through the gateway, repeated until all pass or `withinS` is over (a
 * fresh rollout needs a few seconds until Consul reports its instances passing). The account
 * comes from SMOKE_EMAIL / SMOKE_PASSWORD (a Jenkins credential), never a new signup per run.
 */
export async function smoke(gateway: string, withinS: number): Promise<void> {
  const { SMOKE_EMAIL: email, SMOKE_PASSWORD: password } = process.env;
  if (!email || !password)
    throw new Error('set SMOKE_EMAIL and SMOKE_PASSWORD: the smoke test account');
  const checks = smokeChecks(client(gateway), { email, password });
  const deadline = Date.now() + withinS * 1000;
  log(`${gateway} as ${email.replace(/^(.).*@/, '$1…@')}`);
  for (let attempt = 1; ; attempt++) {
    const failures: string[] = [];
    const passes: string[] = [];
    for (const check of checks) {
      try {
        passes.push(`✓ ${check.name}: ${await check.run()}`);
      } catch (err) {
        failures.push(`✗ ${check.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failures.length === 0) {
      for (const p of passes) log(p);
      log(`${checks.length} checks passed (attempt ${attempt})`);
      return;
    }
    if (Date.now() > deadline) {
      for (const line of [...passes, ...failures]) log(line);
      throw new Error(`${failures.length} of ${checks.length} checks failing after ${withinS} s`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}
