/** The parts of an OpenAPI 3 document that merging touches; the rest is carried as is. */
export interface OpenApiDocument {
  openapi?: string;
  info?: Record<string, unknown>;
  paths?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; [key: string]: unknown };
  tags?: { name: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface ServiceDocument {
  service: string;
  /** The route prefixes this service owns: only its paths under them are published. */
  prefixes: string[];
  document: OpenApiDocument;
}

const SCHEMA_REF = /"#\/components\/schemas\/([^"]+)"/g;

/**
 * One document for the whole platform, as clients see it through the gateway. Schema names
 * are prefixed with the service (`webtoon.EpisodeResponse`) because two services may both have a
 * `PageResponse`; paths outside a service's own prefixes are dropped, so no service can publish
 * (or shadow) another's API.
 */
export function mergeOpenApi(
  parts: ServiceDocument[],
  unavailable: string[],
  version: string,
): OpenApiDocument {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const tags = new Map<string, { name: string; [key: string]: unknown }>();
  for (const { service, prefixes, document } of parts) {
    const rename = (json: string) =>
      json.replace(
        SCHEMA_REF,
        (_match, name: string) => `"#/components/schemas/${service}.${name}"`,
      );
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (!prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) continue;
      paths[path] = JSON.parse(rename(JSON.stringify(item)));
    }
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      schemas[`${service}.${name}`] = JSON.parse(rename(JSON.stringify(schema)));
    }
    for (const tag of document.tags ?? []) tags.set(tag.name, tag);
  }
  const missing =
    unavailable.length > 0 ? ` Not available right now: ${unavailable.join(', ')}.` : '';
  return {
    openapi: '3.0.0',
    info: {
      title: 'Platform API',
      version,
      description: `Every service's API as served through the gateway.${missing}`,
    },
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    tags: [...tags.values()],
  };
}
