// Building, starting, waiting for and stopping the apps as real processes: used by
// `npm start` and by the end-to-end tests (apps/platform-e2e, apps/web-e2e, tools' own).
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { APP_RUNTIME_ENV, appNodeFlags, type AppSpec } from './apps';

export const root = resolve(__dirname, '..', '..');

export interface RunningApp {
  spec: AppSpec;
  child: ChildProcess;
  startedAt: number;
  readyMs?: number;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function rssMb(pid: number | undefined): string {
  if (!pid) return '-';
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return line ? `${Math.round(Number(line[1]) / 1024)} MB` : '-';
  } catch {
    return '-';
  }
}

export function buildApps(names: string[], quiet = false): void {
  const result = spawnSync(
    join(root, 'node_modules', '.bin', 'nx'),
    ['run-many', '-t', 'build', '--projects', names.join(','), '--output-style', 'static'],
    { cwd: root, stdio: quiet ? 'pipe' : 'inherit', env: { ...process.env, NX_DAEMON: 'false' } },
  );
  if (result.status !== 0) {
    throw new Error(
      `build failed${quiet ? `:\n${result.stdout}\n${result.stderr}` : ' (see above)'}`,
    );
  }
}

/** Starts one app from its build, its output appended to `<logDir>/<name>.log`. */
export function startApp(spec: AppSpec, env: Record<string, string>, logDir: string): RunningApp {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
  const main = join(root, 'dist', 'apps', spec.name, 'apps', spec.name, 'src', 'main.js');
  // No --enable-source-maps: Node would keep every loaded module's map, about 10 MB per app.
  // `nx serve <app>` has them; here NODE_OPTIONS=--enable-source-maps turns them on.
  const child = spawn(process.execPath, [...appNodeFlags(spec.name), main], {
    cwd: root,
    env: {
      ...process.env,
      ...APP_RUNTIME_ENV,
      ...env,
      ...spec.env,
      PORT: String(spec.port),
      ADMIN_PORT: String(spec.adminPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return { spec, child, startedAt: performance.now() };
}

/** Ready means: its readiness probe passes and Consul lists it with a passing check. */
async function isReady(app: RunningApp, consulUrl: string): Promise<boolean> {
  try {
    const health = await fetch(`http://127.0.0.1:${app.spec.adminPort}/health/ready`);
    if (!health.ok) return false;
    const consul = await fetch(`${consulUrl}/v1/health/service/${app.spec.name}?passing=true`);
    const instances = (await consul.json()) as { Service: { Port: number } }[];
    return instances.some((i) => i.Service.Port === app.spec.port);
  } catch {
    return false;
  }
}

export async function waitUntilReady(
  apps: RunningApp[],
  consulUrl: string,
  timeoutMs: number,
  logDir: string,
  onReady: (app: RunningApp) => void = () => undefined,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    for (const app of apps) {
      if (app.child.exitCode !== null) {
        const log = join(logDir, `${app.spec.name}.log`);
        throw new Error(`${app.spec.name} exited with code ${app.child.exitCode}; see ${log}`);
      }
      if (app.readyMs === undefined && (await isReady(app, consulUrl))) {
        app.readyMs = performance.now() - app.startedAt;
        onReady(app);
      }
    }
    if (apps.every((a) => a.readyMs !== undefined)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const late = apps.filter((a) => a.readyMs === undefined).map((a) => a.spec.name);
  throw new Error(`not ready in time: ${late.join(', ')}; logs in ${logDir}`);
}

/** SIGTERM to each (graceful: deregister, drain, close); resolves with each exit code. */
export async function stopApps(apps: RunningApp[]): Promise<Record<string, number | null>> {
  const codes = await Promise.all(
    apps.map(
      (app) =>
        new Promise<[string, number | null]>((resolveStop) => {
          if (app.child.exitCode !== null || app.child.signalCode !== null) {
            return resolveStop([app.spec.name, app.child.exitCode]);
          }
          const timer = setTimeout(() => app.child.kill('SIGKILL'), 20_000);
          app.child.once('exit', (code) => {
            clearTimeout(timer);
            resolveStop([app.spec.name, code]);
          });
          app.child.kill('SIGTERM');
        }),
    ),
  );
  return Object.fromEntries(codes);
}

/**
 * A copy of the platform for a test: builds the apps of `specs`, starts each as a process with
 * `env`, and waits until every one is ready (its probe passes and Consul lists it). When one
 * is not, the ones started are stopped before the error is thrown.
 */
export async function startPlatformCopy(options: {
  specs: AppSpec[];
  logDir: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<RunningApp[]> {
  const consulUrl = process.env.CONSUL_URL;
  if (!consulUrl) throw new Error('CONSUL_URL is not set: the dev stack is not up');
  buildApps(
    options.specs.map((spec) => spec.name),
    true,
  );
  const apps = options.specs.map((spec) => startApp(spec, options.env ?? {}, options.logDir));
  try {
    await waitUntilReady(apps, consulUrl, options.timeoutMs ?? 120_000, options.logDir);
  } catch (error) {
    await stopApps(apps);
    throw error;
  }
  return apps;
}
