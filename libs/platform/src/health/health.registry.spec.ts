import { HealthRegistry } from './health.registry';

describe('HealthRegistry', () => {
  it('is ready when every check passes', async () => {
    const health = new HealthRegistry();
    health.register('postgres', async () => 1);
    health.register('kafka', async () => undefined);
    await expect(health.readiness()).resolves.toEqual({
      ready: true,
      checks: { postgres: 'up', kafka: 'up' },
    });
  });

  it('names the failing dependency and its reason', async () => {
    const health = new HealthRegistry();
    health.register('postgres', async () => 1);
    health.register('kafka', async () => {
      throw new Error('connection refused');
    });
    const report = await health.readiness();
    expect(report.ready).toBe(false);
    expect(report.checks).toEqual({ postgres: 'up', kafka: 'down: connection refused' });
  });

  it('is not ready while draining, even with healthy dependencies', async () => {
    const health = new HealthRegistry();
    health.register('postgres', async () => 1);
    health.markDraining();
    const report = await health.readiness();
    expect(report.ready).toBe(false);
    expect(report.checks.shutdown).toBe('draining');
  });

  it('fails a check that hangs instead of hanging the probe', async () => {
    jest.useFakeTimers();
    const health = new HealthRegistry();
    health.register('mongo', () => new Promise(() => undefined));
    const pending = health.readiness();
    await jest.advanceTimersByTimeAsync(2001);
    await expect(pending).resolves.toEqual({
      ready: false,
      checks: { mongo: 'down: timed out after 2000 ms' },
    });
    jest.useRealTimers();
  });
});
