import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface UpstreamInstance {
  id: string;
  port: number;
  process: ChildProcess;
  /** Resolves when the process has exited, whatever the cause. */
  exited: Promise<unknown>;
}

const SCRIPT = join(__dirname, 'upstream-process.ts');

/** Starts one registered stand-in instance as a child process (see upstream-process.ts). */
export async function spawnInstance(
  consulUrl: string,
  service: string,
  instance: string,
): Promise<UpstreamInstance> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, consulUrl, service, instance], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    exited.then(() => undefined),
  ]);
  if (first === undefined)
    throw new Error(`upstream ${service}/${instance} exited before registering`);
  const { id, port } = JSON.parse(first) as { id: string; port: number };
  return { id, port, process: child, exited };
}

/** Stops instances a test left running: SIGKILL, then deregisters them from Consul. */
export async function killAll(consulUrl: string, instances: UpstreamInstance[]): Promise<void> {
  await Promise.all(
    instances.map(async (instance) => {
      if (instance.process.exitCode === null && instance.process.signalCode === null) {
        instance.process.kill('SIGKILL');
        await instance.exited;
      }
      await fetch(new URL(`/v1/agent/service/deregister/${instance.id}`, consulUrl), {
        method: 'PUT',
      });
    }),
  );
}

/** Polls `probe` until it returns true, failing after `timeoutMs`. */
export async function waitFor(
  description: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
