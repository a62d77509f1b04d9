import { Logger } from '@nestjs/common';

export interface DrainResult {
  /** Events sent in this pass. */
  sent: number;
  /** True when more may be waiting right away (a full batch, or rows held back for order). */
  more: boolean;
}

/**
 * Runs an outbox relay pass whenever it is woken (a commit notification or a local write) and
 * on a slow safety-net poll; never two passes at once, and a wake during a pass runs another.
 */
export class RelayLoop {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private stopped = true;

  constructor(
    private readonly drain: () => Promise<DrainResult>,
    private readonly pollMs: number,
    /** Pause after a failed pass, so a broken broker or database is not hammered. */
    private readonly errorPauseMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.run().finally(() => {
      this.running = undefined;
      this.schedule(this.wakeRequested ? 0 : this.pollMs);
      this.wakeRequested = false;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.wake(), ms);
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const result = await this.drain();
        if (!result.more || this.stopped) return;
      }
    } catch (error) {
      this.logger.warn(
        `outbox relay pass failed, retrying: ${error instanceof Error ? error.message : error}`,
      );
      await new Promise((resolve) => setTimeout(resolve, this.errorPauseMs));
    }
  }
}
