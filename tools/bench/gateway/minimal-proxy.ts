/**
 * The floor for a Node.js proxy on this machine: one undici keep-alive pool in front of the
 * upstream, called through its dispatcher API (the cheapest way undici offers, and the one the
 * gateway uses), with none of the gateway's work (no routing table, discovery, auth, limits,
 * breaker, metrics, logs or request ids). `fastify` mounts it as a Fastify route, the way
 * the gateway does; `fastify-headers` also passes headers on both ways through the gateway's
 * own header policy (client headers plus x-forwarded-* and x-request-id up, the upstream's
 * down), as any correct proxy must; `node-http` answers from a bare node:http server. What
 * separates the gateway from these rows is its features and framework; what separates them
 * from nginx is the runtime's.
 * argv: <fastify|fastify-headers|node-http> <port> <upstream url> [header-policy.js of the
 * gateway's build, for fastify-headers].
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import Fastify from 'fastify';
import { Pool, type Dispatcher } from 'undici';

/** The gateway's own header policy (apps/gateway/src/proxy/header-policy.ts). */
interface HeaderPolicy {
  upstreamRequestHeaders(
    incoming: IncomingHttpHeaders,
    context: {
      requestId: string;
      clientAddress: string;
      host: string | undefined;
      protocol: string;
    },
  ): Record<string, string | string[]>;
  clientResponseHeaders(
    upstream: Record<string, string | string[] | undefined>,
  ): Record<string, string | string[]>;
}

const [mode, port, upstream, headerPolicyPath] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 128 });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One GET, its body collected whole: the benchmark's answers are a few dozen bytes. */
function fetchUpstream(path: string, headers?: Record<string, string | string[]>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 0;
    let received: Answer['headers'] = {};
    const handler: Dispatcher.DispatchHandler = {
      // Its presence tells undici this handler speaks its current API.
      onRequestStart: () => undefined,
      onResponseStart: (_controller, statusCode, responseHeaders) => {
        status = statusCode;
        received = responseHeaders;
      },
      onResponseData: (_controller, chunk) => {
        chunks.push(chunk);
      },
      onResponseEnd: () => resolve({ status, headers: received, body: Buffer.concat(chunks) }),
      onResponseError: (_controller, error) => reject(error),
    };
    pool.dispatch({ path, method: 'GET', headers }, handler);
  });
}

const contentType = (answer: Answer) => String(answer.headers['content-type']);

if (mode === 'fastify') {
  const app = Fastify({ logger: false });
  app.get('/api/*', async (request, reply) => {
    const answer = await fetchUpstream(request.url);
    return reply.code(answer.status).header('content-type', contentType(answer)).send(answer.body);
  });
  void app.listen({ port: Number(port), host: '127.0.0.1' });
} else if (mode === 'fastify-headers') {
  // From the gateway's build (apps may not import each other).
  const { upstreamRequestHeaders, clientResponseHeaders } = createRequire(__filename)(
    headerPolicyPath,
  ) as HeaderPolicy;
  const app = Fastify({ logger: false });
  app.get('/api/*', async (request, reply) => {
    const answer = await fetchUpstream(
      request.url,
      upstreamRequestHeaders(request.headers, {
        requestId: String(request.id),
        clientAddress: request.socket.remoteAddress ?? '',
        host: request.headers.host,
        protocol: request.protocol,
      }),
    );
    return reply
      .code(answer.status)
      .headers(clientResponseHeaders(answer.headers))
      .send(answer.body);
  });
  void app.listen({ port: Number(port), host: '127.0.0.1' });
} else {
  createServer((request, response) => {
    fetchUpstream(request.url ?? '/').then(
      (answer) => {
        response.writeHead(answer.status, {
          'content-type': contentType(answer),
          'content-length': answer.body.length,
        });
        response.end(answer.body);
      },
      () => {
        response.statusCode = 502;
        response.end();
      },
    );
  }).listen(Number(port), '127.0.0.1');
}
