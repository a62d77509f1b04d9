import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventEnvelope } from '@lib/contracts';
import { createPlatformApp } from '@lib/platform';
import { TestTokenIssuer, waitFor } from '@lib/platform/testing';
import { base64url, decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configSchema } from '../src/config';
import { KEY_FILE_NAME } from '../src/keys/key-files';

/**
 * auth over HTTP against the dev stack's PostgreSQL (database auth, role auth) and Kafka.
 * Every test uses fresh emails and its own client IP (X-Forwarded-For from loopback is
 * trusted), so runs do not disturb each other's rows or throttle counters.
 */
describe('auth service (PostgreSQL + Kafka)', () => {
  const run = randomUUID().slice(0, 8);
  const adminEmail = `admin-${run}@example.com`;
  const adminPassword = 'admin passphrase for tests';
  const password = 'a perfectly fine passphrase';
  let keysDir: string;
  let app: NestFastifyApplication;
  let consumer: Consumer;
  const events: { key: string | null; envelope: EventEnvelope }[] = [];

  const email = (label: string) => `${label}-${run}-${randomUUID().slice(0, 6)}@example.com`;
  const ip = () => `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
  const http = () => request(app.getHttpServer());

  const signup = (address: string, body: Record<string, unknown> = {}) =>
    http()
      .post('/api/auth/signup')
      .send({ email: address, password, displayName: 'Test User', ...body });
  const login = (address: string, pass = password, from = ip()) =>
    http()
      .post('/api/auth/login')
      .set('x-forwarded-for', from)
      .send({ email: address, password: pass });
  const me = (accessToken: string) =>
    http().get('/api/auth/me').set('authorization', `Bearer ${accessToken}`);
  const refresh = (refreshToken: string) => http().post('/api/auth/refresh').send({ refreshToken });

  beforeAll(async () => {
    keysDir = await mkdtemp(join(tmpdir(), 'auth-int-keys-'));
    app = await createPlatformApp({
      name: 'auth',
      module: AppModule,
      configSchema: configSchema,
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'warn',
        CONSUL_REGISTER: 'false',
        AUTH_KEYS_DIR: keysDir,
        ADMIN_EMAIL: adminEmail,
        ADMIN_PASSWORD: adminPassword,
        REFRESH_SESSION_MAX_SECONDS: '3600',
        REFRESH_TOKEN_TTL_SECONDS: '7200',
        REFRESH_REUSE_GRACE_SECONDS: '20',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
        LOGIN_MAX_FAILURES_PER_IP: '12',
      },
    });

    const kafka = new Kafka({
      clientId: `auth-int-${run}`,
      brokers: process.env.KAFKA_BROKERS!.split(','),
      logLevel: logLevel.NOTHING,
    });
    consumer = kafka.consumer({ groupId: `auth-int-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'auth.users', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        events.push({
          key: message.key?.toString() ?? null,
          envelope: JSON.parse(message.value!.toString()) as EventEnvelope,
        });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await app?.close();
    await rm(keysDir, { recursive: true, force: true });
  });

  const eventFor = (type: string, userId: string) =>
    waitFor(
      async () =>
        events.find(
          (e) =>
            e.envelope.type === type && (e.envelope.data as { userId: string }).userId === userId,
        ),
      30_000,
    );

  it('signup → login → me → refresh → reuse of a spent token → family revoked → logout', async () => {
    const address = email('flow');
    const created = await signup(`  ${address.toUpperCase()} `);
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ status: 'accepted', message: expect.any(String) });

    const session = await login(address);
    expect(session.status).toBe(200);
    expect(session.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    const claims = decodeJwt(session.body.accessToken);
    expect(claims).toMatchObject({ iss: 'auth', aud: 'platform', roles: ['reader'] });
    expect(claims.exp! - claims.iat!).toBe(900);

    const profile = await me(session.body.accessToken);
    expect(profile.status).toBe(200);
    expect(profile.body).toEqual({
      id: claims.sub,
      email: address,
      displayName: 'Test User',
      roles: ['reader'],
      createdAt: expect.any(String),
    });

    const rotated = await refresh(session.body.refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(session.body.refreshToken);
    expect((await me(rotated.body.accessToken)).status).toBe(200);
    const rotatedAgain = await refresh(rotated.body.refreshToken);
    expect(rotatedAgain.status).toBe(200);

    // The first token's successor was used, so its holder moved on: a replay, even within the
    // grace window, is reuse.
    const reuse = await refresh(session.body.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('AUTH.REFRESH_TOKEN_REUSED');
    // The legitimate holder's newer token dies with the family: both parties must log in again.
    const revoked = await refresh(rotatedAgain.body.refreshToken);
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('AUTH.REFRESH_TOKEN_INVALID');

    const again = await login(address);
    expect(
      (await http().post('/api/auth/logout').send({ refreshToken: again.body.refreshToken }))
        .status,
    ).toBe(204);
    expect((await refresh(again.body.refreshToken)).status).toBe(401);
    // Logout is idempotent and says nothing about whether a token existed.
    expect(
      (
        await http()
          .post('/api/auth/logout')
          .send({ refreshToken: 'x'.repeat(43) })
      ).status,
    ).toBe(204);
  });

  const tokenRow = async (refreshToken: string) => {
    const [row] = await app.get(DataSource).query(
      `SELECT id, family_id, expires_at, session_expires_at, used_at, revoked_at, created_at
         FROM refresh_tokens WHERE token_hash = $1`,
      [createHash('sha256').update(refreshToken).digest()],
    );
    return row as Record<string, Date | string | null>;
  };

  it('answers a retried rotation within the grace window with a valid pair, and both pairs keep working', async () => {
    const address = email('grace');
    await signup(address);
    const { refreshToken } = (await login(address)).body as { refreshToken: string };
    // Two simultaneous refreshes with one token (a retry, two tabs): decided one after the
    // other under the row lock; the second is within the window and the first's successor is unused.
    const [first, second] = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.refreshToken).not.toBe(second.body.refreshToken);
    expect((await refresh(first.body.refreshToken)).status).toBe(200);
    expect((await refresh(second.body.refreshToken)).status).toBe(200);
    expect((await tokenRow(refreshToken)).revoked_at).toBeNull();
  });

  it('still revokes the family when a spent token comes back after the grace window', async () => {
    const address = email('replay');
    await signup(address);
    const { refreshToken } = (await login(address)).body as { refreshToken: string };
    const rotated = await refresh(refreshToken);
    expect(rotated.status).toBe(200);
    // The rotation happened a minute ago, as far as the grace window can tell.
    await app
      .get(DataSource)
      .query(`UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE id = $1`, [
        (await tokenRow(refreshToken)).id,
      ]);
    const replay = await refresh(refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('AUTH.REFRESH_TOKEN_REUSED');
    expect((await refresh(rotated.body.refreshToken)).body.code).toBe('AUTH.REFRESH_TOKEN_INVALID');
  });

  it('keeps every rotation inside the session’s absolute lifetime, then refuses the family', async () => {
    const address = email('absolute');
    await signup(address);
    const { refreshToken } = (await login(address)).body as { refreshToken: string };
    const first = await tokenRow(refreshToken);
    // REFRESH_SESSION_MAX_SECONDS=3600 in this app: the session ends an hour after the login.
    const sessionMs =
      new Date(first.session_expires_at!).getTime() - new Date(first.created_at!).getTime();
    expect(Math.abs(sessionMs - 3_600_000)).toBeLessThan(1000);
    expect(new Date(first.expires_at!).getTime()).toBeLessThanOrEqual(
      new Date(first.session_expires_at!).getTime(),
    );
    const rotated = await refresh(refreshToken);
    const second = await tokenRow(rotated.body.refreshToken);
    expect(second.session_expires_at).toEqual(first.session_expires_at);
    expect(second.family_id).toBe(first.family_id);

    // The hour is over: the newest token of the session is refused, its own expiry notwithstanding.
    await app.get(DataSource).query(
      `UPDATE refresh_tokens SET session_expires_at = now() - interval '1 second',
           expires_at = least(expires_at, now() - interval '1 second') WHERE family_id = $1`,
      [first.family_id],
    );
    const expired = await refresh(rotated.body.refreshToken);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('AUTH.REFRESH_TOKEN_INVALID');
  });

  it('stores refresh tokens only as SHA-256 hashes', async () => {
    const address = email('hash');
    await signup(address);
    const { refreshToken } = (await login(address)).body as { refreshToken: string };
    const rows: { token_hash: Buffer }[] = await app
      .get(DataSource)
      .query(
        `SELECT t.token_hash FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = $1`,
        [address],
      );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash.equals(createHash('sha256').update(refreshToken).digest())).toBe(
      true,
    );
  });

  it('answers 10 concurrent signups with one email alike, and creates one account', async () => {
    const address = email('race');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signup(i % 2 ? address : address.toUpperCase())),
    );
    expect(responses.map((res) => res.status)).toEqual(Array(10).fill(202));
    expect(new Set(responses.map((res) => JSON.stringify(res.body))).size).toBe(1);
    const [{ count }] = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM users WHERE email = $1`, [address]);
    expect(count).toBe(1);
  });

  it('does not reveal an existing email: the same answer, and the account is left untouched', async () => {
    const address = email('exists');
    const fresh = await signup(address);
    const taken = await signup(address, {
      password: 'another fine passphrase',
      displayName: 'Someone Else',
    });
    expect(taken.status).toBe(fresh.status);
    expect(taken.body).toEqual(fresh.body);
    expect(Object.keys(taken.headers).sort()).toEqual(Object.keys(fresh.headers).sort());
    expect((await login(address)).status).toBe(200);
    expect((await login(address, 'another fine passphrase')).status).toBe(401);
    const session = (await login(address)).body as { accessToken: string };
    expect((await me(session.accessToken)).body.displayName).toBe('Test User');
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const address = email('enum');
    await signup(address);
    const from = ip();
    const wrong = await login(address, 'not the right passphrase', from);
    const unknown = await login(email('nobody'), 'not the right passphrase', from);
    expect(wrong.status).toBe(401);
    const { requestId: _a, ...wrongBody } = wrong.body;
    const { requestId: _b, ...unknownBody } = unknown.body;
    expect(unknownBody).toEqual(wrongBody);
    expect(wrongBody).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Email or password is incorrect',
      code: 'AUTH.INVALID_CREDENTIALS',
    });
  });

  it('spends similar time on an unknown email and on a wrong password (dummy hash)', async () => {
    // Two accounts, so their wrong passwords (4 each) stay under the per-account limit (5).
    const accounts = [email('timing'), email('timing')];
    await Promise.all(accounts.map((account) => signup(account)));
    // Interleaved, so drift in the machine's load hits both alike.
    const wrongTimes: number[] = [];
    const unknownTimes: number[] = [];
    const timed = async (times: number[], attempt: () => Promise<unknown>) => {
      const started = performance.now();
      await attempt();
      times.push(performance.now() - started);
    };
    for (let i = 0; i < 8; i++) {
      await timed(wrongTimes, () => login(accounts[i % 2]!, 'not the right passphrase'));
      await timed(unknownTimes, () => login(email('ghost'), 'not the right passphrase'));
    }
    // The fastest run is the cost itself; slower ones measure the machine's other load.
    const [wrong, unknown] = [Math.min(...wrongTimes), Math.min(...unknownTimes)];
    console.log(
      `login 401 fastest of 8: wrong password ${wrong.toFixed(1)} ms, unknown email ${unknown.toFixed(1)} ms`,
    );
    // Loose bounds: a shared machine is noisy, but a skipped hash would be ~10× faster.
    expect(unknown / wrong).toBeGreaterThan(0.4);
    expect(unknown / wrong).toBeLessThan(2.5);
  });

  it('throttles one account, even with the right password, with 429 and Retry-After', async () => {
    const address = email('throttle');
    await signup(address);
    for (let i = 0; i < 5; i++) {
      expect((await login(address, `wrong passphrase ${i}`)).status).toBe(401);
    }
    const blocked = await login(address, password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it('throttles one client IP across accounts', async () => {
    const from = ip();
    for (let i = 0; i < 12; i++) {
      expect((await login(email('spray'), 'wrong passphrase', from)).status).toBe(401);
    }
    const blocked = await login(email('spray'), 'wrong passphrase', from);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(email('spray'), 'wrong passphrase', ip())).status).toBe(401);
  });

  describe('access tokens that must be refused (401)', () => {
    let userId: string;
    let valid: string;

    beforeAll(async () => {
      const address = email('tokens');
      await signup(address);
      valid = (await login(address)).body.accessToken;
      userId = decodeJwt(valid).sub!;
    });

    const currentPrivateKey = async () => {
      const file = JSON.parse(await readFile(join(keysDir, KEY_FILE_NAME), 'utf8'));
      return { jwk: file.keys[0], key: await importJWK(file.keys[0], 'EdDSA') };
    };

    it('accepts the genuine one (control)', async () => {
      expect((await me(valid)).status).toBe(200);
    });

    it('tampered: roles changed after signing', async () => {
      const [header, payload, signature] = valid.split('.');
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
      const forged = base64url.encode(JSON.stringify({ ...claims, roles: ['admin'] }));
      const res = await me(`${header}.${forged}.${signature}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH.TOKEN_INVALID');
    });

    it('expired, though signed with the real key', async () => {
      const { jwk, key } = await currentPrivateKey();
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ roles: ['reader'] })
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'at+jwt' })
        .setSubject(userId)
        .setIssuer('auth')
        .setAudience('platform')
        .setIssuedAt(now - 1000)
        .setExpirationTime(now - 100)
        .sign(key);
      expect((await me(expired)).status).toBe(401);
    });

    it('signed by another key under the real kid', async () => {
      const impostor = await TestTokenIssuer.create(decodeProtectedHeader(valid).kid);
      expect((await me(await impostor.sign(userId, { roles: ['admin'] }))).status).toBe(401);
    });

    it('alg: none', async () => {
      const [, payload] = valid.split('.');
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
      expect((await me(`${header}.${payload}.`)).status).toBe(401);
    });

    it('wrong audience, signed with the real key', async () => {
      const { jwk, key } = await currentPrivateKey();
      const token = await new SignJWT({ roles: ['reader'] })
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'at+jwt' })
        .setSubject(userId)
        .setIssuer('auth')
        .setAudience('another-platform')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
      expect((await me(token)).status).toBe(401);
    });
  });

  it('publishes its signing key in the JWKS under the kid of issued tokens', async () => {
    const address = email('jwks');
    await signup(address);
    const { accessToken } = (await login(address)).body as { accessToken: string };
    const jwks = await http().get('/api/auth/.well-known/jwks.json');
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(
      decodeProtectedHeader(accessToken).kid,
    );
  });

  it('lets the seeded admin change roles, which the next refresh carries', async () => {
    const address = email('promote');
    await signup(address);
    const userSession = (await login(address)).body as {
      accessToken: string;
      refreshToken: string;
    };
    const user = { id: decodeJwt(userSession.accessToken).sub! };
    const admin = (await login(adminEmail, adminPassword)).body as { accessToken: string };
    expect(decodeJwt(admin.accessToken).roles).toEqual(['reader', 'admin']);

    const byReader = await http()
      .put(`/api/auth/users/${user.id}/roles`)
      .set('authorization', `Bearer ${userSession.accessToken}`)
      .send({ roles: ['reader', 'author'] });
    expect(byReader.status).toBe(403);

    const byAdmin = await http()
      .put(`/api/auth/users/${user.id}/roles`)
      .set('authorization', `Bearer ${admin.accessToken}`)
      .send({ roles: ['reader', 'author'] });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.roles).toEqual(['reader', 'author']);

    const refreshed = await refresh(userSession.refreshToken);
    expect(decodeJwt(refreshed.body.accessToken).roles).toEqual(['reader', 'author']);

    const missing = await http()
      .put(`/api/auth/users/${randomUUID()}/roles`)
      .set('authorization', `Bearer ${admin.accessToken}`)
      .send({ roles: ['reader'] });
    expect(missing.status).toBe(404);
  });

  it('deletes an account: data gone, sessions revoked, events on auth.users', async () => {
    const address = email('delete');
    const correlationId = `int-${run}-signup`;
    expect((await signup(address).set('x-request-id', correlationId)).status).toBe(202);
    const session = (await login(address)).body as { accessToken: string; refreshToken: string };
    const userId = decodeJwt(session.accessToken).sub!;

    const deleted = await http()
      .delete('/api/auth/me')
      .set('authorization', `Bearer ${session.accessToken}`)
      .set('x-request-id', `int-${run}-delete`);
    expect(deleted.status).toBe(204);
    expect((await me(session.accessToken)).status).toBe(404);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await login(address)).status).toBe(401);
    const [{ count }] = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM users WHERE email = $1`, [address]);
    expect(count).toBe(0);

    const registered = await eventFor('auth.user.registered.v1', userId);
    expect(registered.key).toBe(userId);
    expect(registered.envelope).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'auth.user.registered.v1',
      occurredAt: expect.any(String),
      source: 'auth',
      correlationId,
      data: {
        userId,
        email: address,
        displayName: 'Test User',
        roles: ['reader'],
        registeredAt: expect.any(String),
      },
    });
    expect(Number.isNaN(Date.parse(registered.envelope.occurredAt))).toBe(false);

    const removed = await eventFor('auth.user.deleted.v1', userId);
    expect(removed.key).toBe(userId);
    expect(removed.envelope).toMatchObject({
      type: 'auth.user.deleted.v1',
      source: 'auth',
      correlationId: `int-${run}-delete`,
      data: { userId, deletedAt: expect.any(String) },
    });
  });
});
