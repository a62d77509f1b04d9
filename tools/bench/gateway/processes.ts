import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { freePort, waitFor } from '@lib/platform/testing';

const children = new Set<ChildProcess>();
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
/** The servers share the last CPU; autocannon (this process) keeps the others. */
export const SERVER_CPU = availableParallelism() - 1;
export const PINNED = hasTaskset && availableParallelism() > 1;

/**
 * Starts a server process, pinned to SERVER_CPU when `taskset` exists, so every target
 * gets the same single core and the load generator never competes with it.
 */
export function startServer(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcess {
  const child = PINNED
    ? spawn('taskset', ['-c', String(SERVER_CPU), command, ...args], {
        stdio: 'ignore',
        ...options,
      })
    : spawn(command, args, { stdio: 'ignore', ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function stopServer(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** Leaves nothing running, whatever way the benchmark ends. */
export function stopAllOnExit(): void {
  const killAll = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** Resolves once `url` answers with `status`. */
export async function waitForHttp(url: string, status = 200, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === status ? true : undefined;
  }, timeoutMs);
}

export { freePort };
