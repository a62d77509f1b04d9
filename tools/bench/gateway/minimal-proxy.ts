/**
 * The floor for a Node.js proxy on this machine: Fastify and one undici keep-alive pool, the
 * same parts the gateway is built on, with none of its work (no routing table, discovery,
 * auth, limits, breaker, metrics, logs or request ids). What separates the gateway from this
 * row is the cost of its features; what separates this row from nginx is the runtime's.
 * argv: <port> <upstream url>.
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

const [port, upstream] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 128 });
const app = Fastify({ logger: false });

app.route({
  method: ['GET', 'HEAD'],
  url: '/api/*',
  handler: async (request, reply) => {
    const response = await pool.request({ path: request.url, method: 'GET' });
    const body = Buffer.from(await response.body.arrayBuffer());
    return reply
      .code(response.statusCode)
      .header('content-type', response.headers['content-type'])
      .send(body);
  },
});

void app.listen({ port: Number(port), host: '127.0.0.1' });
