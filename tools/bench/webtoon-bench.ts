/**
 * Webtoon read-path benchmark: `GET /api/webtoons/:id` and a free episode read, direct to the
 * built service (seed data, cache on), beside a bare Node http server answering the same
 * JSON, in the same run, each server in its own process. Also the same service with its
 * read cache off, for scale. Prints figures; it does not judge them.
 *
 *   npm run bench:webtoon            (starts the dev stack if needed, builds webtoon)
 *   BENCH_SECONDS=20 BENCH_ROUNDS=5 BENCH_CONNECTIONS=100 npm run bench:webtoon
 *   LOG_LEVEL=warn npm run bench:webtoon   (without the per-request access log)
 */
import { execSync, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@lib/platform/testing';
import autocannon from 'autocannon';
import { ensureStack } from '@tools/devstack';
import { PINNED, SERVER_CPU, startServer, stopAllOnExit } from './gateway/processes';

const root = resolve(__dirname, '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
// The first seed series and its first (free) episode: apps/webtoon/src/seed/seed-data.ts.
const SEED_SERIES_ID = '5eed0000-0000-4000-8000-0000000003e8';

// The baseline: node:http, one pre-serialised body per path, nothing else.
const BARE_SERVER = `
const http = require('node:http');
const bodies = JSON.parse(process.env.BODIES);
http.createServer((req, res) => {
  const body = bodies[req.url];
  if (body === undefined) { res.statusCode = 404; return res.end(); }
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Server {
  url: string;
  child: ChildProcess;
}

async function startProcess(args: string[], env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  // Every server on the same pinned CPU (one at a time under load), the load generator on the
  // others: the figures compare the servers' cost per request, not their fight with autocannon.
  const child = startServer(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  return { url, child };
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((done) => server.child.once('exit', done));
  server.child.kill('SIGTERM');
  await exited;
}

async function startWebtoon(
  stack: Record<string, string>,
  cacheTtlMs: number,
  logLevel: string,
): Promise<Server> {
  const adminPort = await freePort();
  const server = await startProcess(['dist/apps/webtoon/apps/webtoon/src/main.js'], {
    ...stack,
    ADMIN_PORT: String(adminPort),
    NODE_ENV: 'production',
    CONSUL_REGISTER: 'false',
    SEED_DATA: 'true',
    SHUTDOWN_DRAIN_DELAY_MS: '0',
    READ_CACHE_TTL_MS: String(cacheTtlMs),
    LOG_LEVEL: logLevel,
  });
  await waitFor(
    async () => ((await fetch(`http://127.0.0.1:${adminPort}/health/ready`)).ok ? true : undefined),
    60_000,
  );
  return server;
}

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Per round, this target's req/s over the bare server's in the same round. */
  shares?: number[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function row(label: string, figures: Figures, baseline?: Figures): void {
  const percent = (x: number) => `${(x * 100).toFixed(0)}%`;
  const share = baseline
    ? `${percent(figures.rps / baseline.rps)} of bare (per-round median ${percent(median(figures.shares ?? []))})`
    : '';
  console.log(
    `${label.padEnd(44)} ${figures.rps.toFixed(0).padStart(7)} req/s   p50 ${String(figures.p50).padStart(3)} ms   p99 ${String(figures.p99).padStart(3)} ms   errors ${figures.non2xx}   ${share}`,
  );
}

/**
 * Every server is up at once and the targets take turns in short rounds, so a noisy
 * neighbour on the machine hits all of them alike; the figures are the medians of the rounds.
 */
async function compare(targets: Record<string, string>): Promise<Record<string, Figures>> {
  const byTarget: Record<string, Figures[]> = {};
  for (const url of Object.values(targets)) await autocannon({ url, connections, duration: 2 });
  for (let round = 0; round < rounds; round++) {
    for (const [name, url] of Object.entries(targets)) {
      const result = await autocannon({ url, connections, duration: seconds / rounds });
      (byTarget[name] ??= []).push({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx + result.errors,
      });
    }
  }
  const bare = byTarget.bare ?? [];
  return Object.fromEntries(
    Object.entries(byTarget).map(([name, figures]) => [
      name,
      {
        rps: median(figures.map((f) => f.rps)),
        p50: median(figures.map((f) => f.p50)),
        p99: median(figures.map((f) => f.p99)),
        non2xx: figures.reduce((sum, f) => sum + f.non2xx, 0),
        shares: figures.map((f, round) => f.rps / bare[round].rps),
      },
    ]),
  );
}

export interface WebtoonFigures {
  connections: number;
  logLevel: string;
  reads: {
    label: string;
    bytes: number;
    bare: Figures;
    cached: Figures;
    uncached: Figures;
  }[];
}

/** Runs the webtoon read benchmark with its defaults (env overrides), prints it, returns the figures. */
export async function runWebtoonBench(): Promise<WebtoonFigures> {
  console.log(
    `webtoon read benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${connections} connections, ${rounds} rounds of ${seconds / rounds}s per target, medians; ${PINNED ? `servers pinned to CPU ${SERVER_CPU}` : 'no CPU pinning (taskset missing)'}\n`,
  );
  stopAllOnExit();
  const stack = await ensureStack({ quiet: true });
  execSync('npx nx run webtoon:build', { cwd: root, stdio: 'ignore' });

  const paths = {
    series: `/api/webtoons/${SEED_SERIES_ID}`,
    episode: `/api/webtoons/${SEED_SERIES_ID}/episodes/1`,
  };
  const logLevel = process.env.LOG_LEVEL ?? 'info';
  const cached = await startWebtoon(stack, 5000, logLevel);
  const uncached = await startWebtoon(stack, 0, logLevel);
  const servers = [cached, uncached];
  try {
    const bodies: Record<string, string> = {};
    for (const path of Object.values(paths)) {
      const res = await fetch(`${cached.url}${path}`);
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      bodies[path] = await res.text();
    }
    const bare = await startProcess(['-e', BARE_SERVER], { BODIES: JSON.stringify(bodies) });
    servers.push(bare);
    await waitFor(async () => ((await fetch(`${bare.url}${paths.series}`)).ok ? true : undefined));

    console.log(`webtoon LOG_LEVEL=${logLevel} (at info: one access-log line per request)`);
    const figures: WebtoonFigures = { connections, logLevel, reads: [] };
    for (const [label, path] of [
      [`GET ${paths.series}`, paths.series],
      [`GET ${paths.episode} (free episode; counts a view)`, paths.episode],
    ] as const) {
      const results = await compare({
        bare: `${bare.url}${path}`,
        cached: `${cached.url}${path}`,
        uncached: `${uncached.url}${path}`,
      });
      console.log(`${label}, ${bodies[path].length} B`);
      row('  bare node:http, same JSON', results.bare);
      row('  webtoon, read cache on (5 s TTL)', results.cached, results.bare);
      row('  webtoon, read cache off (PostgreSQL each time)', results.uncached, results.bare);
      figures.reads.push({
        label,
        bytes: bodies[path].length,
        bare: results.bare,
        cached: results.cached,
        uncached: results.uncached,
      });
    }
    return figures;
  } finally {
    await Promise.all(servers.map(stop));
  }
}

if (require.main === module) {
  runWebtoonBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
