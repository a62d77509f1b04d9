import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { freePort, waitFor } from '../src/testing';

const root = resolve(__dirname, '../../..');
const consulUrl = process.env.CONSUL_URL!;

interface HealthEntry {
  Service: { ID: string; Port: number; Meta: Record<string, string> };
  Checks: { Status: string; CheckID: string }[];
}

async function passingInstances(name: string): Promise<HealthEntry[]> {
  const response = await fetch(`${consulUrl}/v1/health/service/${name}?passing=true`);
  return (await response.json()) as HealthEntry[];
}

async function catalogInstances(name: string): Promise<unknown[]> {
  const response = await fetch(`${consulUrl}/v1/catalog/service/${name}`);
  return (await response.json()) as unknown[];
}

describe('an app instance in Consul', () => {
  const name = `platform-fixture-${randomUUID().slice(0, 8)}`;
  let child: ChildProcess;
  let port: number;
  let adminPort: number;
  let output = '';

  beforeAll(async () => {
    port = await freePort();
    adminPort = await freePort();
    child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'libs/platform/test/fixtures/slow-app.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: 'tsconfig.base.json',
          FIXTURE_SERVICE_NAME: name,
          PORT: String(port),
          ADMIN_PORT: String(adminPort),
          CONSUL_CHECK_INTERVAL: '1s',
          SHUTDOWN_DRAIN_DELAY_MS: '300',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('registers itself with metadata and a passing readiness check', async () => {
    const [entry] = await waitFor(
      async () => {
        const instances = await passingInstances(name);
        return instances.length === 1 ? instances : undefined;
      },
      30_000,
      () => output,
    );
    expect(entry.Service.Port).toBe(port);
    expect(entry.Service.Meta).toEqual({
      version: '0.1.0',
      metrics_path: '/metrics',
      admin_port: String(adminPort),
    });
    expect(entry.Checks.map((c) => c.Status)).toEqual(['passing', 'passing']);
    // Consul checks readiness on the admin port; the public one does not serve it.
    expect((await fetch(`http://127.0.0.1:${adminPort}/health/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(404);
  });

  it('on SIGTERM deregisters first, finishes the in-flight request, then exits 0', async () => {
    const started = Date.now();
    const slow = fetch(`http://127.0.0.1:${port}/slow?ms=2000`).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as unknown,
      at: Date.now() - started,
    }));
    await new Promise((r) => setTimeout(r, 200));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');

    const goneAt = await waitFor(
      async () => ((await catalogInstances(name)).length === 0 ? Date.now() - started : undefined),
      10_000,
    );
    const response = await slow;
    const [code] = await exited;

    expect(goneAt).toBeLessThan(response.at);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ done: true, waitedMs: 2000 });
    expect(code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/slow?ms=1`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${adminPort}/health/live`)).rejects.toThrow();
  });
});
