// `npm start`: the whole platform on this machine. Dev stack up, apps built and started,
// each waited for until ready and registered in Consul, then a table; Ctrl-C stops it all.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { down, ensureStack } from '@tools/devstack';
import { APPS, AppSpec } from './apps';

const root = resolve(__dirname, '..', '..');
const logDir = join(root, '.devstack', 'logs', 'apps');
const keepStack = process.argv.includes('--keep-stack');
const apps: Running[] = [];

interface Running {
  spec: AppSpec;
  child: ChildProcess;
  startedAt: number;
  readyMs?: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function rssMb(pid: number | undefined): string {
  if (!pid) return '-';
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return line ? `${Math.round(Number(line[1]) / 1024)} MB` : '-';
  } catch {
    return '-';
  }
}

function build(): void {
  const started = performance.now();
  console.log('› building the apps (nx run-many -t build)…');
  const result = spawnSync(
    join(root, 'node_modules', '.bin', 'nx'),
    [
      'run-many',
      '-t',
      'build',
      '--projects',
      APPS.map((a) => a.name).join(','),
      '--output-style',
      'static',
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } },
  );
  if (result.status !== 0) throw new Error('build failed (see above)');
  console.log(`✓ built in ${seconds(performance.now() - started)}`);
}

function startApp(spec: AppSpec, stackEnv: Record<string, string>): Running {
  const log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      join(root, 'dist', 'apps', spec.name, 'apps', spec.name, 'src', 'main.js'),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        ...stackEnv,
        ...spec.env,
        PORT: String(spec.port),
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return { spec, child, startedAt: performance.now() };
}

async function isReady(app: Running, consulUrl: string): Promise<boolean> {
  try {
    const health = await fetch(`http://127.0.0.1:${app.spec.port}/health/ready`);
    if (!health.ok) return false;
    const consul = await fetch(`${consulUrl}/v1/health/service/${app.spec.name}?passing=true`);
    const instances = (await consul.json()) as { Service: { Port: number } }[];
    return instances.some((i) => i.Service.Port === app.spec.port);
  } catch {
    return false;
  }
}

async function waitUntilReady(
  apps: Running[],
  consulUrl: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    for (const app of apps) {
      if (app.child.exitCode !== null) {
        throw new Error(
          `${app.spec.name} exited with code ${app.child.exitCode}; see ${join(logDir, `${app.spec.name}.log`)}`,
        );
      }
      if (app.readyMs === undefined && (await isReady(app, consulUrl))) {
        app.readyMs = performance.now() - app.startedAt;
        console.log(`✓ ${app.spec.name} ready and registered in ${seconds(app.readyMs)}`);
      }
    }
    if (apps.every((a) => a.readyMs !== undefined)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const late = apps.filter((a) => a.readyMs === undefined).map((a) => a.spec.name);
  throw new Error(`not ready in time: ${late.join(', ')}; logs in ${logDir}`);
}

function printTable(apps: Running[]): void {
  const ordered = [...apps].sort((a, b) =>
    a.spec.name === 'gateway' ? -1 : b.spec.name === 'gateway' ? 1 : 0,
  );
  const rows = ordered.map((a) => [
    a.spec.name,
    `http://127.0.0.1:${a.spec.port}`,
    a.readyMs === undefined ? 'starting' : 'ready',
    a.readyMs === undefined ? '-' : seconds(a.readyMs),
    rssMb(a.child.pid),
  ]);
  const header = ['app', 'URL', 'health', 'ready in', 'RSS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

async function stopAll(apps: Running[]): Promise<void> {
  await Promise.all(
    apps.map(
      (app) =>
        new Promise<void>((resolveStop) => {
          if (app.child.exitCode !== null || app.child.signalCode !== null) return resolveStop();
          const timer = setTimeout(() => app.child.kill('SIGKILL'), 20_000);
          app.child.once('exit', () => {
            clearTimeout(timer);
            resolveStop();
          });
          app.child.kill('SIGTERM');
        }),
    ),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  mkdirSync(logDir, { recursive: true });
  const stackEnv = await ensureStack();
  build();
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\n› stopping the apps…');
    await stopAll(apps);
    if (!keepStack) {
      console.log(
        '› stopping the dev stack (data kept; `npm run stack:down -- --wipe` deletes it)…',
      );
      await down({});
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());

  for (const spec of APPS) apps.push(startApp(spec, stackEnv));
  await waitUntilReady(apps, stackEnv.CONSUL_URL, 120_000);
  printTable(apps);
  console.log(
    `\nThe platform is up in ${seconds(performance.now() - started)}. Gateway: http://127.0.0.1:${APPS.find((a) => a.name === 'gateway')?.port}`,
  );
  console.log(
    `Logs: ${logDir}/<app>.log · infrastructure: npm run stack:status · Ctrl-C stops everything.`,
  );
}

main().catch(async (error: unknown) => {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(apps);
  process.exit(1);
});
