import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny app instance: a readiness endpoint whose status can be flipped, and metrics. */
export interface HttpTarget {
  port: number;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

export async function startHttpTarget(metricsPath = '/metrics', metrics = ''): Promise<HttpTarget> {
  let ready = true;
  const server: Server = createServer((req, res) => {
    if (req.url === '/health/ready') {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ready ? 'ok' : 'down' }));
    } else if (req.url === metricsPath) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(metrics);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setReady: (value) => {
      ready = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Registers an instance the way the apps do (docs/architecture.md, "The system"). */
export async function registerInConsul(
  consulUrl: string,
  service: { name: string; id: string; port: number; metricsPath?: string },
): Promise<void> {
  const res = await fetch(`${consulUrl}/v1/agent/service/register`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Name: service.name,
      ID: service.id,
      Address: '127.0.0.1',
      Port: service.port,
      Tags: ['devstack-test'],
      Meta: { version: '0.0.0-test', metrics_path: service.metricsPath ?? '/metrics' },
      Check: {
        HTTP: `http://127.0.0.1:${service.port}/health/ready`,
        Interval: '1s',
        Timeout: '1s',
        DeregisterCriticalServiceAfter: '1m',
      },
    }),
  });
  if (!res.ok) throw new Error(`register ${service.id}: HTTP ${res.status} ${await res.text()}`);
}

export async function deregisterFromConsul(consulUrl: string, id: string): Promise<void> {
  const res = await fetch(`${consulUrl}/v1/agent/service/deregister/${id}`, { method: 'PUT' });
  if (!res.ok) throw new Error(`deregister ${id}: HTTP ${res.status} ${await res.text()}`);
}
