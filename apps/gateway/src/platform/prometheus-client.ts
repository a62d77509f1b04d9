/** One series of an instant query: its labels and its value (null for NaN or ±Inf). */
export interface Sample {
  labels: Record<string, string>;
  value: number | null;
}

/** One series of a range query, with a value for every step of the range (0 where none). */
export interface Series {
  labels: Record<string, string>;
  values: number[];
}

/** What the overview needs from Prometheus; specs pass a fake with canned answers. */
export interface MetricsSource {
  query(expr: string, at: Date): Promise<Sample[]>;
  queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<Series[]>;
}

interface ApiAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

type Point = [number, string];

/** Prometheus's HTTP API (`/api/v1/query`, `/api/v1/query_range`), read from the server side. */
export class PrometheusClient implements MetricsSource {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 2_000,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async query(expr: string, at: Date): Promise<Sample[]> {
    const result = await this.get('query', { query: expr, time: seconds(at) }, 'vector');
    return (result as { metric: Record<string, string>; value: Point }[]).map((item) => ({
      labels: item.metric,
      value: numberOf(item.value[1]),
    }));
  }

  async queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<Series[]> {
    const params = {
      query: expr,
      start: seconds(start),
      end: seconds(end),
      step: `${stepSeconds}`,
    };
    const result = await this.get('query_range', params, 'matrix');
    const steps = Math.floor((end.getTime() - start.getTime()) / 1000 / stepSeconds) + 1;
    const first = start.getTime() / 1000;
    return (result as { metric: Record<string, string>; values: Point[] }[]).map((item) => {
      const values = new Array<number>(steps).fill(0);
      for (const [time, raw] of item.values) {
        const index = Math.round((time - first) / stepSeconds);
        if (index >= 0 && index < steps) values[index] = numberOf(raw) ?? 0;
      }
      return { labels: item.metric, values };
    });
  }

  private async get(
    path: string,
    params: Record<string, string>,
    resultType: string,
  ): Promise<unknown[]> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/api/v1/${path}?${new URLSearchParams(params)}`;
    const response = await this.fetchFn(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    const body = (await response.json().catch(() => undefined)) as ApiAnswer | undefined;
    if (!response.ok || body?.status !== 'success' || body.data?.resultType !== resultType) {
      throw new Error(`Prometheus answered ${response.status}: ${body?.error ?? 'no result'}`);
    }
    return body.data.result;
  }
}

function seconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}

function numberOf(raw: string): number | null {
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}
