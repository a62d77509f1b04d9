import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an echo upstream answers: enough for a test to see what the gateway forwarded. */
export interface Echo {
  instance: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  padding?: string;
}

/**
 * A stand-in service for gateway tests. It echoes the request as JSON, and the query string
 * asks for misbehaviour: `delay=ms` answers late, `stall=ms` sends half the body then pauses,
 * `pad=n` adds n bytes to the answer,
 * `status=n` answers n, `reset=1` (or
 * `reset=<this instance>`) drops the connection without an answer. `/health/ready` answers 200 for Consul's check.
 */
export function echoHandler(instance: string) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const query = new URL(request.url ?? '/', 'http://upstream').searchParams;
      const reset = query.get('reset');
      if (reset === '1' || reset === instance) {
        request.socket.destroy();
        return;
      }
      const echo: Echo = {
        instance,
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(query.has('pad') ? { padding: 'x'.repeat(Number(query.get('pad'))) } : {}),
      };
      const send = () => {
        const body = Buffer.from(JSON.stringify(echo));
        response.writeHead(Number(query.get('status') ?? 200), {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'x-upstream-instance': instance,
          // Hop-by-hop headers a careless proxy would pass back to the client.
          'keep-alive': 'timeout=5',
          'proxy-authenticate': 'Basic',
        });
        const stall = Number(query.get('stall') ?? 0);
        if (stall > 0) {
          response.write(body.subarray(0, body.length >> 1));
          const rest = setTimeout(() => response.end(body.subarray(body.length >> 1)), stall);
          // A proxy that gave up closes the connection: nothing is left to send.
          response.on('close', () => clearTimeout(rest));
        } else {
          response.end(body);
        }
      };
      const delay = Number(query.get('delay') ?? 0);
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  };
}

export interface EchoUpstream {
  instance: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function startEchoUpstream(instance: string, port = 0): Promise<EchoUpstream> {
  const server = createServer(echoHandler(instance));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    instance,
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
