import { RelayLoop, type DrainResult } from './relay-loop';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RelayLoop', () => {
  it('drains until a pass reports nothing more, then waits for a wake', async () => {
    const results: DrainResult[] = [
      { sent: 200, more: true },
      { sent: 3, more: false },
    ];
    const drain = jest.fn(async () => results.shift() ?? { sent: 0, more: false });
    const loop = new RelayLoop(drain, 60_000);

    loop.start();
    await tick();
    await loop.stop();

    expect(drain).toHaveBeenCalledTimes(2);
  });

  it('runs another pass when woken during a pass, never two at once', async () => {
    let active = 0;
    let maxActive = 0;
    let release: () => void = () => undefined;
    const drain = jest.fn(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => (release = resolve));
      active--;
      return { sent: 1, more: false };
    });
    const loop = new RelayLoop(drain, 60_000);

    loop.start();
    await tick();
    loop.wake();
    loop.wake();
    release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await tick();
    await loop.stop();

    expect(drain).toHaveBeenCalledTimes(2);
    expect(maxActive).toBe(1);
  });

  it('keeps going after a failed pass, after a pause', async () => {
    const drain = jest
      .fn<Promise<DrainResult>, []>()
      .mockRejectedValueOnce(new Error('broker down'))
      .mockResolvedValue({ sent: 1, more: false });
    const loop = new RelayLoop(drain, 5, { errorPauseMs: 1 });

    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await loop.stop();

    expect(drain.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('does nothing once stopped', async () => {
    const drain = jest.fn(async () => ({ sent: 0, more: false }));
    const loop = new RelayLoop(drain, 1);
    loop.start();
    await loop.stop();
    const calls = drain.mock.calls.length;

    loop.wake();
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(drain).toHaveBeenCalledTimes(calls);
  });

  it('runs housekeeping before the first pass, then not again within the interval', async () => {
    const order: string[] = [];
    const drain = jest.fn(async () => {
      order.push('drain');
      return { sent: 0, more: false };
    });
    const loop = new RelayLoop(drain, 60_000, {
      housekeeping: async () => void order.push('housekeeping'),
    });

    loop.start();
    await tick();
    loop.wake();
    await tick();
    await loop.stop();

    expect(order).toEqual(['housekeeping', 'drain', 'drain']);
  });
});
