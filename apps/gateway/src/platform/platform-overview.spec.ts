import type { UpstreamSnapshot } from '../discovery/upstream-registry';
import { HISTORY_SECONDS, PlatformOverview, QUERIES, STEP_SECONDS } from './platform-overview';
import { PrometheusClient } from './prometheus-client';

const NOW = new Date('2026-11-28T01:00:00Z');
const END = NOW.getTime() / 1000;
const START = END - HISTORY_SECONDS;

function instance(service: string, port: number, ejected = false) {
  return {
    id: `${service}-${port}`,
    name: service,
    address: '10.0.0.1',
    port,
    meta: { version: '1.2.3' },
    outstanding: 0,
    ejected,
  };
}

const snapshot: UpstreamSnapshot[] = [
  { service: 'webtoon', instances: [instance('webtoon', 1), instance('webtoon', 2)] },
  { service: 'blog', instances: [instance('blog', 3, true)] },
  { service: 'news', instances: [] },
];
const gateway = {
  snapshot: () => snapshot,
  circuits: () =>
    [
      ['webtoon', 'closed'],
      ['blog', 'closed'],
      ['news', 'closed'],
    ] as [string, 'closed'][],
};

/** Prometheus's own answer shapes, keyed by the query text. */
const answers: Record<string, unknown[]> = {
  [QUERIES.rate]: [
    {
      metric: { job: 'webtoon' },
      values: [
        [START, '1'],
        [END - STEP_SECONDS, '2.5'],
        [END, '4'],
      ],
    },
  ],
  [QUERIES.instances]: [
    {
      metric: { job: 'webtoon' },
      values: [
        [START, '1'],
        [END, '2'],
      ],
    },
  ],
  [QUERIES.errors]: [
    { metric: { job: 'webtoon' }, value: [END, '0.25'] },
    { metric: { job: 'blog' }, value: [END, 'NaN'] },
  ],
  [QUERIES.p99]: [{ metric: { job: 'webtoon' }, value: [END, '0.120'] }],
  [QUERIES.events]: [
    { metric: { type: 'webtoon.purchase.requested.v1' }, value: [END, '3.0000001'] },
    { metric: { type: 'auth.user.registered.v1' }, value: [END, '7'] },
    { metric: { type: 'news.item.published.v1' }, value: [END, '0'] },
  ],
  [QUERIES.eventRates]: [{ metric: { type: 'auth.user.registered.v1' }, value: [END, '0.05'] }],
  [QUERIES.deadLetters]: [
    {
      metric: { job: 'blog', group: 'blog', type: 'auth.user.registered.v1' },
      value: [END, '2'],
    },
  ],
  [QUERIES.pending]: [{ metric: {}, value: [END, '1'] }],
  [QUERIES.settled]: [
    { metric: { outcome: 'completed' }, value: [END, '5'] },
    { metric: { outcome: 'declined' }, value: [END, '2'] },
  ],
};

function fakePrometheus(status = 200) {
  const urls: URL[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    urls.push(url);
    const query = url.searchParams.get('query') ?? '';
    const resultType = url.pathname.endsWith('query_range') ? 'matrix' : 'vector';
    const body =
      status === 200
        ? { status: 'success', data: { resultType, result: answers[query] ?? [] } }
        : { status: 'error', error: 'query timed out' };
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { urls, client: new PrometheusClient('http://prometheus:9090/', 1_000, fetchFn) };
}

describe('PlatformOverview', () => {
  it('shows every routed service, red without a passing instance, from the gateway alone', async () => {
    const overview = await new PlatformOverview(gateway, undefined, () => NOW).read();
    expect(overview.services.map((s) => [s.service, s.status, s.instances.length])).toEqual([
      ['webtoon', 'up', 2],
      ['blog', 'down', 1],
      ['news', 'down', 0],
    ]);
    expect(overview.services[1].instances[0].health).toBe('ejected');
    expect(overview.metrics).toEqual({ available: false, reason: 'PROMETHEUS_URL is not set' });
    expect(overview.events).toBeUndefined();
  });

  it('turns an open circuit red even with instances listed', async () => {
    const open = { ...gateway, circuits: () => [['webtoon', 'open']] as [string, 'open'][] };
    const overview = await new PlatformOverview(open, undefined, () => NOW).read();
    expect(overview.services).toMatchObject([{ service: 'webtoon', status: 'down' }]);
  });

  it('adds rates, errors, p99, history, events, dead letters and the saga from Prometheus', async () => {
    const { client, urls } = fakePrometheus();
    const overview = await new PlatformOverview(gateway, client, () => NOW).read();

    const steps = HISTORY_SECONDS / STEP_SECONDS + 1;
    const webtoon = overview.services[0];
    expect(webtoon).toMatchObject({ requestsPerSecond: 4, errorRatio: 0.25, p99Seconds: 0.12 });
    expect(webtoon.rateHistory).toHaveLength(steps);
    expect(webtoon.rateHistory!.slice(0, 2)).toEqual([1, 0]);
    expect(webtoon.rateHistory!.slice(-2)).toEqual([2.5, 4]);
    expect(webtoon.instanceHistory![0]).toBe(1);
    expect(webtoon.instanceHistory!.at(-1)).toBe(2);
    // No traffic: a ratio of 0/0 is no ratio, not zero errors.
    expect(overview.services[1]).toMatchObject({ requestsPerSecond: 0, errorRatio: null });
    expect(overview.services[2].rateHistory).toEqual(new Array(steps).fill(0));

    expect(overview.events).toEqual([
      { type: 'auth.user.registered.v1', total: 7, perMinute: 3 },
      { type: 'webtoon.purchase.requested.v1', total: 3, perMinute: 0 },
    ]);
    expect(overview.deadLetters).toEqual([
      { service: 'blog', group: 'blog', type: 'auth.user.registered.v1', count: 2 },
    ]);
    expect(overview.saga).toEqual({
      pending: 1,
      settled: [
        { name: 'completed', count: 5 },
        { name: 'declined', count: 2 },
      ],
    });
    expect(overview.metrics).toEqual({ available: true });

    const range = urls.find((u) => u.searchParams.get('query') === QUERIES.rate)!;
    expect(range.origin + range.pathname).toBe('http://prometheus:9090/api/v1/query_range');
    expect(range.searchParams.get('start')).toBe(START.toFixed(3));
    expect(range.searchParams.get('step')).toBe(String(STEP_SECONDS));
    expect(urls).toHaveLength(Object.keys(QUERIES).length);
  });

  it('keeps the gateway view and says why when Prometheus fails', async () => {
    const { client } = fakePrometheus(503);
    const overview = await new PlatformOverview(gateway, client, () => NOW).read();
    expect(overview.services.map((s) => s.status)).toEqual(['up', 'down', 'down']);
    expect(overview.services[0].requestsPerSecond).toBeUndefined();
    expect(overview.metrics).toEqual({
      available: false,
      reason: 'Prometheus answered 503: query timed out',
    });
  });
});
