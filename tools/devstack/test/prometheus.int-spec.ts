import { randomUUID } from 'node:crypto';
import {
  deregisterFromConsul,
  registerInConsul,
  startHttpTarget,
  type HttpTarget,
} from './http-target';
import { eventually, stackEnv } from './stack-env';

interface Target {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

describe('dev stack: Prometheus discovers scrape targets from Consul', () => {
  const { CONSUL_URL, PROMETHEUS_URL } = stackEnv();
  const name = `devstack-probe-${randomUUID().slice(0, 8)}`;
  const id = `${name}-1`;
  // a non-default path proves the relabeling from the instance's meta metrics_path
  const metricsPath = '/internal/metrics';
  let target: HttpTarget;

  beforeAll(async () => {
    target = await startHttpTarget(
      metricsPath,
      '# HELP devstack_probe_value A value to find.\n# TYPE devstack_probe_value gauge\ndevstack_probe_value 42\n',
    );
    await registerInConsul(CONSUL_URL, { name, id, port: target.port, metricsPath });
  });

  afterAll(async () => {
    await deregisterFromConsul(CONSUL_URL, id).catch(() => undefined);
    await target.close();
  });

  it('is ready', async () => {
    const res = await fetch(`${PROMETHEUS_URL}/-/ready`);
    expect(res.status).toBe(200);
  });

  it('lists the Consul-registered instance as an up target and scrapes its metrics', async () => {
    const found = await eventually(
      async () => {
        const res = await fetch(`${PROMETHEUS_URL}/api/v1/targets?state=active`);
        const body = (await res.json()) as { data: { activeTargets: Target[] } };
        const t = body.data.activeTargets.find((a) => a.labels.job === name);
        return t?.health === 'up' ? t : undefined;
      },
      45_000,
      `an up target for job ${name}`,
    );
    expect(found.scrapeUrl).toBe(`http://127.0.0.1:${target.port}${metricsPath}`);
    expect(found.labels).toMatchObject({ instance_id: id, app_version: '0.0.0-test' });
    expect(found.lastError).toBe('');

    const query = encodeURIComponent(`devstack_probe_value{job="${name}"}`);
    const value = await eventually(
      async () => {
        const res = await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${query}`);
        const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result[0]?.value[1];
      },
      15_000,
      'the scraped sample',
    );
    expect(value).toBe('42');
  }, 60_000);
});
