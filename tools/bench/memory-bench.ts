/**
 * Memory per app: the six apps built and started the way `npm start` starts them (own
 * process, registered in Consul, against the dev stack), RSS read from /proc as `npm start`
 * prints it: idle after start, the peak while the platform is under load, and after the load.
 * The load is the load generator through the gateway (reads, sign-ins, purchases) plus reads of
 * news and blog. Prints figures next to the goals; it does not judge them.
 *
 *   npm run bench:memory
 *   BENCH_LOAD_S=60 BENCH_CONNECTIONS=20 npm run bench:memory
 *   BENCH_OUT=memory.json npm run bench:memory     (also writes the figures as JSON)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { LOAD_TEST_HEADER } from '@lib/contracts';
import { freePort } from '@lib/platform/testing';
import { down, ensureStack, formatTable, status } from '@tools/devstack';
import {
  appSpecs,
  buildApps,
  root,
  startApp,
  stopApps,
  waitUntilReady,
  type RunningApp,
} from '../start';

const idleSettleMs = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 10_000);
const loadSeconds = Number(process.env.BENCH_LOAD_S ?? 30);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const IDLE_GOAL_MB = 120;
const LOADED_GOAL_MB = 160;
const PLATFORM_GOAL_MB = 2048;

const logDir = join(root, '.devstack', 'logs', 'bench-memory');

function rssMb(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  // The same figure as `npm start`'s table: VmRSS of the app's process.
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** The part of the load generator's figures (tools/load, `--out`) the benchmarks read. */
export interface LoadFigures {
  requests: number;
  errors: number;
  rps: number;
  endpoints: Record<string, { statuses: Record<string, number> }>;
}

/**
 * Runs the load generator (a child process, so its own memory stays out of the figures) and
 * resolves with the figures it wrote.
 */
export function runLoadGenerator(gatewayUrl: string, loadTestKey: string): Promise<LoadFigures> {
  mkdirSync(logDir, { recursive: true });
  const out = join(logDir, 'load-result.json');
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(root, 'node_modules', '.bin', 'tsx'),
      [
        '--tsconfig',
        'tsconfig.base.json',
        'tools/load/src/cli.ts',
        '--url',
        gatewayUrl,
        '--connections',
        String(connections),
        '--duration',
        String(loadSeconds),
        '--ramp-up',
        '2',
        '--ramp-down',
        '0',
        '--purchase-share',
        '0.05',
        '--out',
        out,
      ],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, LOAD_TEST_KEY: loadTestKey },
      },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(readFileSync(out, 'utf8')) as LoadFigures)
        : reject(new Error(`load generator exited with ${code}`)),
    );
  });
}

/** Reads of the two MongoDB services through the gateway, beside the load generator. */
export async function readNewsAndBlog(gatewayUrl: string, loadTestKey: string): Promise<void> {
  for (const path of ['/api/news', '/api/blog/posts']) {
    const result = await autocannon({
      url: `${gatewayUrl}${path}`,
      connections: Math.max(1, connections >> 1),
      duration: Math.max(1, Math.floor(loadSeconds / 2)),
      headers: { [LOAD_TEST_HEADER]: loadTestKey },
    });
    // Reported, not fatal: on a loaded machine a health check can time out and the gateway
    // answer 503 for a moment; the memory figures are still the apps' under this load.
    if (result.non2xx > 0 || result.errors > 0)
      console.log(
        `${path}: ${result.non2xx} non-2xx answers, ${result.errors} errors of ${result.requests.total}`,
      );
  }
}

const fmt = (mb: number): string => (Number.isFinite(mb) ? mb.toFixed(0) : '-');

export interface MemoryFigures {
  date: string;
  node: string;
  loadAverage: number;
  /** Spawn to the last app ready and registered. */
  readyS: number;
  /**
   * As `npm start` runs: the dev stack's start (from stopped unless `stackWasRunning`), build
   * (cached), spawn, all ready and registered.
   */
  startS: number;
  /** `--stack-running`: the stack was left running, so startS holds no stack start. */
  stackWasRunning: boolean;
  stackMb: number;
  apps: Record<string, { idleMb: number; peakMb: number; afterMb: number }>;
  loadSeconds: number;
  connections: number;
}

/** Runs the memory (and start-up) benchmark with its defaults, prints it, returns the figures. */
export async function runMemoryBench(): Promise<MemoryFigures> {
  const startLoad = loadavg()[0].toFixed(2);
  console.log(
    `memory benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${startLoad}\n`,
  );
  // The goal's case is `npm start` from a stopped stack (caches warm): stop a running one first,
  // unless asked to keep it (a platform of `npm start` beside this bench would lose its stack).
  const keepStack = process.argv.includes('--stack-running');
  const running = (await status()).some((c) => c.state === 'running');
  if (running && !keepStack) {
    console.log(
      'stopping the dev stack, to time npm start from a stopped stack (--stack-running keeps it)',
    );
    await down();
  }
  const stackWasRunning = running && keepStack;
  const began = performance.now();
  const stack = await ensureStack({ quiet: true });
  // Every app's public and admin port free on this machine, whatever else is running.
  const ports = new Map<string, number>();
  for (const { name } of appSpecs()) {
    ports.set(name, await freePort());
    ports.set(`${name}_admin`, await freePort());
  }
  // The load must reach the apps: with the gateway's per-IP limits most of it would be 429s.
  const loadTestKey = randomUUID();
  const specs = appSpecs((name, fallback) => ports.get(name) ?? fallback).map((spec) =>
    spec.name === 'gateway'
      ? {
          ...spec,
          env: { ...spec.env, GATEWAY_LOAD_TEST_KEY: loadTestKey, GATEWAY_LOAD_TEST_RATE: '5000' },
        }
      : spec,
  );
  buildApps(
    specs.map((s) => s.name),
    true,
  );

  const apps: RunningApp[] = specs.map((spec) =>
    startApp(spec, { ...stack, NODE_ENV: 'development' }, logDir),
  );
  const peak = new Map<string, number>();
  try {
    // Generous: on a loaded machine start-up is slow, and the figure says so; only a hang fails.
    await waitUntilReady(apps, stack.CONSUL_URL, 300_000, logDir);
    const startS = (performance.now() - began) / 1000;
    const startedS = Math.max(...apps.map((a) => a.readyMs ?? 0)) / 1000;
    await new Promise((resolve) => setTimeout(resolve, idleSettleMs));
    const idle = new Map(apps.map((a) => [a.spec.name, rssMb(a.child.pid)]));

    const sampler = setInterval(() => {
      for (const a of apps)
        peak.set(a.spec.name, Math.max(peak.get(a.spec.name) ?? 0, rssMb(a.child.pid)));
    }, 250);
    const gatewayUrl = `http://127.0.0.1:${ports.get('gateway')}`;
    try {
      await Promise.all([
        runLoadGenerator(gatewayUrl, loadTestKey),
        readNewsAndBlog(gatewayUrl, loadTestKey),
      ]);
    } finally {
      clearInterval(sampler);
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const after = new Map(apps.map((a) => [a.spec.name, rssMb(a.child.pid)]));

    const stackMb = (await status()).reduce((sum, c) => sum + (c.rssMb ?? 0), 0);
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const rows = [
      [
        'app',
        'idle MB',
        `goal ≤ ${IDLE_GOAL_MB}`,
        'peak MB',
        'after load MB',
        `goal ≤ ${LOADED_GOAL_MB}`,
      ],
      ...apps.map((a) => {
        const name = a.spec.name;
        const i = idle.get(name) ?? Number.NaN;
        const f = after.get(name) ?? Number.NaN;
        return [
          name,
          fmt(i),
          `${((i / IDLE_GOAL_MB) * 100).toFixed(0)} %`,
          fmt(peak.get(name) ?? Number.NaN),
          fmt(f),
          `${((f / LOADED_GOAL_MB) * 100).toFixed(0)} %`,
        ];
      }),
      [`${apps.length} apps`, fmt(total(idle)), '', fmt(total(peak)), fmt(total(after)), ''],
    ];
    console.log(formatTable(rows));
    const platform = total(after) + stackMb;
    console.log(
      `\nall ${apps.length} ready ${startedS.toFixed(1)} s after spawn, ${startS.toFixed(1)} s after the start as npm start runs it (goal ≤ 30 s); dev stack ${fmt(stackMb)} MB; platform after load ${fmt(platform)} MB (goal ≤ ${PLATFORM_GOAL_MB}: ${((platform / PLATFORM_GOAL_MB) * 100).toFixed(0)} %)`,
    );
    console.log(
      `load: ${connections} connections for ${loadSeconds} s; load average now ${loadavg()[0].toFixed(2)}`,
    );
    const figures: MemoryFigures = {
      date: new Date().toISOString(),
      node: process.version,
      loadAverage: Number(startLoad),
      readyS: startedS,
      startS,
      stackWasRunning,
      stackMb,
      apps: Object.fromEntries(
        apps.map((a) => [
          a.spec.name,
          {
            idleMb: idle.get(a.spec.name) ?? Number.NaN,
            peakMb: peak.get(a.spec.name) ?? Number.NaN,
            afterMb: after.get(a.spec.name) ?? Number.NaN,
          },
        ]),
      ),
      loadSeconds,
      connections,
    };
    if (process.env.BENCH_OUT)
      writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(figures, null, 2)}\n`);
    return figures;
  } finally {
    await stopApps(apps);
  }
}

if (require.main === module) {
  runMemoryBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
