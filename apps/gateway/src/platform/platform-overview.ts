import type { UpstreamSnapshot } from '../discovery/upstream-registry';
import type { CircuitState } from '../resilience/circuit-breaker';
import type { MetricsSource, Sample, Series } from './prometheus-client';
import type {
  CountResponse,
  DeadLetterResponse,
  EventCountResponse,
  OverviewResponse,
  ServiceOverviewResponse,
} from './platform-overview.dto';

/** Application traffic only: probes and scrapes would make every service look busy. */
const TRAFFIC = 'route!~"/health/.+|/metrics"';

/** The queries behind the console (docs/web.md lists what each one shows). */
export const QUERIES = {
  rate: `sum by (job) (rate(http_request_duration_seconds_count{${TRAFFIC}}[1m]))`,
  // `or … * 0`: a service with traffic and no 5xx has no 5xx series, and its ratio is 0, not none.
  errors: `(sum by (job) (rate(http_request_duration_seconds_count{${TRAFFIC},status_code=~"5.."}[1m])) or sum by (job) (rate(http_request_duration_seconds_count{${TRAFFIC}}[1m])) * 0) / sum by (job) (rate(http_request_duration_seconds_count{${TRAFFIC}}[1m]))`,
  p99: `histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket{${TRAFFIC}}[1m])))`,
  instances: 'sum by (job) (up)',
  // Totals since each instance started, as well as rates: a counter's first events fall
  // outside increase() (a series needs two samples), so a quiet platform would show nothing.
  events: 'sum by (type) (events_published_total)',
  eventRates: 'sum by (type) (rate(events_published_total[5m]))',
  deadLetters: 'sum by (job, group, type) (events_dead_lettered_total) > 0',
  pending: 'sum(purchases_pending)',
  settled: 'sum by (outcome) (purchase_settle_seconds_count)',
} as const;

/** The charts cover the last ten minutes, one point per 15 s. */
export const HISTORY_SECONDS = 600;
export const STEP_SECONDS = 15;

export interface GatewayView {
  snapshot(): UpstreamSnapshot[];
  /** Every service the route table sends to, with its breaker's state. */
  circuits(): [string, CircuitState][];
}

/**
 * Assembles the platform console's picture: which services the gateway can reach (its own
 * view, always there) and what Prometheus says about them (absent when it cannot be asked).
 */
export class PlatformOverview {
  constructor(
    private readonly gateway: GatewayView,
    private readonly metrics: MetricsSource | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(): Promise<OverviewResponse> {
    const at = this.now();
    const known = new Map(this.gateway.snapshot().map((s) => [s.service, s.instances]));
    const services: ServiceOverviewResponse[] = this.gateway
      .circuits()
      .map(([service, circuit]) => {
        const instances = (known.get(service) ?? []).map((i) => ({
          id: i.id,
          address: i.address,
          port: i.port,
          version: i.meta.version,
          health: i.ejected ? ('ejected' as const) : ('passing' as const),
        }));
        const up = instances.some((i) => i.health === 'passing') && circuit !== 'open';
        return { service, status: up ? 'up' : 'down', circuit, instances };
      });
    const base: OverviewResponse = {
      generatedAt: at.toISOString(),
      historyStepSeconds: STEP_SECONDS,
      services,
      metrics: { available: false, reason: 'PROMETHEUS_URL is not set' },
    };
    if (!this.metrics) return base;
    try {
      return { ...base, ...(await this.fromPrometheus(this.metrics, at, services)) };
    } catch (error) {
      return { ...base, metrics: { available: false, reason: (error as Error).message } };
    }
  }

  private async fromPrometheus(
    source: MetricsSource,
    at: Date,
    services: ServiceOverviewResponse[],
  ): Promise<Partial<OverviewResponse>> {
    const start = new Date(at.getTime() - HISTORY_SECONDS * 1000);
    const [rate, errors, p99, instances, events, eventRates, deadLetters, pending, settled] =
      await Promise.all([
        source.queryRange(QUERIES.rate, start, at, STEP_SECONDS),
        source.query(QUERIES.errors, at),
        source.query(QUERIES.p99, at),
        source.queryRange(QUERIES.instances, start, at, STEP_SECONDS),
        source.query(QUERIES.events, at),
        source.query(QUERIES.eventRates, at),
        source.query(QUERIES.deadLetters, at),
        source.query(QUERIES.pending, at),
        source.query(QUERIES.settled, at),
      ]);
    const byJob = <T extends { labels: Record<string, string> }>(rows: T[]) =>
      new Map(rows.map((row) => [row.labels.job ?? '', row]));
    const [rates, errorRatios, p99s, instanceCounts] = [
      byJob<Series>(rate),
      byJob<Sample>(errors),
      byJob<Sample>(p99),
      byJob<Series>(instances),
    ];
    const steps = HISTORY_SECONDS / STEP_SECONDS + 1;
    const zeros = () => new Array<number>(steps).fill(0);
    return {
      services: services.map((s) => {
        const rateHistory = rates.get(s.service)?.values ?? zeros();
        return {
          ...s,
          requestsPerSecond: rateHistory.at(-1) ?? 0,
          errorRatio: errorRatios.get(s.service)?.value ?? null,
          p99Seconds: p99s.get(s.service)?.value ?? null,
          rateHistory,
          instanceHistory: instanceCounts.get(s.service)?.values ?? zeros(),
        };
      }),
      events: eventsOf(events, eventRates),
      deadLetters: deadLetters.map((row): DeadLetterResponse => ({
        service: row.labels.job ?? '',
        group: row.labels.group ?? '',
        type: row.labels.type ?? '',
        count: Math.round(row.value ?? 0),
      })),
      saga: {
        pending: Math.round(pending[0]?.value ?? 0),
        settled: countsBy(settled, 'outcome'),
      },
      metrics: { available: true },
    };
  }
}

/** Rounded counts per label value, largest first; zero rows are left out. */
function countsBy(rows: Sample[], label: string): CountResponse[] {
  return rows
    .map((row) => ({ name: row.labels[label] ?? '', count: Math.round(row.value ?? 0) }))
    .filter((row) => row.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** Each event type with its total and its rate per minute, the most published first. */
function eventsOf(totals: Sample[], rates: Sample[]): EventCountResponse[] {
  const perSecond = new Map(rates.map((row) => [row.labels.type ?? '', row.value ?? 0]));
  return countsBy(totals, 'type').map(({ name, count }) => ({
    type: name,
    total: count,
    perMinute: Math.round((perSecond.get(name) ?? 0) * 60 * 10) / 10,
  }));
}
