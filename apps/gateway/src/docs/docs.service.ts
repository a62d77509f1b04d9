import { Inject, Injectable, Logger } from '@nestjs/common';
import { request } from 'undici';
import { APP_CONFIG } from '@lib/platform';
import type { AppConfig } from '../config';
import { UpstreamRegistry } from '../discovery/upstream-registry';
import { ROUTE_TABLE } from '../proxy/proxy.tokens';
import type { RouteDefinition } from '../routing/route-table';
import { servicesOf } from '../routing/route-table';
import { mergeOpenApi, type OpenApiDocument, type ServiceDocument } from './openapi-merge';

/** Where every app publishes its own document, on its admin port (the platform's bootstrap). */
const SERVICE_DOCUMENT_PATH = '/openapi.json';
const FETCH_TIMEOUT_MS = 2_000;
/** Documents change with deployments, not per request: fetch at most this often. */
const CACHE_MS = 30_000;

@Injectable()
export class DocsService {
  private readonly logger = new Logger('Docs');
  private cached?: { document: OpenApiDocument; at: number };
  private pending?: Promise<OpenApiDocument>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROUTE_TABLE) private readonly routes: readonly RouteDefinition[],
    @Inject(UpstreamRegistry) private readonly upstreams: UpstreamRegistry,
  ) {}

  /** The merged document, at most CACHE_MS old; concurrent callers share one refresh. */
  async document(): Promise<OpenApiDocument> {
    if (this.cached && performance.now() - this.cached.at < CACHE_MS) return this.cached.document;
    this.pending ??= this.build().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async build(): Promise<OpenApiDocument> {
    const results = await Promise.all(
      servicesOf(this.routes).map(async (service) => ({
        service,
        document: await this.fetch(service),
      })),
    );
    const parts: ServiceDocument[] = [];
    const unavailable: string[] = [];
    for (const { service, document } of results) {
      if (document === undefined) {
        unavailable.push(service);
        continue;
      }
      const prefixes = this.routes.filter((r) => r.service === service).map((r) => r.prefix);
      parts.push({ service, prefixes, document });
    }
    const document = mergeOpenApi(parts, unavailable, this.config.SERVICE_VERSION);
    // A partial document is cached too, but briefly, so a service that comes back shows up soon.
    this.cached = {
      document,
      at: unavailable.length > 0 ? performance.now() - CACHE_MS + 5_000 : performance.now(),
    };
    return document;
  }

  private async fetch(service: string): Promise<OpenApiDocument | undefined> {
    const upstream = this.upstreams.pick(service);
    if (upstream === undefined) return undefined;
    const { address, meta } = upstream.instance;
    try {
      // Documents are on each instance's admin port, which it registers in Consul.
      const { statusCode, body } = await request(
        `http://${address}:${meta.admin_port}${SERVICE_DOCUMENT_PATH}`,
        { method: 'GET', headersTimeout: FETCH_TIMEOUT_MS, bodyTimeout: FETCH_TIMEOUT_MS },
      );
      if (statusCode !== 200) {
        await body.dump();
        throw new Error(`answered ${statusCode}`);
      }
      return (await body.json()) as OpenApiDocument;
    } catch (err) {
      this.logger.warn({ msg: 'cannot fetch OpenAPI document', service, err });
      return undefined;
    }
  }
}
