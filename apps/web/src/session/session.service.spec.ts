import type { AppConfig } from '../config';
import type { AuthAnswer, AuthClient, CallContext } from './auth-client';
import { SessionService, type SessionRequest } from './session.service';

/** Stands in for auth: records calls and answers from a script. */
class FakeAuth {
  calls: { path: string; body: unknown; context: CallContext }[] = [];
  constructor(private readonly answers: Record<string, AuthAnswer>) {}
  async post(path: string, body: unknown, context: CallContext): Promise<AuthAnswer> {
    this.calls.push({ path, body, context });
    return this.answers[path] ?? { status: 500, body: {} };
  }
}

const config = { WEB_SECURE_COOKIES: false, WEB_SESSION_MAX_AGE_SECONDS: 3600 } as AppConfig;
const request = (extra: Partial<SessionRequest> = {}): SessionRequest => ({
  requestId: 'req-1',
  forwardedFor: '203.0.113.9, 127.0.0.1',
  https: false,
  ...extra,
});
const pair = {
  accessToken: 'access',
  refreshToken: 'R'.repeat(43),
  tokenType: 'Bearer',
  expiresIn: 900,
};

function service(answers: Record<string, AuthAnswer>): {
  sessions: SessionService;
  auth: FakeAuth;
} {
  const auth = new FakeAuth(answers);
  return { sessions: new SessionService(auth as unknown as AuthClient, config), auth };
}

describe('SessionService', () => {
  it('logs in: the access token to the page, the refresh token only into the cookie', async () => {
    const { sessions, auth } = service({ '/api/auth/login': { status: 200, body: pair } });
    const answer = await sessions.login({ email: 'a@example.com', password: 'pw' }, request());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ accessToken: 'access', tokenType: 'Bearer', expiresIn: 900 });
    expect(answer.setCookie).toBe(
      `web_session=${'R'.repeat(43)}; Path=/session; Max-Age=3600; HttpOnly; SameSite=Strict`,
    );
    expect(auth.calls[0]).toMatchObject({
      path: '/api/auth/login',
      body: { email: 'a@example.com', password: 'pw' },
      context: { requestId: 'req-1', forwardedFor: '203.0.113.9, 127.0.0.1' },
    });
  });

  it("passes auth's refusal on unchanged, with Retry-After, and sets no cookie", async () => {
    const refused = {
      statusCode: 429,
      code: 'AUTH.TOO_MANY_ATTEMPTS',
      message: 'Too many attempts',
    };
    const { sessions } = service({
      '/api/auth/login': { status: 429, body: refused, retryAfter: '30' },
    });
    const answer = await sessions.login({ email: 'a@example.com', password: 'pw' }, request());
    expect(answer).toEqual({ status: 429, body: refused, retryAfter: '30' });
  });

  it('marks the cookie Secure when the browser came over https', async () => {
    const { sessions } = service({ '/api/auth/login': { status: 200, body: pair } });
    const answer = await sessions.login(
      { email: 'a@example.com', password: 'pw' },
      request({ https: true }),
    );
    expect(answer.setCookie).toMatch(/; Secure$/);
  });

  it('refreshes with the cookie and rotates it', async () => {
    const rotated = { ...pair, refreshToken: 'N'.repeat(43), accessToken: 'access-2' };
    const { sessions, auth } = service({ '/api/auth/refresh': { status: 200, body: rotated } });
    const answer = await sessions.refresh(request({ refreshToken: 'R'.repeat(43) }));
    expect(auth.calls[0].body).toEqual({ refreshToken: 'R'.repeat(43) });
    expect(answer.body).toEqual({ accessToken: 'access-2', tokenType: 'Bearer', expiresIn: 900 });
    expect(answer.setCookie).toContain(`web_session=${'N'.repeat(43)};`);
  });

  it('answers 204 without calling auth when there is no cookie (nobody signed in)', async () => {
    const { sessions, auth } = service({});
    expect(await sessions.refresh(request())).toEqual({ status: 204 });
    expect(auth.calls).toHaveLength(0);
  });

  it('clears the cookie when auth refuses the refresh token (spent or revoked)', async () => {
    const reused = { statusCode: 401, code: 'AUTH.REFRESH_TOKEN_REUSED', message: 'reused' };
    const { sessions } = service({ '/api/auth/refresh': { status: 401, body: reused } });
    const answer = await sessions.refresh(request({ refreshToken: 'R'.repeat(43) }));
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(reused);
    expect(answer.setCookie).toContain('Max-Age=0');
  });

  it('logs out: revokes at auth and clears the cookie; without a cookie only clears it', async () => {
    const { sessions, auth } = service({ '/api/auth/logout': { status: 204, body: {} } });
    const answer = await sessions.logout(request({ refreshToken: 'R'.repeat(43) }));
    expect(auth.calls.map((c) => c.path)).toEqual(['/api/auth/logout']);
    expect(answer).toEqual({ status: 204, setCookie: expect.stringContaining('Max-Age=0') });
    await sessions.logout(request());
    expect(auth.calls).toHaveLength(1);
  });
});
