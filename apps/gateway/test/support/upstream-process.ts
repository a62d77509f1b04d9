/**
 * A stand-in service instance as its own process, for tests that kill instances: it serves
 * the echo handler, registers in Consul with an HTTP check like the platform's apps do, and
 * on SIGTERM deregisters, keeps serving for a drain delay, then closes. SIGKILL does none
 * of that, which is the point of sending it.
 *
 * argv: <consulUrl> <service> <instance> [checkInterval]; prints one JSON line when registered.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { echoHandler } from './echo-upstream';

const [consulUrl, service, instance, checkInterval = '500ms'] = process.argv.slice(2);
const DRAIN_DELAY_MS = 1_000;

async function consul(path: string, body?: unknown): Promise<void> {
  const response = await fetch(new URL(path, consulUrl), {
    method: 'PUT',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Consul ${path}: ${response.status} ${await response.text()}`);
}

async function main(): Promise<void> {
  const server = createServer(echoHandler(instance));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const id = `${service}-${instance}-${port}`;
  await consul('/v1/agent/service/register', {
    ID: id,
    Name: service,
    Address: '127.0.0.1',
    Port: port,
    Meta: { version: 'test' },
    Check: {
      HTTP: `http://127.0.0.1:${port}/health/ready`,
      Interval: checkInterval,
      Timeout: '500ms',
      DeregisterCriticalServiceAfter: '1m',
    },
  });
  process.once('SIGTERM', () => {
    void (async () => {
      await consul(`/v1/agent/service/deregister/${encodeURIComponent(id)}`);
      await new Promise((resolve) => setTimeout(resolve, DRAIN_DELAY_MS));
      server.close(() => process.exit(0));
      server.closeIdleConnections();
    })();
  });
  process.stdout.write(`${JSON.stringify({ id, port })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
