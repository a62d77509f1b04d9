import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST, loadConfig, type Credentials, type StackConfig } from './config';
import { PROMETHEUS_VERSION } from './versions';

/** The infrastructure settings apps and tests read, under docs/architecture.md's names. */
export interface StackEnv {
  KAFKA_BROKERS: string;
  CONSUL_URL: string;
  AUTH_DATABASE_URL: string;
  WEBTOON_DATABASE_URL: string;
  PAYMENT_DATABASE_URL: string;
  NEWS_MONGODB_URL: string;
  BLOG_MONGODB_URL: string;
  PROMETHEUS_URL: string;
  [key: string]: string;
}

export function buildStackEnv(cfg: StackConfig, creds: Credentials): StackEnv {
  const p = cfg.ports;
  const pg = (user: string, password: string, db: string) =>
    `postgres://${user}:${password}@${HOST}:${p.postgres}/${db}`;
  // users live in the database they are for, which is also the default authSource
  const mongo = (user: string, password: string, db: string) =>
    `mongodb://${user}:${password}@${HOST}:${p.ferretdb}/${db}`;
  return {
    KAFKA_BROKERS: `${HOST}:${p.kafka}`,
    CONSUL_URL: `http://${HOST}:${p.consulHttp}`,
    AUTH_DATABASE_URL: pg('auth', creds.auth, 'auth'),
    WEBTOON_DATABASE_URL: pg('webtoon', creds.webtoon, 'webtoon'),
    PAYMENT_DATABASE_URL: pg('payment', creds.payment, 'payment'),
    NEWS_MONGODB_URL: mongo('news', creds.news, 'news'),
    BLOG_MONGODB_URL: mongo('blog', creds.blog, 'blog'),
    PROMETHEUS_URL: `http://${HOST}:${p.prometheus}`,
    // payment's top-up fingerprint key (docs/payment.md): kept with the data it protects
    PAYMENT_FINGERPRINT_KEY: creds.paymentFingerprintKey,
    // for tests and tools, not for apps
    POSTGRES_ADMIN_URL: pg('postgres', creds.postgres, 'postgres'),
    MONGODB_ADMIN_URL: mongo('devstack', creds.mongoAdmin, 'admin'),
    FERRETDB_METRICS_URL: `http://${HOST}:${p.ferretdbDebug}/debug/metrics`,
    PROMTOOL: join(cfg.cacheDir, `prometheus-${PROMETHEUS_VERSION}`, 'promtool'),
    PROMETHEUS_CONFIG: join(cfg.dir, 'prometheus', 'prometheus.yml'),
  };
}

export function writeStackEnv(cfg: StackConfig, env: StackEnv): void {
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  writeFileSync(
    cfg.envFile,
    `# written by \`npm run stack:up\` (tools/devstack); local dev credentials\n${lines.join('\n')}\n`,
  );
}

/** Reads .devstack/stack.env as written by the last successful `up` (throws if none). */
export function readStackEnv(cfg: StackConfig = loadConfig()): StackEnv {
  if (!existsSync(cfg.envFile))
    throw new Error(`${cfg.envFile} does not exist: run npm run stack:up`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(cfg.envFile, 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env as StackEnv;
}
