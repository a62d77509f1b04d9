import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { ServiceInstance } from './service-instance';

export interface ConsulWatcherOptions {
  consulUrl: string;
  services: readonly string[];
  onChange: (service: string, instances: ServiceInstance[]) => void;
  onError: (service: string, error: unknown) => void;
  /** How long Consul holds a blocking query open when nothing changes. */
  waitSeconds?: number;
  /** First and largest pause after a failed query (doubling in between). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** The part of Consul's /v1/health/service answer the gateway reads. */
export interface HealthEntry {
  Node: { Address: string };
  Service: { ID: string; Address: string; Port: number; Meta: Record<string, string> | null };
  Checks?: { Status: string }[];
}

/**
 * The instances of one service to route to: those whose every check passes. When none passes,
 * those of the registered ones that passed before (Envoy's "panic routing"): every instance
 * failing its check at once is far more often a busy machine or a dependency's blip than every
 * instance dead (measured in a rollout under load, docs/scaling.md), and routing to them beats
 * a 503 for every request; a dead one refuses connections, which the gateway ejects and retries
 * elsewhere. An instance that never passed is only starting: it gets nothing until it does.
 * An instance that stops deregisters first, so it is never in either list.
 */
export class RoutableInstances {
  /** Ids seen passing, kept to the registered ones. */
  private readonly passedBefore = new Set<string>();

  /** The routable ones of Consul's latest list, remembering which of them pass. */
  select(entries: HealthEntry[]): HealthEntry[] {
    const passing = entries.filter((e) => (e.Checks ?? []).every((c) => c.Status === 'passing'));
    const registered = new Set(entries.map((e) => e.Service.ID));
    for (const id of this.passedBefore) if (!registered.has(id)) this.passedBefore.delete(id);
    for (const e of passing) this.passedBefore.add(e.Service.ID);
    return passing.length > 0
      ? passing
      : entries.filter((e) => this.passedBefore.has(e.Service.ID));
  }
}

/**
 * Follows each service's instances (the passing ones; see `RoutableInstances`) with Consul blocking
 * queries: the request waits at the agent until the list changes (or `wait` passes), so a new instance or a failed
 * check reaches the gateway within milliseconds, with one idle connection per service.
 * When Consul is unreachable the last known lists stay in force: routing to the instances
 * we had beats answering 503 for everything because the registry blinked.
 */
export class ConsulWatcher {
  private readonly client: Pool;
  private readonly abort = new AbortController();
  private readonly synced = new Set<string>();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: ConsulWatcherOptions) {
    const waitMs = (options.waitSeconds ?? 55) * 1000;
    this.client = new Pool(new URL(options.consulUrl).origin, {
      // Consul may add up to wait/16 of jitter; allow that plus slack before calling it dead.
      headersTimeout: Math.ceil(waitMs + waitMs / 16 + 10_000),
      bodyTimeout: 30_000,
      connectTimeout: 5_000,
    });
  }

  start(): void {
    this.loops = this.options.services.map((service) => this.watch(service));
  }

  /** True once every service has had one successful answer (the gateway's readiness). */
  get ready(): boolean {
    return this.synced.size === this.options.services.length;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    await this.client.destroy();
  }

  private async watch(service: string): Promise<void> {
    const { retryMinMs = 250, retryMaxMs = 10_000, waitSeconds = 55 } = this.options;
    let index = 0;
    let retryMs = retryMinMs;
    const routable = new RoutableInstances();
    while (!this.abort.signal.aborted) {
      try {
        const { statusCode, headers, body } = await this.client.request({
          method: 'GET',
          path:
            `/v1/health/service/${encodeURIComponent(service)}` +
            `?index=${index}&wait=${waitSeconds}s`,
          signal: this.abort.signal,
        });
        if (statusCode !== 200) {
          await body.dump();
          throw new Error(`Consul answered ${statusCode}`);
        }
        const entries = (await body.json()) as HealthEntry[];
        const next = Number(headers['x-consul-index']);
        // Consul's rules for blocking queries: an index that went backwards (a restored
        // snapshot, a new leader) means start over; never block with an index below 1.
        const reset = !Number.isFinite(next) || next < index;
        if (reset || next !== index || !this.synced.has(service)) {
          this.options.onChange(service, routable.select(entries).map(toInstance));
        }
        index = reset ? 0 : Math.max(next, 1);
        this.synced.add(service);
        retryMs = retryMinMs;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.options.onError(service, error);
        // Jittered so five watchers do not retry in lock-step against a recovering agent.
        await sleep(retryMs / 2 + Math.random() * (retryMs / 2), undefined, {
          signal: this.abort.signal,
        }).catch(() => undefined);
        retryMs = Math.min(retryMs * 2, retryMaxMs);
      }
    }
  }
}

function toInstance(entry: HealthEntry): ServiceInstance {
  return {
    id: entry.Service.ID,
    // An empty service address means "the node's address" in Consul.
    address: entry.Service.Address || entry.Node.Address,
    port: entry.Service.Port,
    meta: entry.Service.Meta ?? {},
  };
}
