import { ReadCache } from './read-cache';

describe('ReadCache', () => {
  afterEach(() => jest.useRealTimers());

  it('serialises once per TTL, gives a stable ETag, and reloads after expiry or invalidation', async () => {
    jest.useFakeTimers({ now: 0 });
    const cache = new ReadCache({ READ_CACHE_TTL_MS: 1000, READ_CACHE_MAX_ENTRIES: 10 });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const first = await cache.getOrLoad('k', load);
    expect(first).toEqual({ body: '{"n":1}', etag: expect.stringMatching(/^W\/"/) });
    expect(await cache.getOrLoad('k', load)).toBe(first);
    jest.setSystemTime(1001);
    expect((await cache.getOrLoad('k', load))?.body).toBe('{"n":2}');
    cache.invalidatePrefix('k');
    expect((await cache.getOrLoad('k', load))?.body).toBe('{"n":3}');
  });

  it('does not cache misses, and drops the oldest entry beyond its bound', async () => {
    const cache = new ReadCache({ READ_CACHE_TTL_MS: 60_000, READ_CACHE_MAX_ENTRIES: 2 });
    let misses = 0;
    await cache.getOrLoad('missing', async () => void misses++);
    await cache.getOrLoad('missing', async () => void misses++);
    expect(misses).toBe(2);
    const loaded: string[] = [];
    const load = (key: string) => cache.getOrLoad(key, async () => (loaded.push(key), key));
    await load('a');
    await load('b');
    await load('c');
    await load('b');
    await load('a');
    expect(loaded).toEqual(['a', 'b', 'c', 'a']);
  });

  it('the same content has the same ETag whoever serialised it', async () => {
    const one = new ReadCache({ READ_CACHE_TTL_MS: 0, READ_CACHE_MAX_ENTRIES: 1 });
    const two = new ReadCache({ READ_CACHE_TTL_MS: 1000, READ_CACHE_MAX_ENTRIES: 1 });
    const a = await one.getOrLoad('x', async () => ({ id: 1 }));
    const b = await two.getOrLoad('y', async () => ({ id: 1 }));
    expect(a?.etag).toBe(b?.etag);
  });
});
