import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { waitFor } from '@lib/platform/testing';
import {
  RunningApp,
  appSpecs,
  platformClient,
  root,
  startPlatformCopy,
  stopApps,
} from '@tools/start';

// The whole platform as users run it: six apps as separate processes on the dev stack, every
// request through the gateway, services talking only through Kafka. Ports are shifted by
// 10000 so a running `npm start` does not collide with this copy.
const specs = appSpecs((_name, port) => port + 10_000);
const gateway = `http://127.0.0.1:${specs.find((s) => s.name === 'gateway')!.port}`;
const logDir = join(root, '.devstack', 'logs', 'e2e');
const run = randomUUID().slice(0, 8);
const admin = { email: `e2e-admin-${run}@example.com`, password: `Admin-${randomUUID()}` };

const api = platformClient(gateway);

async function signUp(name: string): Promise<{ id: string; email: string; password: string }> {
  const user = { email: `e2e-${name}-${run}@example.com`, password: `Pw-${randomUUID()}` };
  const reply = await api('POST', '/api/auth/signup', {
    body: { ...user, displayName: `E2E ${name} ${run}` },
  });
  // The same 202 for a new and a taken email (docs/auth.md): the id comes from the login.
  expect(reply.status).toBe(202);
  const login = await api('POST', '/api/auth/login', { body: user });
  expect(login.status).toBe(200);
  const claims = JSON.parse(
    Buffer.from(String(login.body.accessToken).split('.')[1], 'base64url').toString(),
  );
  return { id: claims.sub, ...user };
}

async function logIn(user: { email: string; password: string }): Promise<string> {
  const reply = await api('POST', '/api/auth/login', {
    body: { email: user.email, password: user.password },
  });
  expect(reply.status).toBe(200);
  return reply.body.accessToken;
}

describe('the platform through its gateway', () => {
  let apps: RunningApp[] = [];

  beforeAll(async () => {
    apps = await startPlatformCopy({
      specs,
      logDir,
      env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
    });
  }, 240_000);

  afterAll(async () => {
    await stopApps(apps);
  });

  it('routes to a healthy instance of every service', async () => {
    const gatewayAdmin = specs.find((s) => s.name === 'gateway')!.adminPort;
    const response = await fetch(`http://127.0.0.1:${gatewayAdmin}/gateway/upstreams`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      services: { service: string; instances: { port: number }[] }[];
    };
    for (const spec of specs.filter((s) => s.name !== 'gateway')) {
      const upstream = body.services.find((s) => s.service === spec.name);
      const ports = upstream?.instances.map((i) => i.port);
      expect(ports).toContain(spec.port);
    }
  });

  let author: { id: string; email: string; password: string };
  let authorToken: string;

  it('opens a wallet with the signup bonus when a user signs up (auth → payment)', async () => {
    author = await signUp('author');
    authorToken = await logIn(author);
    const wallet = await waitFor(async () => {
      const reply = await api('GET', '/api/payments/wallet', { token: authorToken });
      return reply.status === 200 ? reply.body : undefined;
    }, 20_000);
    expect(wallet).toMatchObject({ userId: author.id, balance: 100, status: 'open' });
  });

  let seriesId: string;
  const seriesTitle = `E2E Chronicles ${run}`;

  it('writes a news article when an author publishes an episode (webtoon → news)', async () => {
    const adminToken = await logIn(admin);
    const roles = await api('PUT', `/api/auth/users/${author.id}/roles`, {
      token: adminToken,
      body: { roles: ['reader', 'author'] },
    });
    expect(roles.status).toBe(200);
    authorToken = await logIn(author);

    const series = await api('POST', '/api/webtoons', {
      token: authorToken,
      body: { title: seriesTitle, genres: ['fantasy'], synopsis: 'Written by the e2e test.' },
    });
    expect(series.status).toBe(201);
    seriesId = series.body.id;
    const episode = await api('POST', `/api/webtoons/${seriesId}/episodes`, {
      token: authorToken,
      body: {
        title: 'The first coin',
        imageUrls: ['https://example.com/e2e/1.png'],
        priceCoins: 30,
      },
    });
    expect(episode.status).toBe(201);

    const article = await waitFor(async () => {
      const reply = await api('GET', '/api/news?category=webtoon&limit=50');
      return reply.body.items.find((a: { title: string }) => a.title.includes(seriesTitle));
    }, 30_000);
    expect(article.category).toBe('webtoon');
  });

  it('sells a paid episode through the purchase saga (webtoon ⇄ payment)', async () => {
    const reader = await signUp('reader');
    const token = await logIn(reader);
    await waitFor(async () => {
      const reply = await api('GET', '/api/payments/wallet', { token });
      return reply.status === 200 ? true : undefined;
    }, 20_000);

    const before = await api('GET', `/api/webtoons/${seriesId}/episodes/1`, { token });
    expect(before.status).toBe(402);
    expect(before.body.priceCoins).toBe(30);

    const key = `e2e-purchase-${run}`;
    const purchase = await api('POST', `/api/webtoons/${seriesId}/episodes/1/purchase`, {
      token,
      headers: { 'idempotency-key': key },
    });
    expect(purchase.status).toBe(202);
    const settled = await waitFor(async () => {
      const reply = await api('GET', `/api/webtoons/purchases/${purchase.body.purchaseId}`, {
        token,
      });
      return reply.body.status === 'pending' ? undefined : reply.body;
    }, 30_000);
    expect(settled.status).toBe('completed');

    expect((await api('GET', `/api/webtoons/${seriesId}/episodes/1`, { token })).status).toBe(200);
    expect((await api('GET', '/api/payments/wallet', { token })).body.balance).toBe(70);
    const again = await api('POST', `/api/webtoons/${seriesId}/episodes/1/purchase`, {
      token,
      headers: { 'idempotency-key': key },
    });
    expect(again.body.purchaseId).toBe(purchase.body.purchaseId);
  });

  it("shows a post's author by the name from the registration event (auth → blog)", async () => {
    const post = await api('POST', '/api/blog/posts', {
      token: authorToken,
      body: { title: `Notes ${run}`, body: 'Posted through the gateway.' },
    });
    expect(post.status).toBe(201);
    const read = await waitFor(async () => {
      const reply = await api('GET', `/api/blog/posts/${post.body.id}`);
      return reply.body.author?.displayName === `E2E author ${run}` ? reply.body : undefined;
    }, 20_000);
    expect(read.author.id).toBe(author.id);
  });

  it('is scraped by Prometheus, which finds every instance in Consul', async () => {
    const prometheus = process.env.PROMETHEUS_URL!;
    const jobs = await waitFor(async () => {
      const reply = await fetch(`${prometheus}/api/v1/targets?state=active`);
      const { data } = (await reply.json()) as {
        data: { activeTargets: { labels: { job: string; instance: string }; health: string }[] };
      };
      const up = specs.filter((spec) =>
        data.activeTargets.some(
          (t) =>
            t.labels.job === spec.name &&
            t.labels.instance.endsWith(`:${spec.port}`) &&
            t.health === 'up',
        ),
      );
      return up.length === specs.length ? up.map((s) => s.name) : undefined;
    }, 45_000);
    expect(jobs.sort()).toEqual(specs.map((s) => s.name).sort());
  });

  it('answers 503 for a service with no instance while the others keep serving', async () => {
    const news = apps.find((a) => a.spec.name === 'news')!;
    const codes = await stopApps([news]);
    expect(codes.news).toBe(0);

    const down = await waitFor(async () => {
      const reply = await api('GET', '/api/news');
      return reply.status === 503 ? reply : undefined;
    }, 10_000);
    expect(down.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect((await api('GET', `/api/webtoons/${seriesId}`)).status).toBe(200);
    expect((await api('GET', '/api/blog/posts')).status).toBe(200);
  });

  it('shuts every app down gracefully on SIGTERM', async () => {
    const codes = await stopApps(apps);
    expect(codes).toEqual({
      auth: 0,
      webtoon: 0,
      payment: 0,
      news: 0,
      blog: 0,
      web: 0,
      gateway: 0,
    });
  });
});
