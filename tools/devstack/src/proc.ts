import { spawn, type SpawnOptions } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** What `up` records per component so `down` and `status` act on exactly that process. */
export interface ProcRecord {
  pid: number;
  /** The executable, checked against /proc/<pid>/cmdline to rule out a recycled pid. */
  exe: string;
  args: string[];
  /** sha256 of the command line and config it was started with */
  fingerprint?: string;
  startedAt: string;
  log: string;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function pidFile(runDir: string, name: string): string {
  return join(runDir, `${name}.json`);
}

export function readRecord(runDir: string, name: string): ProcRecord | undefined {
  const file = pidFile(runDir, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProcRecord;
  } catch {
    return undefined;
  }
}

export function writeRecord(runDir: string, name: string, rec: ProcRecord): void {
  writeFileSync(pidFile(runDir, name), JSON.stringify(rec, null, 2) + '\n');
}

export function removeRecord(runDir: string, name: string): void {
  rmSync(pidFile(runDir, name), { force: true });
}

export function pidAlive(pid: number): boolean {
  return signalOk(pid, 0);
}

function signalOk(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function procState(pid: number): string | undefined {
  try {
    // field 3 of /proc/<pid>/stat; the command name in field 2 may contain spaces
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Alive and still the process we started (not a zombie, not a recycled pid). */
export function isOurs(rec: ProcRecord): boolean {
  if (!pidAlive(rec.pid)) return false;
  if (!existsSync('/proc/self')) return true;
  if (procState(rec.pid) === 'Z') return false;
  try {
    const argv0 = readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').split('\0')[0];
    return argv0 === rec.exe;
  } catch {
    return false;
  }
}

/** Pids in a process group (Linux /proc scan); the whole group is what a component is. */
export function groupPids(pgid: number): number[] {
  if (!existsSync('/proc/self')) return signalOk(-pgid, 0) ? [pgid] : [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // exited while scanning
    }
  }
  return pids;
}

/** Resident memory of a whole process group in KiB. */
export function groupRssKb(pgid: number): number {
  let total = 0;
  for (const pid of groupPids(pgid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {
      // exited while scanning
    }
  }
  return total;
}

export interface Started {
  record: ProcRecord;
  /** Why it is gone (exit code or signal), while it is our child; undefined while it runs. */
  exitStatus: () => string | undefined;
}

/**
 * Starts a daemon in its own session (so its process group is its pid and it outlives
 * the CLI), with stdout and stderr appended to its log.
 */
export function spawnDaemon(
  exe: string,
  args: string[],
  log: string,
  opts: Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid'> = {},
): Started {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(exe, args, { ...opts, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`could not start ${exe}`);
    // exit events, not /proc: right after exec the new image's cmdline can still read empty
    let status: string | undefined;
    child.on('error', (err) => (status = err.message));
    child.on(
      'exit',
      (code, signal) => (status = signal ? `killed by ${signal}` : `exited with code ${code}`),
    );
    child.unref();
    return {
      record: { pid: child.pid, exe, args, startedAt: new Date().toISOString(), log },
      exitStatus: () => status,
    };
  } finally {
    closeSync(fd);
  }
}

/** The live pid holding a lock (0: being taken right now), undefined if stale. */
function lockHolder(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    if (pid > 0) return pidAlive(pid) ? pid : undefined;
  } catch {
    // no pid file yet
  }
  // the holder writes its pid right after mkdir: a lock without one for long is stale
  try {
    return Date.now() - statSync(lock).mtimeMs < 5000 ? 0 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` holding a lock directory shared across processes (parallel test runners,
 * checkouts sharing the cache), taking over a lock whose holder has died.
 */
export async function withLock<T>(
  lock: string,
  onWait: (holder: number) => void,
  fn: () => Promise<T>,
): Promise<T> {
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const holder = lockHolder(lock);
      if (holder === undefined) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced && holder > 0) {
        onWait(holder);
        announced = true;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Runs a tool to completion with its output appended to `log` (stdout is returned instead when
 * `capture` is set); rejects naming the command on failure.
 */
export function exec(
  cmd: string,
  args: string[],
  log: string,
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    capture?: boolean;
    uid?: number;
    gid?: number;
  } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const fd = openSync(log, 'a');
    let stdout = '';
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      uid: opts.uid,
      gid: opts.gid,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', opts.capture ? 'pipe' : fd, fd],
    });
    closeSync(fd);
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', (err) =>
      reject(
        new Error(
          `cannot run ${cmd} (${(err as NodeJS.ErrnoException).code}); is it installed and on PATH?`,
        ),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`\`${cmd} ${args.join(' ')}\` exited with code ${code}`)),
    );
  });
}

/** SIGTERM-style stop of the whole group, escalating to SIGKILL after `graceMs`. */
export async function stopGroup(
  pgid: number,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<boolean> {
  if (groupPids(pgid).length === 0) return false;
  signalOk(-pgid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (groupPids(pgid).length === 0) return true;
    await sleep(100);
  }
  signalOk(-pgid, 'SIGKILL');
  while (groupPids(pgid).length > 0) await sleep(50);
  return true;
}

/** True when nothing listens on 127.0.0.1:<port>. */
export function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
