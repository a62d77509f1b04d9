/**
 * Auth benchmark: the cost of a password hash, logins/s through the real auth service at
 * that cost, and access-token verifications/s (in-process and through the JWT guard over
 * HTTP). Prints figures; it does not judge them.
 *
 *   npm run bench:auth            (starts the dev stack if needed, builds auth)
 *   BENCH_SECONDS=20 npm run bench:auth
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthModule, JwtVerifier, Public } from '@lib/platform';
import { freePort, waitFor } from '@lib/platform/testing';
import * as argon2 from 'argon2';
import autocannon from 'autocannon';
import { ensureStack } from '@tools/devstack';

const root = resolve(__dirname, '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
// The service's defaults (apps/auth/src/config.ts); override both places together.
const cost = {
  memoryCost: Number(process.env.ARGON2_MEMORY_KIB ?? 19_456),
  timeCost: Number(process.env.ARGON2_TIME_COST ?? 2),
  parallelism: Number(process.env.ARGON2_PARALLELISM ?? 1),
};

function row(label: string, value: string): void {
  console.log(`${label.padEnd(52)} ${value}`);
}

async function timeEach(times: number, work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < times; i++) await work();
  return (performance.now() - started) / times;
}

export interface AuthFigures {
  argon2: string;
  hashMs: number;
  verifyMs: number;
  loginsPerSecond: number;
  loginP50: number;
  loginP99: number;
  loginErrors: number;
  verificationsPerSecond: number;
  cachedVerificationsPerSecond: number;
  guardedRps: number;
  publicRps: number;
}

async function hashCost(figures: Partial<AuthFigures>): Promise<void> {
  const options: argon2.HashOptions = { type: argon2.argon2id, ...cost };
  const hash = await argon2.hash('warm-up passphrase', options);
  const hashMs = await timeEach(20, () => argon2.hash('benchmark passphrase', options));
  const verifyMs = await timeEach(20, () => argon2.verify(hash, 'benchmark passphrase'));
  row(
    `argon2id m=${cost.memoryCost}KiB t=${cost.timeCost} p=${cost.parallelism}: hash`,
    `${hashMs.toFixed(1)} ms`,
  );
  row('argon2id: verify', `${verifyMs.toFixed(1)} ms`);
  figures.argon2 = `m=${cost.memoryCost}KiB t=${cost.timeCost} p=${cost.parallelism}`;
  figures.hashMs = hashMs;
  figures.verifyMs = verifyMs;
}

function spawnAuth(env: Record<string, string>, port: number): ChildProcess {
  return spawn(process.execPath, ['dist/apps/auth/apps/auth/src/main.js'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function loginThroughput(url: string, figures: Partial<AuthFigures>): Promise<string> {
  const email = `bench-${Date.now()}@example.com`;
  const password = 'benchmark passphrase 2026';
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const signup = await post('/api/auth/signup', { email, password, displayName: 'Bench' });
  if (signup.status !== 202)
    throw new Error(`signup failed: ${signup.status} ${await signup.text()}`);

  const connections = cpus().length * 2;
  const result = await autocannon({
    url: `${url}/api/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    connections,
    duration: seconds,
  });
  row(
    `logins/s (${connections} connections, ${seconds}s)`,
    `${result.requests.average.toFixed(1)}`,
  );
  row('login latency p50 / p99', `${result.latency.p50} ms / ${result.latency.p99} ms`);
  row('login non-2xx / errors', `${result.non2xx} / ${result.errors}`);
  figures.loginsPerSecond = result.requests.average;
  figures.loginP50 = result.latency.p50;
  figures.loginP99 = result.latency.p99;
  figures.loginErrors = result.non2xx + result.errors;
  const session = (await (await post('/api/auth/login', { email, password })).json()) as {
    accessToken: string;
  };
  return session.accessToken;
}

@Controller('bench')
class BenchController {
  @Get('guarded')
  guarded(): { ok: true } {
    return { ok: true };
  }

  @Public()
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }
}

async function verificationThroughput(
  jwksUrl: string,
  token: string,
  figures: Partial<AuthFigures>,
): Promise<void> {
  const options = { jwksUrl, issuer: 'auth', audience: 'platform' };
  const n = 5_000;
  // Without the verified-token cache every call checks the signature: the cost of a new token.
  for (const [label, verifier, key] of [
    [
      'token verifications/s, signature checked (one core)',
      new JwtVerifier({ ...options, verifiedCacheSize: 0 }),
      'verificationsPerSecond',
    ],
    [
      'token verifications/s, repeated token (cache hit)',
      new JwtVerifier(options),
      'cachedVerificationsPerSecond',
    ],
  ] as const) {
    await verifier.verify(token);
    const perVerify = await timeEach(n, () => verifier.verify(token));
    row(label, `${Math.round(1000 / perVerify)}`);
    figures[key] = 1000 / perVerify;
  }

  @Module({ imports: [AuthModule.forRoot(options)], controllers: [BenchController] })
  class GuardBenchModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    GuardBenchModule,
    new FastifyAdapter(),
    {
      logger: false,
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = await app.getUrl();
  try {
    for (const [label, path, headers, key] of [
      [
        'HTTP req/s through the guard (valid token)',
        'guarded',
        { authorization: `Bearer ${token}` },
        'guardedRps',
      ],
      ['HTTP req/s, same app, @Public() route (baseline)', 'open', {}, 'publicRps'],
    ] as const) {
      const result = await autocannon({
        url: `${base}/bench/${path}`,
        headers,
        connections: 20,
        duration: seconds,
      });
      row(label, `${result.requests.average.toFixed(0)} (non-2xx ${result.non2xx})`);
      figures[key] = result.requests.average;
    }
  } finally {
    await app.close();
  }
}

/** Runs the auth benchmark with its defaults (env overrides), prints it, returns the figures. */
export async function runAuthBench(): Promise<AuthFigures> {
  console.log(
    `auth benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`,
  );
  const stack = await ensureStack({ quiet: true });
  execSync('npx nx run auth:build', { cwd: root, stdio: 'ignore' });
  const keysDir = await mkdtemp(join(tmpdir(), 'auth-bench-keys-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const auth = spawnAuth(
    {
      ...stack,
      CONSUL_REGISTER: 'false',
      LOG_LEVEL: 'warn',
      AUTH_KEYS_DIR: keysDir,
      AUTH_GENERATE_KEYS: 'true',
      ARGON2_MEMORY_KIB: String(cost.memoryCost),
      ARGON2_TIME_COST: String(cost.timeCost),
      ARGON2_PARALLELISM: String(cost.parallelism),
    },
    port,
  );
  const exited = new Promise((done) => auth.once('exit', done));
  try {
    const jwksUrl = `${url}/api/auth/.well-known/jwks.json`;
    await waitFor(async () => ((await fetch(jwksUrl)).ok ? true : undefined), 60_000);
    const figures: Partial<AuthFigures> = {};
    await hashCost(figures);
    const token = await loginThroughput(url, figures);
    await verificationThroughput(jwksUrl, token, figures);
    return figures as AuthFigures;
  } finally {
    auth.kill('SIGTERM');
    await exited;
    await rm(keysDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runAuthBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
