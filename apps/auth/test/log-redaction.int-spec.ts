import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPlatformApp } from '@lib/platform';
import { waitFor, withDatabase } from '@lib/platform/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configSchema } from '../src/config';

/**
 * auth's database error paths, provoked for real: a database of its own (migrated by the app),
 * where the test makes PostgreSQL refuse the rows a signup and a login write. The app's whole
 * log output is then searched for what those queries carried.
 */
describe('auth logs on database errors (PostgreSQL)', () => {
  const run = randomUUID().slice(0, 8);
  const database = `auth_logs_${run}`;
  const email = `log-probe-${run}@example.com`;
  const displayName = `Display ${run}`;
  const password = `passphrase ${run} never logged`;
  /** What the app handed to its log destination, write by write (a write may hold several lines). */
  const writes: string[] = [];
  let keysDir: string;
  let app: NestFastifyApplication;
  let admin: DataSource;

  const adminUrl = (name: string) => withDatabase(process.env.POSTGRES_ADMIN_URL!, name);
  const http = () => request(app.getHttpServer());
  const output = (from = 0) => writes.slice(from).join('');
  const failureLine = (from = 0) =>
    output(from)
      .split('\n')
      .find((line) => line.includes('"request failed"'));

  beforeAll(async () => {
    const server = await new DataSource({
      type: 'postgres',
      url: adminUrl('postgres'),
    }).initialize();
    const owner = new URL(process.env.AUTH_DATABASE_URL!).username;
    await server.query(`CREATE DATABASE ${database} OWNER ${owner}`);
    await server.destroy();
    const authUrl = withDatabase(process.env.AUTH_DATABASE_URL!, database);

    keysDir = await mkdtemp(join(tmpdir(), 'auth-log-keys-'));
    app = await createPlatformApp({
      name: 'auth',
      module: AppModule,
      configSchema: configSchema,
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'info',
        CONSUL_REGISTER: 'false',
        AUTH_DATABASE_URL: authUrl,
        AUTH_KEYS_DIR: keysDir,
        ADMIN_EMAIL: `admin-${run}@example.com`,
        ADMIN_PASSWORD: 'admin passphrase for tests',
      },
      logDestination: {
        write: (chunk: string) => writes.push(chunk) > 0,
        flushSync: () => undefined,
      },
    });
    admin = await new DataSource({ type: 'postgres', url: adminUrl(database) }).initialize();
  });

  afterAll(async () => {
    await app?.close();
    await admin?.destroy();
    const server = await new DataSource({
      type: 'postgres',
      url: adminUrl('postgres'),
    }).initialize();
    await server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await server.destroy();
    await rm(keysDir, { recursive: true, force: true });
  });

  it('logs a failed signup insert without the email, display name or password hash', async () => {
    await admin.query(`ALTER TABLE users ADD CONSTRAINT refuse_probe CHECK (email <> '${email}')`);
    const response = await http().post('/api/auth/signup').send({ email, password, displayName });
    expect(response.status).toBe(500);
    const failure = await waitFor(
      async () => failureLine(),
      10_000,
      () => output(),
    );
    expect(JSON.parse(failure)).toMatchObject({
      level: 'error',
      requestId: response.body.requestId,
      err: { type: 'QueryFailedError', code: '23514' },
    });
    const text = output();
    for (const secret of [email, displayName, password, '$argon2id$']) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
  });

  it('logs a failed login write without the refresh token hash or the user id', async () => {
    await admin.query('ALTER TABLE users DROP CONSTRAINT refuse_probe');
    const other = `log-login-${run}@example.com`;
    const created = await http()
      .post('/api/auth/signup')
      .send({ email: other, password, displayName });
    expect(created.status).toBe(202);
    const [{ id: userId }] = await admin.query('SELECT id FROM users WHERE email = $1', [other]);
    await admin.query(
      'ALTER TABLE refresh_tokens ADD CONSTRAINT refuse_all CHECK (false) NOT VALID',
    );
    const before = writes.length;
    const response = await http().post('/api/auth/login').send({ email: other, password });
    expect(response.status).toBe(500);
    const failure = await waitFor(
      async () => failureLine(before),
      10_000,
      () => output(before),
    );
    expect(JSON.parse(failure)).toMatchObject({ err: { type: 'QueryFailedError' } });
    const text = output(before);
    for (const secret of [other, userId as string, password, '$argon2id$']) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
  });
});
