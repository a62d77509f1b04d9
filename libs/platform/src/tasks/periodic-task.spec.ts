import type { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const logger = () => ({ warn: jest.fn() }) as unknown as Logger & { warn: jest.Mock };

  it('runs once per tick, never two runs at a time, and stop waits for the run in progress', async () => {
    let release: () => void = () => undefined;
    const task = jest.fn(() => new Promise<void>((r) => (release = r)));
    const periodic = new PeriodicTask(task, 100, logger(), 'sweep failed');
    periodic.start();
    await jest.advanceTimersByTimeAsync(350);
    expect(task).toHaveBeenCalledTimes(1);
    let stopped = false;
    const stopping = periodic.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    await jest.advanceTimersByTimeAsync(500);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('logs a failed run and tries again at the next tick', async () => {
    const log = logger();
    const task = jest.fn().mockRejectedValueOnce(new Error('database down')).mockResolvedValue(1);
    const periodic = new PeriodicTask(task, 100, log, 'sweep failed');
    periodic.start();
    await jest.advanceTimersByTimeAsync(250);
    expect(task).toHaveBeenCalledTimes(2);
    expect(log.warn).toHaveBeenCalledWith('sweep failed: database down');
    await periodic.stop();
  });
});
