import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export interface ServiceRegistration {
  name: string;
  address: string;
  /** The public port, where the gateway sends requests. */
  port: number;
  /** The admin port, where Consul checks readiness and Prometheus scrapes. */
  adminPort: number;
  version: string;
  tags?: string[];
  checkInterval: string;
}

/** The body Consul's agent API takes: an HTTP readiness check and deregistration if it stays critical. */
export function registrationPayload(id: string, r: ServiceRegistration): Record<string, unknown> {
  return {
    ID: id,
    Name: r.name,
    Address: r.address,
    Port: r.port,
    Tags: r.tags ?? [],
    Meta: { version: r.version, metrics_path: '/metrics', admin_port: String(r.adminPort) },
    Check: {
      Name: `${r.name} readiness`,
      HTTP: `http://${r.address}:${r.adminPort}/health/ready`,
      Interval: r.checkInterval,
      Timeout: '2s',
      // One slow answer is not an outage: an instance whose cores are busy (a neighbour
      // starting, a burst) can miss a check, and when every instance misses it at once the
      // gateway would have none to route to. Measured in a rollout under load (docs/scaling.md).
      // A dead instance still leaves at once from the gateway's view: it refuses connections.
      FailuresBeforeCritical: 3,
      // Consul's floor is one minute; graceful shutdown deregisters explicitly long before.
      DeregisterCriticalServiceAfter: '1m',
    },
  };
}

/**
 * Registers one instance of an app with the local Consul agent and removes it again.
 * Only the platform talks to Consul; apps never do.
 */
export class ConsulRegistration {
  readonly id: string;

  constructor(
    private readonly consulUrl: string,
    private readonly registration: ServiceRegistration,
  ) {
    this.id = `${registration.name}-${hostname()}-${registration.port}-${randomUUID().slice(0, 8)}`;
  }

  async register(): Promise<void> {
    await this.put('/v1/agent/service/register', registrationPayload(this.id, this.registration));
  }

  async deregister(): Promise<void> {
    await this.put(`/v1/agent/service/deregister/${encodeURIComponent(this.id)}`);
  }

  private async put(path: string, body?: unknown): Promise<void> {
    const response = await fetch(new URL(path, this.consulUrl), {
      method: 'PUT',
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) {
      throw new Error(`Consul ${path} answered ${response.status}: ${await response.text()}`);
    }
  }
}
