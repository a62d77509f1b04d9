import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const COMPONENTS = ['postgres', 'kafka', 'consul', 'ferretdb', 'prometheus'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** Services with their own PostgreSQL database and login role (docs/architecture.md). */
export const PG_SERVICES = ['auth', 'webtoon', 'payment'] as const;
/** Services with their own MongoDB-protocol database. */
export const MONGO_SERVICES = ['news', 'blog'] as const;

export const HOST = '127.0.0.1';

/**
 * Defaults sit in the 1xxxx range so they do not clash with a PostgreSQL, Kafka, Consul,
 * MongoDB or Prometheus a developer already runs on the standard ports.
 */
const DEFAULT_PORTS = {
  kafka: 19092,
  kafkaController: 19093,
  consulHttp: 18500,
  consulDns: 18600,
  consulGrpc: 18502,
  consulServer: 18300,
  consulSerfLan: 18301,
  consulSerfWan: 18302,
  postgres: 15432,
  ferretdb: 17017,
  ferretdbDebug: 17018,
  prometheus: 19090,
} as const;
export type PortName = keyof typeof DEFAULT_PORTS;
export type Ports = Record<PortName, number>;

/** consulHttp -> DEVSTACK_CONSUL_HTTP_PORT */
export function portEnvName(name: PortName): string {
  return `DEVSTACK_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_PORT`;
}

function readPorts(env: NodeJS.ProcessEnv): Ports {
  const ports = { ...DEFAULT_PORTS } as Ports;
  for (const name of Object.keys(DEFAULT_PORTS) as PortName[]) {
    const raw = env[portEnvName(name)];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${portEnvName(name)}=${raw} is not a valid port`);
    }
    ports[name] = port;
  }
  return ports;
}

export interface StackConfig {
  repoRoot: string;
  /** .devstack/: data, logs, pids, generated configs, stack.env */
  dir: string;
  logsDir: string;
  runDir: string;
  /** Downloaded jars and built binaries, shared across checkouts, keyed by version. */
  cacheDir: string;
  envFile: string;
  ports: Ports;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const repoRoot = resolve(__dirname, '../../..');
  const dir = resolve(env.DEVSTACK_DIR ?? join(repoRoot, '.devstack'));
  const cacheDir = resolve(
    env.DEVSTACK_CACHE ??
      join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'microservices-platform'),
  );
  return {
    repoRoot,
    dir,
    logsDir: join(dir, 'logs'),
    runDir: join(dir, 'run'),
    cacheDir,
    envFile: join(dir, 'stack.env'),
    ports: readPorts(env),
  };
}

export type Credentials = Record<
  | 'postgres'
  | 'mongoAdmin'
  | 'paymentFingerprintKey'
  | (typeof PG_SERVICES)[number]
  | (typeof MONGO_SERVICES)[number],
  string
>;

/**
 * Random passwords made once per .devstack/ and kept with the data they protect, so
 * `down` keeps them and `down --wipe` resets them.
 */
export function loadCredentials(cfg: StackConfig): Credentials {
  const file = join(cfg.dir, 'credentials.json');
  const stored = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>)
    : {};
  const names = [
    'postgres',
    'mongoAdmin',
    'paymentFingerprintKey',
    ...PG_SERVICES,
    ...MONGO_SERVICES,
  ] as const;
  const creds = Object.fromEntries(
    names.map((n) => [n, stored[n] ?? randomBytes(12).toString('hex')]),
  ) as Credentials;
  if (names.some((n) => stored[n] === undefined)) {
    mkdirSync(cfg.dir, { recursive: true });
    writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  }
  return creds;
}
