import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Pool } from 'undici';
import { exchange, UpstreamBodyError } from './upstream-exchange';

/** A real HTTP server whose answer each test scripts. */
describe('exchange', () => {
  let server: Server;
  let pool: Pool;
  let answer: (response: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((_request, response) => answer(response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await pool.destroy();
    server.closeAllConnections();
    server.close();
  });

  const get = (inlineLimit = 1024) => exchange(pool, { path: '/', method: 'GET' }, inlineLimit);

  async function readAll(stream: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it('resolves a body of declared length within the limit whole, with status and headers', async () => {
    answer = (response) => {
      response.writeHead(201, {
        'content-type': 'application/json',
        'content-length': '11',
        'set-cookie': ['a=1', 'b=2'],
      });
      response.end('{"ok":true}');
    };
    const result = await get();
    expect(result.statusCode).toBe(201);
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(Buffer.isBuffer(result.body)).toBe(true);
    expect(result.body.toString()).toBe('{"ok":true}');
  });

  it('streams a body over the limit, or without a declared length', async () => {
    const big = Buffer.alloc(300_000, 'x');
    answer = (response) => response.end(big);
    const sized = await get();
    expect(sized.body).toBeInstanceOf(Readable);
    expect((await readAll(sized.body as Readable)).equals(big)).toBe(true);

    answer = (response) => {
      response.write('chunk one, ');
      setTimeout(() => response.end('chunk two'), 20);
    };
    const chunked = await get();
    expect(chunked.body).toBeInstanceOf(Readable);
    expect((await readAll(chunked.body as Readable)).toString()).toBe('chunk one, chunk two');
  });

  it('pauses reading from the instance while the consumer does not read', async () => {
    const piece = Buffer.alloc(64 * 1024, 'y');
    let written = 0;
    let drained = true;
    answer = (response) => {
      response.writeHead(200, { 'content-length': String(piece.length * 200) });
      const pump = () => {
        while (written < 200 && (drained = response.write(piece))) written++;
        if (written < 200 && !drained) {
          written++;
          response.once('drain', pump);
        } else if (written >= 200) response.end();
      };
      pump();
    };
    const result = await get();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Nobody read: the server is held up by backpressure long before its 12.5 MB are out.
    expect(written).toBeLessThan(100);
    const body = await readAll(result.body as Readable);
    expect(body.length).toBe(piece.length * 200);
  });

  it('stops the upstream response when the stream is destroyed', async () => {
    let upstreamClosed!: Promise<unknown>;
    answer = (response) => {
      upstreamClosed = once(response, 'close');
      response.write('start');
    };
    const result = await get();
    (result.body as Readable).destroy();
    await upstreamClosed;
  });

  it('rejects with undici’s error when no answer comes in time', async () => {
    answer = () => undefined;
    await expect(
      exchange(pool, { path: '/', method: 'GET', headersTimeout: 50 }, 1024),
    ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('rejects with an UpstreamBodyError when a whole-read body breaks off', async () => {
    answer = (response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('only part');
      setTimeout(() => response.socket?.destroy(), 10);
    };
    const failure = get().catch((error: unknown) => error);
    expect(await failure).toBeInstanceOf(UpstreamBodyError);
  });
});
