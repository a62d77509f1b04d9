/**
 * The benchmark's upstream: the cheapest possible HTTP service (a fixed small JSON body),
 * so the figures measure what sits in front of it. argv: <port>.
 */
import { createServer } from 'node:http';

const body = JSON.stringify({ id: 1, title: 'A trivial upstream answer', ok: true });
const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});
// Keep idle connections for as long as any proxy in front of it wants to reuse them.
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1');
