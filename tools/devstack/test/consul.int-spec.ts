import { randomUUID } from 'node:crypto';
import {
  deregisterFromConsul,
  registerInConsul,
  startHttpTarget,
  type HttpTarget,
} from './http-target';
import { eventually, stackEnv } from './stack-env';

interface HealthEntry {
  Service: {
    ID: string;
    Service: string;
    Address: string;
    Port: number;
    Meta: Record<string, string>;
  };
  Checks: { ServiceID: string; Status: string }[];
}

describe('dev stack: Consul', () => {
  const { CONSUL_URL } = stackEnv();
  const name = `devstack-test-${randomUUID().slice(0, 8)}`;
  const id = `${name}-1`;
  let target: HttpTarget;
  let registered = false;

  const health = async (onlyPassing: boolean): Promise<HealthEntry[]> => {
    const res = await fetch(
      `${CONSUL_URL}/v1/health/service/${name}${onlyPassing ? '?passing' : ''}`,
    );
    expect(res.status).toBe(200);
    return (await res.json()) as HealthEntry[];
  };

  beforeAll(async () => {
    target = await startHttpTarget();
  });

  afterAll(async () => {
    if (registered) await deregisterFromConsul(CONSUL_URL, id);
    await target.close();
  });

  it('has an elected leader', async () => {
    const res = await fetch(`${CONSUL_URL}/v1/status/leader`);
    expect(await res.json()).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('registers a service with an HTTP check that turns passing, then critical, then deregisters', async () => {
    await registerInConsul(CONSUL_URL, { name, id, port: target.port });
    registered = true;

    const passing = await eventually(
      async () => ((await health(true)).length === 1 ? health(true) : undefined),
      15_000,
      'a passing instance',
    );
    expect(passing[0].Service).toMatchObject({
      ID: id,
      Service: name,
      Address: '127.0.0.1',
      Port: target.port,
      Meta: { version: '0.0.0-test', metrics_path: '/metrics' },
    });
    expect(passing[0].Checks.find((c) => c.ServiceID === id)?.Status).toBe('passing');

    target.setReady(false);
    await eventually(
      async () => ((await health(true)).length === 0 ? true : undefined),
      15_000,
      'the instance to leave the passing set',
    );
    const all = await health(false);
    expect(all[0].Checks.find((c) => c.ServiceID === id)?.Status).toBe('critical');

    await deregisterFromConsul(CONSUL_URL, id);
    registered = false;
    const catalog = await fetch(`${CONSUL_URL}/v1/catalog/service/${name}`);
    expect(await catalog.json()).toEqual([]);
  }, 60_000);
});
