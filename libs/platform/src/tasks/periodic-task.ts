import type { Logger } from '@nestjs/common';

/**
 * Runs `task` every `everyMs` while the app runs: one run at a time (a slow run lets ticks
 * pass rather than piling runs up), a failure logged as a warning and tried again at the next
 * tick (the database may be away; nothing is lost meanwhile), and `stop` waits for the run in
 * progress, so shutdown never cuts one off.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly logger: Logger,
    /** Start of the warning when a run fails, e.g. `expiry sweep failed`. */
    private readonly failure: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.run().finally(() => (this.running = undefined));
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    try {
      await this.task();
    } catch (error) {
      this.logger.warn(`${this.failure}: ${error instanceof Error ? error.message : error}`);
    }
  }
}
