/**
 * The floor for a Node.js proxy on this machine: one undici keep-alive pool in front of the
 * upstream, called through its dispatcher API (the cheapest way undici offers, and the one the
 * gateway uses), with none of the gateway's work (no routing table, discovery, auth, limits,
 * breaker, metrics, logs or request ids). `fastify` mounts it as a Fastify route, the way
 * the gateway does; `node-http` answers from a bare node:http server. What separates the
 * gateway from these rows is its features and framework; what separates them from nginx is
 * the runtime's. argv: <fastify|node-http> <port> <upstream url>.
 */
import { createServer } from 'node:http';
import Fastify from 'fastify';
import { Pool, type Dispatcher } from 'undici';

const [mode, port, upstream] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 128 });

interface Answer {
  status: number;
  type: string;
  body: Buffer;
}

/** One GET, its body collected whole: the benchmark's answers are a few dozen bytes. */
function fetchUpstream(path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 0;
    let type = '';
    const handler: Dispatcher.DispatchHandler = {
      // Its presence tells undici this handler speaks its current API.
      onRequestStart: () => undefined,
      onResponseStart: (_controller, statusCode, headers) => {
        status = statusCode;
        type = String(headers['content-type']);
      },
      onResponseData: (_controller, chunk) => {
        chunks.push(chunk);
      },
      onResponseEnd: () => resolve({ status, type, body: Buffer.concat(chunks) }),
      onResponseError: (_controller, error) => reject(error),
    };
    pool.dispatch({ path, method: 'GET' }, handler);
  });
}

if (mode === 'fastify') {
  const app = Fastify({ logger: false });
  app.get('/api/*', async (request, reply) => {
    const { status, type, body } = await fetchUpstream(request.url);
    return reply.code(status).header('content-type', type).send(body);
  });
  void app.listen({ port: Number(port), host: '127.0.0.1' });
} else {
  createServer((request, response) => {
    fetchUpstream(request.url ?? '/').then(
      ({ status, type, body }) => {
        response.writeHead(status, { 'content-type': type, 'content-length': body.length });
        response.end(body);
      },
      () => {
        response.statusCode = 502;
        response.end();
      },
    );
  }).listen(Number(port), '127.0.0.1');
}
