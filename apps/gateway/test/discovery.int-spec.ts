import type { Echo } from './support/echo-upstream';
import {
  burst,
  instancesSeen,
  metricValue,
  startGateway,
  testServiceName,
  type RunningGateway,
} from './support/gateway-app';
import {
  killAll,
  spawnInstance,
  waitFor,
  type UpstreamInstance,
} from './support/upstream-instances';
import type { RouteDefinition } from '../src/routing/route-table';

/**
 * Discovery and failover against the dev stack's real Consul, with upstream instances as
 * real processes that register themselves and get killed.
 */
// Spawning instances and waiting for Consul's checks takes seconds; bursts take more.
jest.setTimeout(60_000);

describe('gateway discovery and failover (real Consul)', () => {
  const consulUrl = () => process.env.CONSUL_URL!;
  const alpha = testServiceName('alpha');
  const beta = testServiceName('beta');
  const open = { ratePerSecond: 100_000, burst: 100_000 };
  const routes: RouteDefinition[] = [
    {
      prefix: '/api/alpha',
      service: alpha,
      auth: 'none',
      rateLimit: { perIp: open },
      timeoutMs: 2_000,
      retryableMethods: ['GET'],
    },
    {
      prefix: '/api/beta',
      service: beta,
      auth: 'none',
      rateLimit: { perIp: open },
      timeoutMs: 2_000,
      retryableMethods: ['GET'],
    },
  ];
  let gateway: RunningGateway;
  let started: UpstreamInstance[] = [];

  const spawn = async (service: string, name: string) => {
    const instance = await spawnInstance(consulUrl(), service, name);
    started.push(instance);
    return instance;
  };
  const get = async (path: string) => {
    const { statusCode, body } = await gateway.client.request({ method: 'GET', path });
    return { statusCode, body: (await body.json()) as Echo & { code?: string; message?: string } };
  };
  const status = async (method: 'GET' | 'POST', path: string) => {
    const { statusCode, body } = await gateway.client.request({
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: method === 'POST' ? '{"n":1}' : undefined,
    });
    await body.dump();
    return statusCode;
  };
  const waitForInstances = (service: string, ids: string[]) =>
    waitFor(`${service} to have ${ids.join(', ')}`, async () => {
      const seen = await instancesSeen(gateway, service);
      return seen.length === ids.length && ids.every((id) => seen.includes(id));
    });

  beforeAll(async () => {
    gateway = await startGateway(routes);
  });

  afterEach(async () => {
    await killAll(consulUrl(), started);
    started = [];
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('is ready once it has read Consul, and spreads requests over both instances', async () => {
    await waitFor('the gateway to be ready', async () => {
      const ready = await gateway.admin.request({ method: 'GET', path: '/health/ready' });
      await ready.body.dump();
      return ready.statusCode === 200;
    });

    const [one, two] = await Promise.all([spawn(alpha, 'one'), spawn(alpha, 'two')]);
    await waitForInstances(alpha, [one.id, two.id]);
    const served: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      const { statusCode, body } = await get('/api/alpha/spread');
      expect(statusCode).toBe(200);
      served[body.instance] = (served[body.instance] ?? 0) + 1;
    }
    expect(served).toEqual({ one: 50, two: 50 });
  });

  it('sends traffic to a new instance within 1 s of its check passing', async () => {
    const one = await spawn(alpha, 'one');
    await waitForInstances(alpha, [one.id]);
    const fresh = await spawn(alpha, 'fresh');
    await waitFor('Consul to pass the new instance', async () => {
      const response = await fetch(`${consulUrl()}/v1/health/service/${alpha}?passing=true`);
      const entries = (await response.json()) as { Service: { ID: string } }[];
      return entries.some((entry) => entry.Service.ID === fresh.id);
    });
    const passedAt = Date.now();
    await waitFor(
      'the gateway to route to the new instance',
      async () => (await get('/api/alpha/new')).body.instance === 'fresh',
      1_000,
    );
    // Measured from when this test saw the check pass, which is after Consul knew it.
    expect(Date.now() - passedAt).toBeLessThan(1_000);
  });

  it('loses at most 0.1% of GETs when an instance is killed with SIGKILL mid-burst', async () => {
    const [victim, survivor] = await Promise.all([
      spawn(alpha, 'victim'),
      spawn(alpha, 'survivor'),
    ]);
    await waitForInstances(alpha, [victim.id, survivor.id]);
    let gone = false;
    // Until Consul's check has failed and the gateway dropped the victim: the whole window.
    const dropped = waitForInstances(alpha, [survivor.id]).then(() => (gone = true));
    const result = await burst({
      concurrency: 16,
      minimum: 2_000,
      done: () => gone,
      send: async (i) => {
        if (i === 500) victim.process.kill('SIGKILL');
        return status('GET', `/api/alpha/burst/${i}`);
      },
    });
    await dropped;
    expect(victim.process.signalCode).toBe('SIGKILL');
    expect(result.failed / result.total).toBeLessThanOrEqual(0.001);
    // The kill did hit requests: they were sent again to the survivor.
    const retried =
      (await metricValue(
        gateway,
        `gateway_upstream_retries_total{service="${alpha}",reason="reset"`,
      )) +
      (await metricValue(
        gateway,
        `gateway_upstream_retries_total{service="${alpha}",reason="not-sent"`,
      ));
    expect(retried).toBeGreaterThan(0);
  });

  it('fails no request, GET or POST, when an instance shuts down with SIGTERM mid-burst', async () => {
    const [leaving, staying] = await Promise.all([
      spawn(alpha, 'leaving'),
      spawn(alpha, 'staying'),
    ]);
    await waitForInstances(alpha, [leaving.id, staying.id]);
    let exited = false;
    void leaving.exited.then(() => (exited = true));
    // Through deregistration, the drain delay and the close, until the process is gone.
    const result = await burst({
      concurrency: 16,
      minimum: 2_000,
      done: () => exited,
      send: async (i) => {
        if (i === 500) leaving.process.kill('SIGTERM');
        return status(i % 2 === 0 ? 'GET' : 'POST', `/api/alpha/drain/${i}`);
      },
    });
    expect(result).toMatchObject({ failed: 0, statuses: { 200: result.total } });
    expect(leaving.process.exitCode).toBe(0);
  });

  it('answers 503 for a service whose instances are all gone while another service answers 200', async () => {
    const [a1, a2, b1] = await Promise.all([
      spawn(alpha, 'a1'),
      spawn(alpha, 'a2'),
      spawn(beta, 'b1'),
    ]);
    await Promise.all([waitForInstances(alpha, [a1.id, a2.id]), waitForInstances(beta, [b1.id])]);
    a1.process.kill('SIGTERM');
    a2.process.kill('SIGTERM');
    await waitForInstances(alpha, []);

    const [down, up] = await Promise.all([get('/api/alpha/x'), get('/api/beta/x')]);
    expect(down.statusCode).toBe(503);
    expect(down.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'GATEWAY.NO_HEALTHY_INSTANCE',
      message: `No healthy instance of ${alpha}`,
    });
    expect(up.statusCode).toBe(200);
    expect(up.body.instance).toBe('b1');

    const metrics = await gateway.admin.request({ method: 'GET', path: '/metrics' });
    const text = await metrics.body.text();
    expect(text).toContain(`gateway_upstream_instances{service="${alpha}",app="gateway"} 0`);
    expect(text).toContain(`gateway_upstream_instances{service="${beta}",app="gateway"} 1`);
  });
});
