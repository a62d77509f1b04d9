import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@lib/platform/testing';

const root = resolve(__dirname, '../../../..');
const run = promisify(execFile);

export type Component = 'kafka' | 'postgres';

/** The pid `npm run stack:up` recorded for a component of this checkout's dev stack. */
function pidOf(component: Component): number {
  const dir = process.env.DEVSTACK_DIR ?? resolve(root, '.devstack');
  const record = JSON.parse(readFileSync(resolve(dir, 'run', `${component}.json`), 'utf8')) as {
    pid: number;
  };
  return record.pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops one server of the dev stack the way an outage does. Each runs in its own session, so
 * signalling its process group reaches exactly what `up` started (PostgreSQL's backends too).
 * SIGINT is PostgreSQL's fast shutdown; Kafka gets SIGTERM.
 */
export async function stopComponent(component: Component): Promise<void> {
  const pid = pidOf(component);
  process.kill(-pid, component === 'postgres' ? 'SIGINT' : 'SIGTERM');
  await waitFor(async () => (alive(pid) ? undefined : true), 60_000);
}

/** Starts it again through the dev stack's own CLI, which waits until it answers. */
export async function startComponent(component: Component): Promise<void> {
  await run('npx', ['tsx', 'tools/devstack/src/cli.ts', 'up', component], {
    cwd: root,
    env: process.env,
    timeout: 120_000,
  });
}
