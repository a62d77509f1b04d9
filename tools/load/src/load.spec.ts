import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { arrivals, levelAt, totalSeconds } from './profile';
import { runLoad } from './runner';
import { readerScenario, type Catalogue, type Step } from './scenario';
import { LoadStats } from './stats';

const stages = { rampUpS: 2, holdS: 4, rampDownS: 2 };

describe('the load profile', () => {
  it('ramps up, holds and ramps down', () => {
    expect(totalSeconds(stages)).toBe(8);
    expect([0, 1, 2, 4, 6, 7, 8].map((t) => levelAt(stages, t))).toEqual([0, 0.5, 1, 1, 1, 0.5, 0]);
  });

  it('sends exactly the integral of the rate, in order, within the run', () => {
    // 100/s: ramps average half the rate, so 100 + 400 + 100 requests
    const times = arrivals(stages, 100);
    expect(times).toHaveLength(600);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(times.at(-1)).toBeLessThanOrEqual(8);
    // a quarter of the ramp-up sends a sixteenth of it: the rate grows linearly
    expect(times.filter((t) => t <= 0.5).length).toBeGreaterThanOrEqual(5);
    expect(times.filter((t) => t <= 0.5).length).toBeLessThanOrEqual(7);
  });
});

describe('LoadStats', () => {
  it('keeps latency percentiles, errors and statuses per endpoint', () => {
    const stats = new LoadStats();
    for (let i = 1; i <= 100; i++) stats.record('GET /a', i * 1000, 200, true);
    stats.record('GET /b', 5000, 503, false);
    stats.record('GET /b', 7000, 'error', false);
    const f = stats.figures(2);
    expect(f.requests).toBe(102);
    expect(f.errors).toBe(2);
    expect(f.errorRatio).toBeCloseTo(2 / 102);
    expect(f.rps).toBe(51);
    expect(f.endpoints['GET /a']).toMatchObject({
      requests: 100,
      errors: 0,
      statuses: { '200': 100 },
    });
    expect(f.endpoints['GET /a'].p50Ms).toBeCloseTo(50, 0);
    expect(f.endpoints['GET /a'].p99Ms).toBeCloseTo(99, 0);
    expect(f.endpoints['GET /b'].statuses).toEqual({ '503': 1, error: 1 });
  });
});

describe('readerScenario', () => {
  const catalogue: Catalogue = {
    series: [
      { id: 's1', free: [1, 2], paid: [3] },
      { id: 's2', free: [1], paid: [] },
    ],
    pages: 2,
    genres: ['drama'],
  };
  const seq = (values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length];
  };

  it('mixes catalogue reads, and purchases only for signed-in readers', () => {
    const steps: Step[] = [];
    const s = readerScenario(catalogue, { purchaseShare: 0.1, tokens: ['t1'] }, Math.random);
    for (let i = 0; i < 2000; i++) steps.push(s.next());
    const share = (endpoint: string) => steps.filter((x) => x.endpoint === endpoint).length / 2000;
    expect(share('POST /api/webtoons/:id/episodes/:no/purchase')).toBeGreaterThan(0.05);
    expect(share('POST /api/webtoons/:id/episodes/:no/purchase')).toBeLessThan(0.15);
    expect(share('GET /api/webtoons')).toBeGreaterThan(0.15);
    const purchase = steps.find((x) => x.method === 'POST')!;
    expect(purchase.path).toBe('/api/webtoons/s1/episodes/3/purchase');
    expect(purchase.headers?.authorization).toBe('Bearer t1');
    expect(purchase.expect).toEqual([202, 409]);
    const reads = steps.filter((x) => x.endpoint === 'GET /api/webtoons/:id/episodes/:no');
    expect(reads.every((x) => /\/episodes\/[12]$/.test(x.path))).toBe(true);
  });

  it('never buys without readers, and reads free episodes only', () => {
    const s = readerScenario(catalogue, { purchaseShare: 1, tokens: [] }, seq([0.9, 0.1, 0.5]));
    for (let i = 0; i < 50; i++) expect(s.next().method).toBe('GET');
  });
});

describe('runLoad', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];
  const keys: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      keys.push(req.headers['x-load-test-key'] as string | undefined);
      res.writeHead(req.url === '/fail' ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('in open loop sends the scheduled number of requests and counts unexpected answers as errors', async () => {
    seen.length = 0;
    let i = 0;
    const scenario = {
      next: (): Step =>
        ++i % 10 === 0
          ? { endpoint: 'GET /fail', method: 'GET', path: '/fail', expect: [200] }
          : { endpoint: 'GET /ok', method: 'GET', path: '/ok', expect: [200] },
    };
    const progress: number[] = [];
    const f = await runLoad({
      url,
      mode: { kind: 'open', rate: 100 },
      stages: { rampUpS: 0.5, holdS: 1, rampDownS: 0.5 },
      scenario,
      onProgress: (p) => progress.push(p.rps),
    });
    expect(f.requests).toBe(arrivals({ rampUpS: 0.5, holdS: 1, rampDownS: 0.5 }, 100).length);
    expect(seen).toHaveLength(f.requests);
    expect(f.endpoints['GET /fail'].errors).toBe(f.endpoints['GET /fail'].requests);
    expect(f.endpoints['GET /ok'].errors).toBe(0);
    expect(f.errors).toBe(Math.floor(f.requests / 10));
    expect(progress.length).toBeGreaterThanOrEqual(1);
  });

  it('in closed loop keeps each connection busy until the end, sending the given headers', async () => {
    seen.length = 0;
    keys.length = 0;
    const f = await runLoad({
      url,
      headers: { 'x-load-test-key': 'the-key' },
      mode: { kind: 'closed', connections: 4 },
      stages: { rampUpS: 0, holdS: 0.5, rampDownS: 0 },
      scenario: {
        next: () => ({ endpoint: 'GET /ok', method: 'GET', path: '/ok', expect: [200] }),
      },
    });
    expect(f.requests).toBe(seen.length);
    expect(f.requests).toBeGreaterThan(4);
    expect(f.errors).toBe(0);
    expect(new Set(keys)).toEqual(new Set(['the-key']));
  });

  it('stops at the signal and records into the stats it is given, cut into spans', async () => {
    seen.length = 0;
    const stats = new LoadStats();
    const abort = new AbortController();
    const scenario = {
      next: (): Step => ({ endpoint: 'GET /ok', method: 'GET', path: '/ok', expect: [200] }),
    };
    setTimeout(() => abort.abort(), 600);
    const started = Date.now();
    const f = await runLoad({
      url,
      mode: { kind: 'open', rate: 50 },
      stages: { rampUpS: 0, holdS: 60, rampDownS: 0 },
      scenario,
      signal: abort.signal,
      stats,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(f.requests).toBe(seen.length);
    expect(f.requests).toBeGreaterThan(10);
    expect(f.requests).toBeLessThan(60);
    const span = stats.takeSpan();
    expect(span.requests).toBe(f.requests);
    expect(span.errors).toBe(0);
    expect(span.p99Ms).toBeGreaterThan(0);
    expect(stats.takeSpan().requests).toBe(0);
  });
});
