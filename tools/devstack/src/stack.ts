import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { consul } from './components/consul';
import { ferretdb } from './components/ferretdb';
import { kafka } from './components/kafka';
import { outsideDataDir, postgres } from './components/postgres';
import { prometheus } from './components/prometheus';
import type { Component, Runtime } from './components/types';
import { loadConfig, loadCredentials, portEnvName, type StackConfig } from './config';
import { buildStackEnv, writeStackEnv, type StackEnv } from './env';
import {
  groupRssKb,
  isOurs,
  portFree,
  readRecord,
  removeRecord,
  sleep,
  spawnDaemon,
  stopGroup,
  tail,
  withLock,
  writeRecord,
} from './proc';
import { Progress, seconds } from './progress';

/** Start order doesn't matter (all start concurrently); stop order is the reverse. */
export const STACK: Component[] = [postgres, kafka, consul, ferretdb, prometheus];

export class StackError extends Error {}

function runtime(quiet: boolean): Runtime {
  const cfg = loadConfig();
  for (const d of [cfg.dir, cfg.logsDir, cfg.runDir, cfg.cacheDir])
    mkdirSync(d, { recursive: true });
  return { cfg, creds: loadCredentials(cfg), progress: new Progress(quiet) };
}

function logPath(cfg: StackConfig, name: string): string {
  return join(cfg.logsDir, `${name}.log`);
}

/** Probes until ready; `gone` says why the process is no longer there, if it isn't. */
async function waitReady(c: Component, rt: Runtime, gone: () => string | undefined): Promise<void> {
  const deadline = Date.now() + c.readyTimeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const why = gone();
    if (why) throw new Error(`process ${why} during startup`);
    try {
      await c.probe(rt);
      return;
    } catch (err) {
      last = (err as Error).message || String(err);
    }
    await sleep(300);
  }
  throw new Error(`not ready after ${seconds(c.readyTimeoutMs)}: ${last}`);
}

async function bringUp(c: Component, rt: Runtime): Promise<void> {
  const { cfg, progress } = rt;
  const t0 = Date.now();
  const log = logPath(cfg, c.name);
  await c.install(rt);
  const rec = readRecord(cfg.runDir, c.name);
  const running = rec && isOurs(rec) ? rec : undefined;
  // launch() is idempotent (it only formats or initialises missing data) and says how the
  // component should run now: one running with another command or config (new version,
  // ports, flags) is restarted
  const spec = await c.launch(rt);
  const fingerprint = createHash('sha256')
    .update([spec.exe, ...spec.args, spec.config ?? ''].join('\0'))
    .digest('hex');
  if (running && running.fingerprint === fingerprint) {
    await waitReady(c, rt, () => (isOurs(running) ? undefined : 'exited')).catch((err: Error) => {
      throw new Error(`running (pid ${running.pid}) but unhealthy: ${err.message}`);
    });
    progress.line(
      c.name,
      `already running (pid ${running.pid}), healthy in ${seconds(Date.now() - t0)}`,
    );
    return;
  }
  if (running) {
    progress.line(c.name, `configuration changed: restarting pid ${running.pid}`);
    await stopGroup(running.pid, c.stopSignal, c.stopGraceMs);
  }
  removeRecord(cfg.runDir, c.name);
  for (const port of c.ports) {
    if (!(await portFree(cfg.ports[port], '127.0.0.1'))) {
      throw new Error(
        `port ${cfg.ports[port]} is taken by another process (override with ${portEnvName(port)}=<port>)`,
      );
    }
  }
  const t1 = Date.now();
  const { record, exitStatus } = spawnDaemon(spec.exe, spec.args, log, spec);
  const started = { ...record, fingerprint };
  writeRecord(cfg.runDir, c.name, started);
  await waitReady(c, rt, exitStatus);
  await c.provision?.(rt);
  const ports = c.ports.map((p) => cfg.ports[p]).join(',');
  progress.line(
    c.name,
    `ready in ${seconds(Date.now() - t1)} (pid ${started.pid}, port ${ports}, total ${seconds(Date.now() - t0)})`,
  );
}

export interface UpOptions {
  quiet?: boolean;
  /** Only these components (stack.env is written only for a full stack). */
  only?: string[];
}

function select(names?: string[]): Component[] {
  if (!names || names.length === 0) return STACK;
  for (const n of names) {
    if (!STACK.some((c) => c.name === n)) {
      throw new StackError(`unknown component ${n}; one of ${STACK.map((c) => c.name).join(', ')}`);
    }
  }
  return STACK.filter((c) => names.includes(c.name));
}

/** Starts whatever is not running, waits for every component and writes stack.env. */
export async function up(opts: UpOptions = {}): Promise<StackEnv> {
  const rt = runtime(opts.quiet ?? false);
  const components = select(opts.only);
  return withLock(
    join(rt.cfg.runDir, 'lock'),
    (pid) => rt.progress.line('stack', `waiting for another devstack command (pid ${pid})`),
    async () => {
      rt.progress.line('stack', `up (data ${rt.cfg.dir}, cache ${rt.cfg.cacheDir})`);
      const results = await Promise.allSettled(
        components.map((c) =>
          bringUp(c, rt).catch((err: Error) => {
            rt.progress.line(c.name, `FAILED: ${err.message}`);
            throw err;
          }),
        ),
      );
      const failures = results.flatMap((r, i) =>
        r.status === 'rejected'
          ? [
              `${components[i].name}: ${(r.reason as Error).message ?? r.reason}\n  log: ${logPath(rt.cfg, components[i].name)}`,
            ]
          : [],
      );
      if (failures.length > 0) {
        for (const [i, r] of results.entries()) {
          if (r.status === 'rejected') {
            const excerpt = tail(logPath(rt.cfg, components[i].name), 8);
            if (excerpt)
              process.stderr.write(`--- last lines of ${components[i].name}.log ---\n${excerpt}\n`);
          }
        }
        throw new StackError(`dev stack failed to come up:\n${failures.join('\n')}`);
      }
      const env = buildStackEnv(rt.cfg, rt.creds);
      if (components === STACK) writeStackEnv(rt.cfg, env);
      const where = components === STACK ? `; settings in ${rt.cfg.envFile}` : '';
      rt.progress.line('stack', `ready in ${rt.progress.elapsed()}${where}`);
      return env;
    },
  );
}

export async function down(opts: { wipe?: boolean } = {}): Promise<void> {
  const rt = runtime(false);
  await withLock(
    join(rt.cfg.runDir, 'lock'),
    (pid) => rt.progress.line('stack', `waiting for another devstack command (pid ${pid})`),
    async () => {
      for (const c of [...STACK].reverse()) {
        const rec = readRecord(rt.cfg.runDir, c.name);
        if (rec && isOurs(rec)) {
          const t0 = Date.now();
          await stopGroup(rec.pid, c.stopSignal, c.stopGraceMs);
          rt.progress.line(c.name, `stopped pid ${rec.pid} in ${seconds(Date.now() - t0)}`);
        }
        removeRecord(rt.cfg.runDir, c.name);
      }
      rmSync(rt.cfg.envFile, { force: true });
    },
  );
  if (opts.wipe) {
    rmSync(rt.cfg.dir, { recursive: true, force: true });
    rmSync(outsideDataDir(rt.cfg.dir), { recursive: true, force: true });
    rt.progress.line('stack', `wiped ${rt.cfg.dir}`);
  }
}

export interface ComponentStatus {
  name: string;
  state: 'running' | 'stopped' | 'unhealthy';
  pid?: number;
  ports: string;
  rssMb?: number;
  detail: string;
  log: string;
}

export async function status(): Promise<ComponentStatus[]> {
  const rt = runtime(true);
  return Promise.all(
    STACK.map(async (c): Promise<ComponentStatus> => {
      const rec = readRecord(rt.cfg.runDir, c.name);
      const base = {
        name: c.name,
        ports: c.ports.map((p) => rt.cfg.ports[p]).join(','),
        log: logPath(rt.cfg, c.name),
      };
      if (!rec || !isOurs(rec))
        return { ...base, state: 'stopped', detail: rec ? `pid ${rec.pid} is gone` : '' };
      const rssMb = Math.round(groupRssKb(rec.pid) / 1024);
      try {
        await c.probe(rt);
        return {
          ...base,
          state: 'running',
          pid: rec.pid,
          rssMb,
          detail: `up since ${rec.startedAt}`,
        };
      } catch (err) {
        return { ...base, state: 'unhealthy', pid: rec.pid, rssMb, detail: (err as Error).message };
      }
    }),
  );
}

export function logFiles(component?: string): string[] {
  const cfg = loadConfig();
  const names = component ? [component] : STACK.map((c) => c.name);
  for (const n of names) {
    if (!STACK.some((c) => c.name === n))
      throw new StackError(`unknown component ${n}; one of ${STACK.map((c) => c.name).join(', ')}`);
  }
  return names.map((n) => logPath(cfg, n));
}
