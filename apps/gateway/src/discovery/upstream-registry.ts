import { Pool } from 'undici';
import type { ServiceInstance } from '@lib/platform';

export interface PoolOptions {
  /** Upper bound on open connections to one instance. */
  connectionsPerInstance: number;
  connectTimeoutMs: number;
}

/** One instance the gateway may send to, with its own keep-alive connection pool. */
export interface Upstream {
  /** Replaced in place when Consul reports new metadata for the same address. */
  instance: ServiceInstance;
  readonly pool: Pool;
  /** Requests sent and not yet answered, shown by /gateway/upstreams. */
  outstanding: number;
  /** Until then it is skipped: it refused a connection although Consul still lists it. */
  ejectedUntil: number;
}

export interface UpstreamSnapshot {
  service: string;
  instances: (ServiceInstance & { outstanding: number; ejected: boolean })[];
}

/** After a refused connection, how long an instance gets no traffic unless nothing else is left. */
const EJECTION_MS = 2_000;

/**
 * The instances each service has right now and a connection pool per instance. Consul's
 * list is the truth for membership; a refused connect also sets an instance aside briefly,
 * because a killed process stays "passing" until its next failed health check.
 */
export class UpstreamRegistry {
  private readonly services = new Map<string, { upstreams: Upstream[]; next: number }>();

  constructor(
    private readonly options: PoolOptions,
    private readonly onCountChange: (service: string, count: number) => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Replaces a service's instances; pools of instances that left drain and then close. */
  update(service: string, instances: ServiceInstance[]): void {
    const current = this.services.get(service) ?? { upstreams: [], next: 0 };
    const byKey = new Map(current.upstreams.map((u) => [instanceKey(u.instance), u]));
    const upstreams = instances.map((instance) => {
      const existing = byKey.get(instanceKey(instance));
      if (existing) {
        byKey.delete(instanceKey(instance));
        existing.instance = instance;
        return existing;
      }
      return this.createUpstream(instance);
    });
    for (const gone of byKey.values()) {
      // close() lets requests already on the pool finish, so none is cut off by a deregistration.
      void gone.pool.close().catch(() => undefined);
    }
    this.services.set(service, { upstreams, next: current.next });
    this.onCountChange(service, upstreams.length);
  }

  /**
   * Round-robin over the service's instances, skipping `exclude` (the one that just failed)
   * and ejected ones; an ejected instance is still used when it is the only choice left.
   */
  pick(service: string, exclude?: Upstream): Upstream | undefined {
    const entry = this.services.get(service);
    if (entry === undefined || entry.upstreams.length === 0) return undefined;
    const { upstreams } = entry;
    const now = this.now();
    let fallback: Upstream | undefined;
    for (let i = 0; i < upstreams.length; i++) {
      const upstream = upstreams[(entry.next + i) % upstreams.length];
      if (upstream === exclude) continue;
      if (upstream.ejectedUntil > now) {
        fallback ??= upstream;
        continue;
      }
      entry.next = (entry.next + i + 1) % upstreams.length;
      return upstream;
    }
    return fallback;
  }

  eject(upstream: Upstream): void {
    upstream.ejectedUntil = this.now() + EJECTION_MS;
  }

  instanceCount(service: string): number {
    return this.services.get(service)?.upstreams.length ?? 0;
  }

  snapshot(): UpstreamSnapshot[] {
    const now = this.now();
    return [...this.services.entries()].map(([service, { upstreams }]) => ({
      service,
      instances: upstreams.map((u) => ({
        ...u.instance,
        outstanding: u.outstanding,
        ejected: u.ejectedUntil > now,
      })),
    }));
  }

  async close(): Promise<void> {
    const pools = [...this.services.values()].flatMap(({ upstreams }) =>
      upstreams.map((u) => u.pool),
    );
    this.services.clear();
    await Promise.all(pools.map((pool) => pool.close().catch(() => undefined)));
  }

  private createUpstream(instance: ServiceInstance): Upstream {
    const pool = new Pool(`http://${hostForUrl(instance.address)}:${instance.port}`, {
      connections: this.options.connectionsPerInstance,
      connectTimeout: this.options.connectTimeoutMs,
      pipelining: 1,
    });
    return { instance, pool, outstanding: 0, ejectedUntil: 0 };
  }
}

/** Instances are the same upstream when they are the same socket address. */
function instanceKey(instance: ServiceInstance): string {
  return `${instance.address}|${instance.port}`;
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
