import { servedFromMetrics, shares, stepTable, type StepRow } from './native-demo';

const METRICS = `# HELP http_request_duration_seconds Duration of HTTP requests
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/webtoons",status_code="200"} 40
http_request_duration_seconds_count{method="GET",route="/api/webtoons",status_code="200"} 42
http_request_duration_seconds_count{method="GET",route="/api/webtoons/:id/episodes",status_code="200"} 8
http_request_duration_seconds_count{method="GET",route="/api/webtoons/:id",status_code="404"} 1
http_request_duration_seconds_count{method="GET",route="/health/ready",status_code="200"} 500
http_request_duration_seconds_count{method="GET",route="/metrics",status_code="200"} 7
`;

describe('servedFromMetrics', () => {
  it("counts an instance's answers on webtoon's API routes only, any status", () => {
    expect(servedFromMetrics(METRICS)).toBe(51);
  });

  it('is 0 for an instance that served nothing yet', () => {
    expect(servedFromMetrics('# no samples\n')).toBe(0);
  });
});

describe('shares', () => {
  it('turns counts into fractions of their sum', () => {
    expect(shares({ ':1': 30, ':2': 10 })).toEqual({ ':1': 0.75, ':2': 0.25 });
  });

  it('gives 0 to everyone when nothing was served', () => {
    expect(shares({ ':1': 0 })).toEqual({ ':1': 0 });
  });
});

describe('stepTable', () => {
  it('prints a row per step with shares, the first request delay and the other services', () => {
    const row: StepRow = {
      step: '+ instance 2',
      instances: 2,
      load: { seconds: 10, requests: 400, errors: 0, servedRps: 40, p50Ms: 2.14, p99Ms: 9.5 },
      served: { ':3002': 201, ':3012': 199 },
      others: { gateway: 1, auth: 1 },
      firstRequestMs: 23.4,
    };
    const [header, line] = stepTable([row]);
    expect(header).toHaveLength(line.length);
    expect(line).toEqual([
      '+ instance 2',
      '2',
      '40.0',
      '2.1',
      '9.5',
      '0',
      ':3002 50 % · :3012 50 %',
      '23 ms',
      'gateway 1 auth 1',
    ]);
  });
});
