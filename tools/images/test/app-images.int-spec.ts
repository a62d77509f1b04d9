import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPS,
  appImage,
  buildAppImages,
  defaultTag,
  ensureBaseImage,
  IMAGE_BUDGET_MB,
  NODE_VERSION,
  Progress,
  REPO_ROOT,
  type AppName,
  type BuiltImage,
} from '../src';
import { describeWithEngine, docker, freePort, imageFiles, until } from './docker';
import { platformRoundTrip } from '../src/round-trip';

/**
 * The app images, built from the one Dockerfile on the local Node.js base, run the way a
 * hardened orchestrator runs them (read-only root, no capabilities, no privilege escalation,
 * uid 1000) against the dev stack's real servers on the host network.
 */
/** What each app reads from the dev stack's settings: its database, and payment's secret. */
const STACK_ENV: Partial<Record<AppName, string[]>> = {
  auth: ['AUTH_DATABASE_URL'],
  webtoon: ['WEBTOON_DATABASE_URL'],
  payment: ['PAYMENT_DATABASE_URL', 'PAYMENT_FINGERPRINT_KEY'],
  news: ['NEWS_MONGODB_URL'],
  blog: ['BLOG_MONGODB_URL'],
};
/** The repo's dev dependencies (the build, tests and tools) and their toolchains: none may ship. */
const DEV_ONLY = [
  ...Object.keys(
    (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies,
  ),
  '@nx',
  '@swc',
  '@esbuild',
];
const GRACE_S = 25;

const devOnly = (f: string) => DEV_ONLY.some((p) => f.startsWith(`app/node_modules/${p}/`));
/** Private keys and env files anywhere; the system's public CA certificates are not secrets. */
const secret = (f: string) =>
  !/^(etc\/ssl|usr\/share\/ca-certificates|usr\/local\/share\/ca-certificates)\//.test(f) &&
  (/(^|\/)\.env(\.|$)|\.key$|(^|\/)id_(rsa|ecdsa|ed25519)$/.test(f) ||
    (/^(app|home|root)\//.test(f) && f.endsWith('.pem')));
/** The apps' own files: compiled JavaScript only, no TypeScript, specs or test helpers. */
const sourceOrTest = (f: string) =>
  f.startsWith('app/') &&
  !f.startsWith('app/node_modules/') &&
  ((f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
    /\.(spec|int-spec)\.js$/.test(f) ||
    /(^|\/)(test|testing)\//.test(f));

interface Running {
  app: AppName;
  name: string;
  port: number;
  /** Health and metrics. */
  adminPort: number;
}

jest.setTimeout(120_000);

describeWithEngine('app images', () => {
  const tag = `${defaultTag()}`;
  const run = randomUUID().slice(0, 6);
  const running = new Map<AppName, Running>();
  let built: BuiltImage[] = [];

  beforeAll(async () => {
    const progress = new Progress();
    const base = await ensureBaseImage(progress);
    built = await buildAppImages(APPS, tag, base, progress);
  }, 1_800_000);

  afterAll(async () => {
    for (const r of running.values()) await docker(['rm', '-f', r.name]).catch(() => undefined);
  });

  const consul = () => process.env.CONSUL_URL!;
  async function registered(r: Running): Promise<{ Address: string; Port: number }[]> {
    const res = await fetch(`${consul()}/v1/agent/services`);
    const services = (await res.json()) as Record<
      string,
      { Service: string; Address: string; Port: number }
    >;
    return Object.values(services).filter((s) => s.Service === r.app && s.Port === r.port);
  }

  async function start(app: AppName, extraEnv: Record<string, string>): Promise<Running> {
    const port = await freePort();
    const adminPort = await freePort();
    const name = `it-${app}-${run}`;
    const env: Record<string, string> = {
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      HOST: '127.0.0.1',
      SERVICE_ADDRESS: '127.0.0.1',
      CONSUL_URL: consul(),
      KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '15000',
      ...extraEnv,
    };
    for (const key of STACK_ENV[app] ?? []) env[key] = process.env[key]!;
    await docker([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      '--read-only',
      '--tmpfs',
      '/tmp',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--user',
      '1000',
      '--stop-timeout',
      String(GRACE_S),
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      appImage(app, tag),
    ]);
    const r = { app, name, port, adminPort };
    running.set(app, r);
    return r;
  }

  async function ready(r: Running): Promise<void> {
    await until(`${r.app} ready`, async () => {
      const state = await docker(['inspect', '--format', '{{.State.Status}}', r.name]);
      if (state !== 'running') {
        throw new Error(`${r.app} is ${state}: ${await docker(['logs', '--tail', '20', r.name])}`);
      }
      const res = await fetch(`http://127.0.0.1:${r.adminPort}/health/ready`);
      return res.status === 200 ? true : undefined;
    });
  }

  it('hold no dev dependencies, sources, tests or secrets, and stay within their size budget', async () => {
    for (const image of built) {
      const app = image.name as AppName;
      const files = await imageFiles(image.refs[0]);
      const appFiles = files.filter(
        (f) => f.startsWith('app/') && !f.startsWith('app/node_modules/'),
      );
      expect(appFiles).toContain(`app/apps/${app}/src/main.js`);
      const offenders = files.filter((f) => devOnly(f) || secret(f) || sourceOrTest(f));
      expect({ app, offenders: offenders.slice(0, 10) }).toEqual({ app, offenders: [] });
      const otherApps = APPS.filter(
        (a) => a !== app && appFiles.some((f) => f.startsWith(`app/apps/${a}/`)),
      );
      expect({ app, otherApps }).toEqual({ app, otherApps: [] });
      expect(image.sizeMb).toBeLessThanOrEqual(IMAGE_BUDGET_MB[app]);
      console.log(`${image.refs[0]}: ${image.sizeMb} MB (budget ${IMAGE_BUDGET_MB[app]} MB)`);
    }
    const version = await docker([
      'run',
      '--rm',
      '--entrypoint',
      'node',
      appImage('gateway', tag),
      '-v',
    ]);
    expect(version).toBe(`v${NODE_VERSION}`);
  });

  it('start hardened against the real servers, register the address they were given and serve health and metrics', async () => {
    const auth = await start('auth', { AUTH_KEYS_DIR: '/tmp/keys', AUTH_GENERATE_KEYS: 'true' });
    await ready(auth);
    const jwks = { JWKS_URL: `http://127.0.0.1:${auth.port}/api/auth/.well-known/jwks.json` };
    const others = await Promise.all(
      (['webtoon', 'payment', 'news', 'blog', 'gateway'] as AppName[]).map((app) =>
        start(app, app === 'webtoon' ? { ...jwks, SEED_DATA: 'true' } : jwks),
      ),
    );
    await Promise.all(others.map(ready));
    for (const r of running.values()) {
      await until(`${r.app} registered in Consul`, async () => {
        const found = await registered(r);
        return found.length === 1 ? found : undefined;
      });
      expect((await registered(r))[0].Address).toBe('127.0.0.1');
      const metrics = await (await fetch(`http://127.0.0.1:${r.adminPort}/metrics`)).text();
      expect(metrics).toContain('http_request_duration_seconds_bucket');
      expect(metrics).toContain('process_resident_memory_bytes');
    }
  });

  it('route a signup → login → top-up → purchase → read round trip through the containerized gateway', async () => {
    const gateway = running.get('gateway')!;
    const trip = await platformRoundTrip(`http://127.0.0.1:${gateway.port}`);
    expect(trip.purchase.status).toBe('completed');
    expect(trip.episodeStatus).toBe(200);
    expect(trip.balanceAfterPurchase).toBe(trip.balanceAfterTopUp - trip.purchase.priceCoins);
  });

  it('on SIGTERM deregister from Consul and exit 0 within the grace period', async () => {
    for (const r of [...running.values()].reverse()) {
      await docker(['stop', '--time', String(GRACE_S), r.name], (GRACE_S + 30) * 1000);
      const exit = await docker(['inspect', '--format', '{{.State.ExitCode}}', r.name]);
      expect({ app: r.app, exit }).toEqual({ app: r.app, exit: '0' });
      expect(await registered(r)).toEqual([]);
    }
  });
});
