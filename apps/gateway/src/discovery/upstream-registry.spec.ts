import { UpstreamRegistry } from './upstream-registry';
import type { ServiceInstance } from '@lib/platform';

const instance = (id: string, port: number): ServiceInstance => ({
  id,
  address: '127.0.0.1',
  port,
  meta: {},
});

describe('UpstreamRegistry', () => {
  let now = 0;
  let counts: Record<string, number>;
  let registry: UpstreamRegistry;

  beforeEach(() => {
    now = 0;
    counts = {};
    registry = new UpstreamRegistry(
      { connectionsPerInstance: 4, connectTimeoutMs: 100 },
      (service, count) => (counts[service] = count),
      () => now,
    );
  });

  afterEach(() => registry.close());

  const ids = (n: number, exclude?: Parameters<UpstreamRegistry['pick']>[1]) =>
    Array.from({ length: n }, () => registry.pick('svc', exclude)?.instance.id);

  it('has nothing to pick for an unknown or empty service', () => {
    expect(registry.pick('svc')).toBeUndefined();
    registry.update('svc', []);
    expect(registry.pick('svc')).toBeUndefined();
    expect(counts).toEqual({ svc: 0 });
  });

  it('picks round-robin and reports the count', () => {
    registry.update('svc', [instance('a', 1), instance('b', 2), instance('c', 3)]);
    expect(ids(6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(counts.svc).toBe(3);
  });

  it('never picks the excluded instance, and gives up when it is the only one', () => {
    registry.update('svc', [instance('a', 1), instance('b', 2)]);
    const a = registry.pick('svc')!;
    expect(ids(3, a)).toEqual(['b', 'b', 'b']);
    registry.update('svc', [instance('a', 1)]);
    expect(registry.pick('svc', registry.pick('svc'))).toBeUndefined();
  });

  it('skips an ejected instance until its ejection ends, unless nothing else is left', () => {
    registry.update('svc', [instance('a', 1), instance('b', 2)]);
    registry.eject(registry.pick('svc')!); // a
    expect(ids(3)).toEqual(['b', 'b', 'b']);
    const b = registry.pick('svc')!;
    expect(registry.pick('svc', b)?.instance.id).toBe('a'); // the fallback
    now = 2_001;
    expect(ids(2).sort()).toEqual(['a', 'b']);
  });

  it('keeps the pool of an instance that stays and closes the pools of those that left', async () => {
    registry.update('svc', [instance('a', 1), instance('b', 2)]);
    const [a, b] = [registry.pick('svc')!, registry.pick('svc')!];
    registry.update('svc', [{ ...instance('a2', 1), meta: { version: '2' } }]);
    const kept = registry.pick('svc')!;
    expect(kept).toBe(a);
    expect(kept.instance).toMatchObject({ id: 'a2', meta: { version: '2' } });
    expect(a.pool.closed).toBe(false);
    expect(b.pool.closed).toBe(true);
  });
});
