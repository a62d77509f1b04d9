import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '@lib/platform/testing';
import { APP_RUNTIME_ENV, appNodeFlags } from '../../start/apps';
import { freePort, startServer, stopServer, waitForHttp } from './processes';

export const REPO = resolve(__dirname, '../../..');
export const EXPRESS_GATEWAY_VERSION = '1.16.11';
/** The route every target serves; the gateway's table sends it to the `news` service. */
export const BENCH_PATH = '/api/news/bench';

export interface Target {
  url: string;
  /** The server's process (taskset execs it, so the pid is the server's own). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const cacheRoot = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'microservices-platform',
);

/** The dev stack's Consul build (or CONSUL_BIN, or one on PATH). */
function consulBinary(): string {
  if (process.env.CONSUL_BIN) return process.env.CONSUL_BIN;
  if (spawnSync('consul', ['version']).status === 0) return 'consul';
  const built = existsSync(cacheRoot)
    ? readdirSync(cacheRoot)
        .filter((name) => name.startsWith('consul-'))
        .map((name) => join(cacheRoot, name, 'consul'))
        .filter((path) => existsSync(path))
    : [];
  const newest = built.sort().at(-1);
  if (newest === undefined) {
    throw new Error(
      'No Consul binary: run `npm run stack:up` once (it builds one), or set CONSUL_BIN.',
    );
  }
  return newest;
}

/**
 * A Consul agent of its own, in dev mode on free ports, so the benchmark's upstream is the
 * only `news` instance the gateway can find, whatever the dev stack has registered.
 */
export async function startConsul(): Promise<Target> {
  const [http, dns, grpc, server, lan, wan] = await Promise.all(
    Array.from({ length: 6 }, freePort),
  );
  const child = startServer(consulBinary(), [
    'agent',
    '-dev',
    '-node=gateway-bench',
    '-bind=127.0.0.1',
    '-client=127.0.0.1',
    `-http-port=${http}`,
    '-https-port=-1',
    `-dns-port=${dns}`,
    `-grpc-port=${grpc}`,
    '-grpc-tls-port=-1',
    `-server-port=${server}`,
    `-serf-lan-port=${lan}`,
    `-serf-wan-port=${wan}`,
    '-hcl=disable_update_check = true',
    '-log-level=warn',
  ]);
  const url = `http://127.0.0.1:${http}`;
  await waitFor(async () => {
    const leader = (await (await fetch(`${url}/v1/status/leader`)).json()) as string;
    return leader ? true : undefined;
  }, 30_000);
  return { url, pid: child.pid, stop: () => stopServer(child, 'SIGINT') };
}

export async function startUpstream(consulUrl: string): Promise<Target> {
  const port = await freePort();
  const child = startServer(process.execPath, [
    '--import',
    'tsx',
    join(__dirname, 'upstream.ts'),
    String(port),
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${BENCH_PATH}`);
  const response = await fetch(`${consulUrl}/v1/agent/service/register`, {
    method: 'PUT',
    body: JSON.stringify({
      ID: `news-bench-${port}`,
      Name: 'news',
      Address: '127.0.0.1',
      Port: port,
      Check: { HTTP: `${url}/health/ready`, Interval: '10s', Status: 'passing' },
    }),
  });
  if (!response.ok) throw new Error(`Consul registration failed: ${response.status}`);
  return { url, pid: child.pid, stop: () => stopServer(child) };
}

/** Where the gateway's build puts its sources. */
const GATEWAY_BUILD = join(REPO, 'dist/apps/gateway/apps/gateway/src');
let built = false;

/** Builds the gateway (once per benchmark run; Nx replays it from cache when unchanged). */
function buildGateway(): void {
  if (built) return;
  const build = spawnSync('npx', ['nx', 'run', 'gateway:build'], { cwd: REPO, stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(join(GATEWAY_BUILD, 'main.js'))) {
    throw new Error('gateway build failed');
  }
  built = true;
}

/**
 * A featureless undici proxy in front of the upstream: the floor for Node.js. `fastify-headers`
 * forwards headers through the gateway's own policy, taken from its build.
 */
export async function startMinimalProxy(
  mode: 'fastify' | 'fastify-headers' | 'node-http',
  upstreamUrl: string,
): Promise<Target> {
  const port = await freePort();
  const script = join(__dirname, 'minimal-proxy.ts');
  const args = ['--import', 'tsx', script, mode, String(port), upstreamUrl];
  if (mode === 'fastify-headers') {
    buildGateway();
    args.push(join(GATEWAY_BUILD, 'proxy/header-policy.js'));
  }
  const child = startServer(process.execPath, args);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${BENCH_PATH}`);
  return { url, pid: child.pid, stop: () => stopServer(child) };
}

/** This repo's gateway, built, as it runs in production (its Node.js flags; access log on or off). */
/** `nodeFlags`: more flags for node, e.g. `--cpu-prof` to profile the gateway under load. */
export async function startGateway(
  consulUrl: string,
  accessLog: boolean,
  nodeFlags: string[] = [],
): Promise<Target> {
  buildGateway();
  const port = await freePort();
  const adminPort = await freePort();
  const child: ChildProcess = startServer(
    process.execPath,
    [...appNodeFlags('gateway'), ...nodeFlags, join(GATEWAY_BUILD, 'main.js')],
    {
      env: {
        ...process.env,
        ...APP_RUNTIME_ENV,
        PORT: String(port),
        ADMIN_PORT: String(adminPort),
        CONSUL_URL: consulUrl,
        CONSUL_REGISTER: 'false',
        // Access lines are info; warn keeps only problems. Either way stdout goes to /dev/null.
        LOG_LEVEL: accessLog ? 'info' : 'warn',
        // The limiter runs on every request but must not refuse the load generator's one IP.
        GATEWAY_RATE_LIMIT_SCALE: '100000',
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${BENCH_PATH}`);
  // In production Consul's check calls this every few seconds: measure the gateway in the
  // state that leaves it in (a request through the async context once made every later
  // request 8 % dearer).
  await waitForHttp(`http://127.0.0.1:${adminPort}/health/ready`);
  return { url, pid: child.pid, stop: () => stopServer(child) };
}

/** express-gateway in a cache folder outside the repo: a baseline, never a dependency. */
function expressGatewayDir(): string {
  const dir = join(cacheRoot, `express-gateway-${EXPRESS_GATEWAY_VERSION}`);
  if (!existsSync(join(dir, 'node_modules/express-gateway/package.json'))) {
    console.log(`Installing express-gateway ${EXPRESS_GATEWAY_VERSION} into ${dir} (once)…`);
    mkdirSync(dir, { recursive: true });
    const install = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-audit',
        '--no-fund',
        `express-gateway@${EXPRESS_GATEWAY_VERSION}`,
      ],
      { stdio: 'inherit' },
    );
    if (install.status !== 0) throw new Error('express-gateway install failed');
  }
  return join(dir, 'node_modules/express-gateway');
}

export async function startExpressGateway(upstreamUrl: string): Promise<Target> {
  const port = await freePort();
  const config = mkdtempSync(join(tmpdir(), 'eg-bench-'));
  // Its documented getting-started pipeline: one API endpoint, one proxy policy; no admin API.
  writeFileSync(
    join(config, 'gateway.config.yml'),
    `http:
  port: ${port}
apiEndpoints:
  api:
    host: '*'
    paths: ['/api/*']
serviceEndpoints:
  upstream:
    url: '${upstreamUrl}'
policies:
  - proxy
pipelines:
  default:
    apiEndpoints: [api]
    policies:
      - proxy:
          - action:
              serviceEndpoint: upstream
`,
  );
  writeFileSync(
    join(config, 'system.config.yml'),
    `db:
  redis:
    emulate: true
    namespace: EG
crypto:
  cipherKey: benchmarkOnly
  algorithm: aes256
  saltRounds: 10
session:
  secret: benchmark-only
  resave: false
  saveUninitialized: false
accessTokens:
  timeToExpiry: 7200000
refreshTokens:
  timeToExpiry: 7200000
authorizationCodes:
  timeToExpiry: 300000
`,
  );
  const eg = expressGatewayDir();
  // Its config folder must also hold the data models it ships with.
  cpSync(join(eg, 'lib/config/models'), join(config, 'models'), { recursive: true });
  const child = startServer(process.execPath, [join(eg, 'lib/index.js')], {
    env: { ...process.env, EG_CONFIG_DIR: config, LOG_LEVEL: 'warn' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${BENCH_PATH}`);
  return { url, pid: child.pid, stop: () => stopServer(child) };
}

export function nginxBinary(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  }
  return undefined;
}

/** nginx as a reverse proxy with upstream keep-alive, one worker (one core, like the others). */
export async function startNginx(binary: string, upstreamUrl: string): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nginx-bench-'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream bench { server ${new URL(upstreamUrl).host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const child = startServer(binary, ['-p', dir, '-c', join(dir, 'nginx.conf')]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${BENCH_PATH}`);
  return { url, pid: child.pid, stop: () => stopServer(child, 'SIGQUIT') };
}
