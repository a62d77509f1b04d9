import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, composeDown, composeUp, containers, Progress } from '../src';
import { describeWithEngine, docker, freePort, until } from './docker';
import { gatewayClient, platformRoundTrip } from '../src/round-trip';

/**
 * The compose file, really up on this machine's engine with the images built here: every
 * service healthy, a user's round trip through the compose gateway, webtoon scaled to three
 * with reads spread over them, one killed without reads failing, then a clean `down -v`.
 */
jest.setTimeout(300_000);

/** Every secret `.env.example` leaves blank, generated for the run. */
const SECRETS = [
  'POSTGRES_PASSWORD',
  'AUTH_DB_PASSWORD',
  'WEBTOON_DB_PASSWORD',
  'PAYMENT_DB_PASSWORD',
  'MONGO_ROOT_PASSWORD',
  'NEWS_DB_PASSWORD',
  'BLOG_DB_PASSWORD',
  'GRAFANA_ADMIN_PASSWORD',
  'ADMIN_PASSWORD',
  'PAYMENT_FINGERPRINT_KEY',
];

describeWithEngine('docker compose, with the local images', () => {
  const project = `mp-it-${randomUUID().slice(0, 6)}`;
  const dir = mkdtempSync(join(tmpdir(), 'compose-it-'));
  const envFile = join(dir, '.env');
  const progress = new Progress();
  const hostPorts: Record<string, number> = {};
  let opts: Parameters<typeof composeUp>[0];
  let gateway = '';

  beforeAll(async () => {
    for (const name of ['GATEWAY', 'PROMETHEUS', 'GRAFANA', 'CONSUL'])
      hostPorts[`${name}_HOST_PORT`] = await freePort();
    writeFileSync(
      envFile,
      [
        ...SECRETS.map((p) => `${p}=${randomBytes(12).toString('hex')}`),
        'ADMIN_EMAIL=admin@example.com',
      ].join('\n'),
    );
    opts = {
      project,
      envFile,
      env: Object.fromEntries(Object.entries(hostPorts).map(([k, v]) => [k, String(v)])),
    };
    gateway = `http://127.0.0.1:${hostPorts.GATEWAY_HOST_PORT}`;
    await composeUp(opts, progress);
  }, 1_800_000);

  afterAll(async () => {
    await composeDown({ ...opts, volumes: true }, progress).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const webtoonInstances = async () => {
    const res = await fetch(
      `http://127.0.0.1:${hostPorts.CONSUL_HOST_PORT}/v1/health/service/webtoon?passing=true`,
    );
    return ((await res.json()) as { Service: { Address: string } }[]).map((e) => e.Service.Address);
  };

  /** Requests each webtoon container has served on the catalogue route, from its own metrics. */
  async function servedPerContainer(): Promise<Map<string, number>> {
    const served = new Map<string, number>();
    for (const c of (await containers(project)).filter((c) => c.service === 'webtoon')) {
      if (c.state !== 'running') continue;
      const metrics = await docker([
        'exec',
        c.name,
        'node',
        '-e',
        "fetch('http://127.0.0.1:4002/metrics').then(r=>r.text()).then(t=>process.stdout.write(t))",
      ]);
      const count = metrics
        .split('\n')
        .filter(
          (l) =>
            l.startsWith('http_request_duration_seconds_count') &&
            l.includes('route="/api/webtoons"'),
        )
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
      served.set(c.name, count);
    }
    return served;
  }

  it('brings every service up healthy, Grafana aside (it cannot be built here)', async () => {
    const list = await containers(project);
    const services = [...new Set(list.map((c) => c.service))].sort();
    expect(services).toEqual(
      [
        'auth',
        'blog',
        'consul',
        'gateway',
        'kafka',
        'mongo',
        'news',
        'payment',
        'postgres',
        'prometheus',
        'web',
        'webtoon',
      ].sort(),
    );
    expect(list.every((c) => c.health === 'healthy')).toBe(true);
  });

  it('serves a signup → top-up → purchase → read round trip through the compose gateway', async () => {
    const trip = await platformRoundTrip(gateway);
    expect(trip.purchase.status).toBe('completed');
    expect(trip.episodeStatus).toBe(200);
    expect(trip.balanceAfterPurchase).toBe(trip.balanceAfterTopUp - trip.purchase.priceCoins);
  });

  it('scales webtoon to three containers, all registered, with reads spread over them', async () => {
    await compose(opts, [
      'up',
      '-d',
      '--no-build',
      '--no-recreate',
      '--scale',
      'webtoon=3',
      'webtoon',
    ]);
    await until(
      'three passing webtoon instances in Consul',
      async () => ((await webtoonInstances()).length === 3 ? true : undefined),
      120_000,
    );
    const before = await servedPerContainer();
    const call = gatewayClient(gateway);
    for (let i = 0; i < 60; i++) expect((await call('/api/webtoons')).status).toBe(200);
    const after = await servedPerContainer();
    const shares = [...after].map(([name, n]) => n - (before.get(name) ?? 0));
    expect(shares).toHaveLength(3);
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(10);
  });

  it('keeps answering reads when one webtoon container is killed', async () => {
    const victim = (await containers(project)).find((c) => c.service === 'webtoon')!;
    await docker(['kill', victim.name]);
    const call = gatewayClient(gateway);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await call('/api/webtoons')).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await until(
      'the killed instance leaves the passing list',
      async () => ((await webtoonInstances()).length === 2 ? true : undefined),
      60_000,
    );
  });

  it('`down -v` leaves no container, network or volume behind', async () => {
    await composeDown({ ...opts, volumes: true }, progress);
    const label = `label=com.docker.compose.project=${project}`;
    expect(await docker(['ps', '-aq', '--filter', label])).toBe('');
    expect(await docker(['network', 'ls', '-q', '--filter', label])).toBe('');
    expect(await docker(['volume', 'ls', '-q', '--filter', label])).toBe('');
  });
});
