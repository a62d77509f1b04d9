import type { IncomingHttpHeaders } from 'node:http';
import { LOAD_TEST_HEADER, REQUEST_ID_HEADER } from '@lib/contracts';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: forwarding
 * them would let a client steer the gateway's pooled upstream connections (`Connection:
 * close`, `Upgrade`) or smuggle framing (`Transfer-Encoding`). `host` and `content-length`
 * are set by the upstream client for the request actually sent; `x-forwarded-*` are rebuilt.
 */
const DROPPED_REQUEST_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
  'http2-settings',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  // A secret meant for the gateway's rate limiter only.
  LOAD_TEST_HEADER,
]);

const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // The gateway's own id wins; the service echoes the same one anyway.
  REQUEST_ID_HEADER,
]);

export interface ForwardContext {
  requestId: string;
  /**
   * The client's address as the gateway determined it (its TCP peer, or what its trusted
   * proxies said), sent as the only X-Forwarded-For entry: a chain the client wrote itself
   * never reaches a service, which may trust the gateway's hop and the one before.
   */
  clientAddress: string;
  host: string | undefined;
  protocol: string;
}

/** Headers named in `Connection` are hop-by-hop too, whatever their name. */
function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  // The usual values name no header: skip the parsing on the hot path.
  if (value === undefined || value === 'keep-alive' || value === 'close') return undefined;
  const tokens = (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
  return tokens.length > 0 ? new Set(tokens) : undefined;
}

export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  context: ForwardContext,
): Record<string, string | string[]> {
  const extra = connectionTokens(incoming.connection);
  const headers: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || DROPPED_REQUEST_HEADERS.has(name) || extra?.has(name)) continue;
    headers[name] = value;
  }
  headers['x-forwarded-for'] = context.clientAddress;
  if (context.host !== undefined) headers['x-forwarded-host'] = context.host;
  headers['x-forwarded-proto'] = context.protocol;
  headers[REQUEST_ID_HEADER] = context.requestId;
  return headers;
}

export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const extra = connectionTokens(upstream.connection);
  const headers: Record<string, string | string[]> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name) || extra?.has(name)) continue;
    headers[name] = value;
  }
  return headers;
}
