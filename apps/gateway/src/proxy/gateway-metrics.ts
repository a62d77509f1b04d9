import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CIRCUIT_STATE_VALUE, type CircuitState } from '../resilience/circuit-breaker';

/** The gateway's own series (docs/architecture.md, "Metrics"), on the app's registry. */
export class GatewayMetrics {
  readonly requests: Counter<'route' | 'service' | 'status_code'>;
  readonly upstreamDuration: Histogram<'service' | 'status_code'>;
  readonly instances: Gauge<'service'>;
  readonly circuitState: Gauge<'service'>;
  readonly rateLimited: Counter<'route' | 'limit'>;
  readonly retries: Counter<'service' | 'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'gateway_requests_total',
      help: 'Requests answered on /api/*, by route prefix, service and status code.',
      labelNames: ['route', 'service', 'status_code'],
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Time from sending a request to an instance until its response headers arrive.',
      labelNames: ['service', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.instances = new Gauge({
      name: 'gateway_upstream_instances',
      help: 'Passing instances the gateway routes to, per service.',
      labelNames: ['service'],
      registers,
    });
    this.circuitState = new Gauge({
      name: 'gateway_circuit_state',
      help: 'Circuit breaker state per service: 0 closed, 1 half-open, 2 open.',
      labelNames: ['service'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused with 429, by route prefix and the limit that was hit (ip, user or load-test).',
      labelNames: ['route', 'limit'],
      registers,
    });
    this.retries = new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Requests sent again to another instance, by service and what failed the first time.',
      labelNames: ['service', 'reason'],
      registers,
    });
  }

  setCircuitState(service: string, state: CircuitState): void {
    this.circuitState.set({ service }, CIRCUIT_STATE_VALUE[state]);
  }
}
