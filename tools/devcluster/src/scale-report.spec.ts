import { cpuMilli, parseLoadLog, recentLoad, type ScaleDemoResult } from './scale-demo';
import { niceMax, reportMarkdown, summary, timelineSvg, timelineTable } from './scale-report';

const others = { auth: 1, blog: 1, gateway: 1, news: 1, payment: 1, prometheus: 1 };

function result(overrides: Partial<ScaleDemoResult> = {}): ScaleDemoResult {
  const sample = (t: number, webtoon: number, phase: 'load' | 'after', cpu: number) => ({
    t,
    phase,
    replicas: { ...others, webtoon },
    ready: { ...others, webtoon },
    webtoonCpuMilli: cpu,
    hpaUtilization: Math.round(cpu / webtoon),
    hpaDesired: webtoon,
    ...(phase === 'load' ? { rps: 100, p95Ms: 40, errors: 0 } : {}),
  });
  return {
    startedAt: '2026-11-27T21:00:00.000Z',
    load: { rate: 100, rampUpS: 10, holdS: 100, rampDownS: 5 },
    hpa: { min: 2, max: 4, targetUtilization: 70, cpuRequestMilli: 100 },
    baseline: { ...others, webtoon: 2 },
    samples: [
      sample(0, 2, 'load', 20),
      sample(30, 3, 'load', 300),
      sample(60, 4, 'load', 320),
      sample(130, 4, 'after', 30),
      sample(170, 2, 'after', 12),
    ],
    loadEndedAtS: 120,
    scaledOutAtS: 30,
    maxWebtoonReplicas: 4,
    scaledInAtS: 170,
    othersChanged: [],
    ...overrides,
  };
}

describe('the scaling demo’s readings', () => {
  it('reads metrics-server CPU quantities in millicores', () => {
    expect(cpuMilli('250m')).toBe(250);
    expect(cpuMilli('12500000n')).toBeCloseTo(12.5);
    expect(cpuMilli('1500u')).toBeCloseTo(1.5);
    expect(cpuMilli('2')).toBe(2000);
    expect(() => cpuMilli('2Gi')).toThrow('not a CPU quantity');
  });

  it('reads the load generator’s JSON progress and result from its log, skipping the rest', () => {
    const log = [
      'load on http://gateway:8080: 100 req/s (open loop)',
      '{"progress":{"t":1,"target":10,"rps":9,"errors":0,"p95Ms":30,"p99Ms":50}}',
      '{"progress":{"t":2,"target":20,"rps":21,"errors":1,"p95Ms":45,"p99Ms":80}}',
      '{"progress":{"t":3,"tar',
      '{"result":{"requests":30,"errors":1,"errorRatio":0.033,"rps":10,"p50Ms":20,"p99Ms":80,"endpoints":{}}}',
    ].join('\n');
    const parsed = parseLoadLog(log);
    expect(parsed.progress.map((p) => p.rps)).toEqual([9, 21]);
    expect(parsed.result?.requests).toBe(30);
    expect(recentLoad(parsed.progress)).toEqual({ rps: 15, p95Ms: 45, errors: 1 });
    expect(recentLoad([])).toEqual({});
  });
});

describe('the scaling report', () => {
  it('tabulates every sample with each Deployment’s replicas', () => {
    const rows = timelineTable(result()).split('\n');
    expect(rows[0]).toBe(
      '| t (s) | phase | webtoon ready/wanted | auth | blog | gateway | news | payment | prometheus | webtoon CPU (m) | HPA CPU % | req/s | p95 ms | errors |',
    );
    expect(rows).toHaveLength(2 + 5);
    expect(rows[3]).toBe('| 30 | load | 3/3 | 1 | 1 | 1 | 1 | 1 | 1 | 300 | 100 | 100 | 40 | 0 |');
    expect(rows[6]).toBe('| 170 | after | 2/2 | 1 | 1 | 1 | 1 | 1 | 1 | 12 | 6 | – | – | – |');
  });

  it('sums up scale-out, scale-in and the others, and names a Deployment that changed', () => {
    expect(summary(result())).toEqual(
      expect.arrayContaining([
        'HPA: 2–4 pods, target 70 % of 100m (70m per pod)',
        'webtoon: 2 → 4 pods, first scale-out at 30 s, back at 2 at 170 s (50 s after the load)',
        'every other Deployment kept its replicas: auth 1, blog 1, gateway 1, news 1, payment 1, prometheus 1',
      ]),
    );
    expect(summary(result({ othersChanged: ['news'] }))).toContain('CHANGED besides webtoon: news');
  });

  it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
    expect([4.5, 100, 137, 1234, 0.3, 6].map(niceMax)).toEqual([5, 100, 200, 2000, 0.5, 10]);
  });

  it('draws replicas as steps and shades the load, in a standalone SVG', () => {
    const svg = timelineSvg(result());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // x from 60 to 700 over 170 s: webtoon goes 2 → 3 at 30 s (x ≈ 173) as a step (H then V).
    expect(svg).toMatch(/<path d="M60\.0,[\d.]+H172\.9V[\d.]+/);
    // The load's span (120 s of 170) shaded in each of the four panels.
    expect(
      svg.match(/<rect x="60" y="\d+" width="451\.76[\d]*" height="110" fill="#f3f0e6"\/>/g),
    ).toHaveLength(4);
    expect(reportMarkdown(result(), 'timeline.svg')).toContain(
      '![replicas, CPU, req/s and p95 over time](timeline.svg)',
    );
  });
});
