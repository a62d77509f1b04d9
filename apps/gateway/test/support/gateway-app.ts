import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminServerOf, createPlatformApp } from '@lib/platform';
import { TestTokenIssuer } from '@lib/platform/testing';
import { Pool } from 'undici';
import { GATEWAY_APP } from '../../src/config';
import { ProxyModule } from '../../src/proxy/proxy.module';
import type { RouteDefinition } from '../../src/routing/route-table';

export interface RunningGateway {
  app: NestFastifyApplication;
  origin: string;
  port: number;
  /** Keep-alive client to the gateway, like a load balancer in front of it. */
  client: Pool;
  /** Client to its admin port: health, metrics, /gateway/upstreams. */
  admin: Pool;
  issuer: TestTokenIssuer;
  close(): Promise<void>;
}

/** Service names unique to one test run, so runs never see each other's instances in Consul. */
export function testServiceName(role: string): string {
  return `gwtest-${role}-${randomBytes(3).toString('hex')}`;
}

/**
 * The gateway app over a test route table, listening on a free port, discovering through the
 * dev stack's Consul (CONSUL_URL from stack.env) and verifying tokens against a JWKS served
 * here from a throwaway key.
 */
export async function startGateway(
  routes: RouteDefinition[],
  env: Record<string, string> = {},
): Promise<RunningGateway> {
  const consulUrl = process.env.CONSUL_URL;
  if (!consulUrl)
    throw new Error('CONSUL_URL is not set: run the integration project (it starts the dev stack)');
  const issuer = await TestTokenIssuer.create();
  const jwks: Server = createServer((_req, res) => res.end(JSON.stringify(issuer.jwks)));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));

  @Module({ imports: [ProxyModule.forRoutes(routes)] })
  class IntegrationGatewayModule {}

  const app = await createPlatformApp({
    ...GATEWAY_APP,
    module: IntegrationGatewayModule,
    env: {
      PORT: '0',
      LOG_LEVEL: process.env.GATEWAY_TEST_LOG_LEVEL ?? 'silent',
      CONSUL_URL: consulUrl,
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
      ...env,
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const client = new Pool(origin, { connections: 32 });
  const adminServer = adminServerOf(app);
  await new Promise<void>((resolve) => adminServer.listen(0, '127.0.0.1', resolve));
  const admin = new Pool(`http://127.0.0.1:${(adminServer.address() as AddressInfo).port}`);
  return {
    app,
    origin,
    port,
    client,
    admin,
    issuer,
    close: async () => {
      await client.close();
      await admin.close();
      adminServer.close();
      await app.close();
      jwks.close();
    },
  };
}

export interface UpstreamsView {
  services: { service: string; circuit: string; instances: { id: string; port: number }[] }[];
}

export async function instancesSeen(gateway: RunningGateway, service: string): Promise<string[]> {
  const { body } = await gateway.admin.request({ method: 'GET', path: '/gateway/upstreams' });
  const view = (await body.json()) as UpstreamsView;
  return view.services.find((s) => s.service === service)?.instances.map((i) => i.id) ?? [];
}

export interface BurstResult {
  statuses: Record<number, number>;
  /** Non-2xx answers and transport errors. */
  failed: number;
  total: number;
}

/**
 * Sends requests `concurrency` at a time until `done()` holds and at least `minimum` were
 * sent, and tallies the outcomes. `send` gets the request's sequence number.
 */
export async function burst(options: {
  concurrency: number;
  minimum: number;
  done: () => boolean;
  send: (i: number) => Promise<number>;
}): Promise<BurstResult> {
  const statuses: Record<number, number> = {};
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.minimum || !options.done()) {
        const status = await options.send(next++).catch(() => 0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status < 200 || status >= 300) failed += 1;
      }
    }),
  );
  return { statuses, failed, total: next };
}

/** The value of one labelled series in the gateway's /metrics, 0 when it is absent. */
export async function metricValue(gateway: RunningGateway, series: string): Promise<number> {
  const { body } = await gateway.admin.request({ method: 'GET', path: '/metrics' });
  const line = (await body.text()).split('\n').find((l) => l.startsWith(series));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}
