import type { FastifyReply, FastifyRequest } from 'fastify';
import { cachedBody } from './read-cache';
import { sendCached } from './send-cached';

function fakeReply() {
  const sent: { status: number; headers: Record<string, string>; body?: string } = {
    status: 200,
    headers: {},
  };
  const reply = {
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    type(value: string) {
      sent.headers['content-type'] = value;
      return reply;
    },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    send(body?: string) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

const request = (ifNoneMatch?: string) =>
  ({ headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} }) as FastifyRequest;

describe('sendCached', () => {
  const cached = cachedBody({ id: 1 });

  it('sends the serialised body with its ETag and caching header', () => {
    const { reply, sent } = fakeReply();
    sendCached(request(), reply, cached, 'public, max-age=5');
    expect(sent).toEqual({
      status: 200,
      body: '{"id":1}',
      headers: {
        etag: cached.etag,
        'cache-control': 'public, max-age=5',
        'content-type': 'application/json; charset=utf-8',
      },
    });
  });

  it.each([cached.etag, `W/"other", ${cached.etag}`, '*'])(
    'answers 304 to If-None-Match %s',
    (tag) => {
      const { reply, sent } = fakeReply();
      sendCached(request(tag), reply, cached, 'public, max-age=5');
      expect(sent.status).toBe(304);
      expect(sent.body).toBeUndefined();
      expect(sent.headers.etag).toBe(cached.etag);
    },
  );

  it('sends the body when the client holds another version', () => {
    const { reply, sent } = fakeReply();
    sendCached(request('W/"stale"'), reply, cached, 'public, max-age=5');
    expect(sent.status).toBe(200);
    expect(sent.body).toBe('{"id":1}');
  });
});
