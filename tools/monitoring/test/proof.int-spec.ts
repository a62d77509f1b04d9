import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, waitFor } from '@lib/platform/testing';
import {
  RunningApp,
  appSpecs,
  platformClient,
  root,
  startPlatformCopy,
  stopApps,
} from '@tools/start';
import { loadDashboards, loadRules, substitute } from '../src/monitoring-files';

// Monitoring proven on real Prometheus: the six apps run as processes registered in the dev
// stack's Consul, Prometheus finds and scrapes them there, real traffic goes through the
// gateway (signups, reads, purchases, a declined purchase, a dead-lettered event, a burst past
// a rate limit), and then every recording rule and every dashboard panel's query must return
// series. A metric renamed in code, or a query that does not parse, fails here.

const PROMETHEUS = process.env.PROMETHEUS_URL!;
const APPS = ['gateway', 'auth', 'webtoon', 'payment', 'news', 'blog'];

/**
 * Queries that cannot have data in this scenario, and why. The dashboards' queries span every
 * instance Prometheus has seen in the last minutes, and earlier tests on this dev stack (fault
 * tests, fuzzing) may have left such series; so `own` is asked instead, for this run's
 * instances only, and must return nothing.
 */
const CANNOT_HAVE_DATA: { match: RegExp; own: string; reason: string }[] = [
  {
    match: /events_consumer_retries_total/,
    own: 'events_consumer_retries_total',
    reason:
      'no infrastructure outage in this scenario, so no consumer retries (the fault tests have them)',
  },
  {
    match: /outcome="failed"/,
    own: 'events_consumed_total{outcome="failed"}',
    reason: 'no handler fails here: the dead-lettered message is invalid, which skips the retries',
  },
];

interface Series {
  metric: Record<string, string>;
}

async function query(expr: string): Promise<Series[]> {
  const response = await fetch(`${PROMETHEUS}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }),
  });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data: { result: Series[] };
  };
  if (body.status !== 'success') throw new Error(`invalid query (${body.error}): ${expr}`);
  return body.data.result;
}

describe('monitoring on real Prometheus, with the platform under real traffic', () => {
  const started = Date.now();
  const run = randomUUID().slice(0, 8);
  const admin = { email: `mon-admin-${run}@example.com`, password: `Admin-${randomUUID()}` };
  const logDir = join(root, '.devstack', 'logs', 'monitoring');
  let apps: RunningApp[] = [];
  let gateway = '';
  const api = platformClient(() => gateway);

  async function user(
    name: string,
  ): Promise<{ id: string; token: string; credentials: { email: string; password: string } }> {
    const credentials = { email: `mon-${name}-${run}@example.com`, password: `Pw-${randomUUID()}` };
    const signup = await api('POST', '/api/auth/signup', {
      body: { ...credentials, displayName: `Monitoring ${name}` },
    });
    expect(signup.status).toBe(202);
    const token = await login(credentials);
    await waitFor(async () => {
      const wallet = await api('GET', '/api/payments/wallet', { token });
      return wallet.status === 200 ? true : undefined;
    }, 20_000);
    // Signup answers alike for any email (docs/auth.md): the id is the token's subject.
    const { sub } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    return { id: String(sub), token, credentials };
  }

  async function login(credentials: { email: string; password: string }): Promise<string> {
    const reply = await api('POST', '/api/auth/login', { body: credentials });
    expect(reply.status).toBe(200);
    return String(reply.body.accessToken);
  }

  async function purchase(seriesId: string, no: number, token: string): Promise<string> {
    const requested = await api('POST', `/api/webtoons/${seriesId}/episodes/${no}/purchase`, {
      token,
      headers: { 'idempotency-key': `mon-${run}-${no}-${randomUUID()}` },
    });
    expect(requested.status).toBe(202);
    const settled = await waitFor(async () => {
      const reply = await api('GET', `/api/webtoons/purchases/${requested.body.purchaseId}`, {
        token,
      });
      return reply.body.status === 'pending' ? undefined : reply.body;
    }, 30_000);
    return String(settled.status);
  }

  let ports: Record<string, number> = {};
  const ownInstance = (instance = '') =>
    Object.values(ports).some((port) => instance.endsWith(`:${port}`));

  /** Until Prometheus has scraped every app of this run, healthy, at least once after `time`. */
  async function scrapedSince(time: number): Promise<void> {
    await waitFor(async () => {
      const response = await fetch(`${PROMETHEUS}/api/v1/targets?state=active`);
      const { data } = (await response.json()) as {
        data: {
          activeTargets: {
            labels: { job: string; instance: string };
            health: string;
            lastScrape: string;
          }[];
        };
      };
      const scraped = APPS.filter((app) =>
        data.activeTargets.some(
          (t) =>
            t.labels.job === app &&
            t.labels.instance.endsWith(`:${ports[app]}`) &&
            t.health === 'up' &&
            Date.parse(t.lastScrape) > time,
        ),
      );
      return scraped.length === APPS.length ? true : undefined;
    }, 45_000);
  }

  beforeAll(async () => {
    ports = Object.fromEntries(await Promise.all(APPS.map(async (a) => [a, await freePort()])));
    // Admin ports are not in the map: each falls back to its app's port + 1000.
    const specs = appSpecs((name, fallback) => ports[name] ?? fallback).filter((spec) =>
      APPS.includes(spec.name),
    );
    gateway = `http://127.0.0.1:${ports.gateway}`;
    // Rule files are loaded in place: a reload makes Prometheus evaluate the ones in this tree.
    expect((await fetch(`${PROMETHEUS}/-/reload`, { method: 'POST' })).status).toBe(200);
    apps = await startPlatformCopy({
      specs,
      logDir,
      env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
    });
    // Prometheus finds each of them in Consul and scrapes it.
    await scrapedSince(Date.now());
  }, 240_000);

  afterAll(async () => {
    await stopApps(apps);
  });

  it('loads every rule file of prometheus/rules, and evaluates every rule without error', async () => {
    const expected = loadRules().map((r) => r.record ?? r.alert);
    const rules = await waitFor(async () => {
      const { data } = (await (await fetch(`${PROMETHEUS}/api/v1/rules`)).json()) as {
        data: {
          groups: { file: string; rules: { name: string; health: string; lastError?: string }[] }[];
        };
      };
      const all = data.groups.flatMap((g) => g.rules);
      return all.every((r) => r.health !== 'unknown') ? all : undefined;
    }, 20_000);
    expect(rules.map((r) => r.name).sort()).toEqual([...expected].sort());
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
  });

  it('serves the scenario: signups, reads, purchases, a declined one, a dead letter, 429s', async () => {
    const adminToken = await login(admin);
    const author = await user('author');
    const roles = await api('PUT', `/api/auth/users/${author.id}/roles`, {
      token: adminToken,
      body: { roles: ['reader', 'author'] },
    });
    expect(roles.status).toBe(200);
    const authorToken = await login(author.credentials);
    const series = await api('POST', '/api/webtoons', {
      token: authorToken,
      body: { title: `Monitoring ${run}`, genres: ['drama'], synopsis: 'Traffic for the proof.' },
    });
    expect(series.status).toBe(201);
    const seriesId = String(series.body.id);
    for (const priceCoins of [30, 500]) {
      const episode = await api('POST', `/api/webtoons/${seriesId}/episodes`, {
        token: authorToken,
        body: {
          title: `${priceCoins} coins`,
          imageUrls: ['https://example.com/m.png'],
          priceCoins,
        },
      });
      expect(episode.status).toBe(201);
    }
    const post = await api('POST', '/api/blog/posts', {
      token: authorToken,
      body: { title: `Monitoring ${run}`, body: 'A post for the proof.' },
    });
    expect(post.status).toBe(201);

    // Reads across every service.
    const reader = await user('reader');
    for (let i = 0; i < 10; i++) {
      const reads = await Promise.all([
        api('GET', '/api/webtoons?limit=5'),
        api('GET', `/api/webtoons/${seriesId}/episodes`),
        api('GET', '/api/webtoons/ranking'),
        api('GET', '/api/news?limit=5'),
        api('GET', '/api/blog/posts'),
        api('GET', '/api/payments/wallet', { token: reader.token }),
      ]);
      expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    }
    expect((await api('GET', '/api/auth/me', { token: reader.token })).status).toBe(200);

    // A purchase the wallet's signup bonus (100) pays, and one it cannot (500): declined.
    expect(await purchase(seriesId, 1, reader.token)).toBe('completed');
    expect(await purchase(seriesId, 2, reader.token)).toBe('declined');

    // A message that is not an event, on a topic news consumes: news dead-letters it.
    const kafka = new Kafka({
      clientId: `monitoring-proof-${run}`,
      brokers: process.env.KAFKA_BROKERS!.split(','),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'webtoon.episodes',
      messages: [{ key: `proof-${run}`, value: 'not an event envelope' }],
    });
    await producer.disconnect();
    const deadLettered = await waitFor(async () => {
      const result = await query('events_dead_lettered_total{job="news",type="invalid"}');
      return result.length > 0 ? result : undefined;
    }, 30_000);
    expect(deadLettered[0].metric).toMatchObject({ group: 'news', type: 'invalid' });
    // ... and the alert for it fires on this Prometheus, from the rule file as shipped.
    const alert = await waitFor(async () => {
      const result = await query(
        'ALERTS{alertname="EventsDeadLettered",alertstate="firing",group="news",type="invalid"}',
      );
      return result.length > 0 ? result : undefined;
    }, 30_000);
    expect(alert[0].metric).toMatchObject({ job: 'news', severity: 'warning' });

    // A burst past the auth routes' per-IP limit (burst 20): some answered 429.
    const burst = await Promise.all(
      Array.from({ length: 40 }, () => api('POST', '/api/auth/login', { body: {} })),
    );
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThan(0);

    // Rates need two samples: every series this traffic created is scraped twice more.
    await scrapedSince(Date.now());
    await scrapedSince(Date.now());
  }, 120_000);

  const records = loadRules().flatMap((r) => (r.record ? [r.record] : []));
  // produced by the last evaluations, not left over from an earlier run
  const recent = (record: string) => `last_over_time(${record}[30s])`;

  it('produces series for every recording rule, now', async () => {
    const empty = () =>
      Promise.all(records.map(async (r) => ((await query(recent(r))).length ? [] : [r]))).then(
        (lists) => lists.flat(),
      );
    await waitFor(async () => ((await empty()).length === 0 ? true : undefined), 60_000).catch(
      async () => {
        throw new Error(`recording rules without series: ${(await empty()).join(', ')}`);
      },
    );
  }, 90_000);

  it("returns series for every dashboard panel's query (variables substituted)", async () => {
    const range = `${Math.ceil((Date.now() - started) / 1000)}s`;
    const queries = loadDashboards().flatMap((dashboard) =>
      dashboard.queries.flatMap((q) => {
        const builtins = { __rate_interval: '1m', __interval: '15s', __range: range };
        const services = dashboard.variables.includes('service') ? APPS : [''];
        return services.map((service) => ({
          name: `${q.file} · ${q.panel} · ${q.refId}${service ? ` (service=${service})` : ''}`,
          expr: substitute(q.expr, service ? { ...builtins, service } : builtins),
          cannot: CANNOT_HAVE_DATA.find((c) => c.match.test(q.expr)),
        }));
      }),
    );
    const missing = new Map<string, string>();
    await waitFor(async () => {
      missing.clear();
      // Each CANNOT_HAVE_DATA entry asked once, for this run's instances.
      const ownSeries = new Map(
        await Promise.all(
          CANNOT_HAVE_DATA.map(
            async (c) =>
              [
                c,
                (await query(`${c.own} > 0`)).filter((series) =>
                  ownInstance(series.metric.instance),
                ),
              ] as const,
          ),
        ),
      );
      for (const q of queries) {
        if (q.cannot) {
          const ours = ownSeries.get(q.cannot) ?? [];
          if (ours.length > 0)
            missing.set(
              q.name,
              `this run has ${q.cannot.own}: ${JSON.stringify(ours.map((o) => o.metric))} (${q.cannot.reason}; if it is expected now, remove it from CANNOT_HAVE_DATA)`,
            );
        } else if ((await query(q.expr)).length === 0) missing.set(q.name, `no series: ${q.expr}`);
      }
      return missing.size === 0 ? true : undefined;
    }, 60_000).catch(() => {
      throw new Error([...missing].map(([name, why]) => `${name}: ${why}`).join('\n'));
    });
    // The figures of this run: every recording rule and every query, with its series count.
    const rows: [string, string][] = [];
    for (const record of records) rows.push([record, String((await query(recent(record))).length)]);
    for (const q of queries)
      rows.push([
        q.expr,
        q.cannot ? `0: ${q.cannot.reason}` : String((await query(q.expr)).length),
      ]);
    const width = Math.max(...rows.map(([q]) => q.length));
    console.log(
      [['query', 'series'], ...rows].map(([q, n]) => `${q.padEnd(width)}  ${n}`).join('\n'),
    );
  }, 90_000);
});
