import { Logger } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import type { RelayFaults } from './events.options';
import type { OutgoingEvent } from './kafka/kafka-connection';
import type { TopicNames } from './kafka/topics';

export interface DrainResult {
  /** Events sent in this pass. */
  sent: number;
  /** True when more may be waiting right away (a full batch, or rows held back for order). */
  more: boolean;
}

/** How often a relay's housekeeping (pruning old rows) runs at most; the first pass runs it. */
export const HOUSEKEEPING_EVERY_MS = 10 * 60_000;

/** What an outbox relay sends through and reports to, whichever database holds the outbox. */
export interface RelayTarget {
  topics: TopicNames;
  /** Sends a batch to Kafka; resolves once the broker acknowledged it. */
  send: (events: OutgoingEvent[]) => Promise<void>;
  /** Told of the envelopes once they are recorded as sent. */
  onSent: (envelopes: EventEnvelope[]) => void;
  /** The safety-net poll's period. */
  pollMs: number;
  faults?: RelayFaults;
}

export interface RelayLoopOptions {
  /** Pause after a failed pass, so a broken broker or database is not hammered. */
  errorPauseMs?: number;
  /** Runs before a pass when HOUSEKEEPING_EVERY_MS have gone by since it last ran. */
  housekeeping?: () => Promise<void>;
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
  private lastHousekeeping = 0;

  constructor(
    private readonly drain: () => Promise<DrainResult>,
    private readonly pollMs: number,
    private readonly options: RelayLoopOptions = {},
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
      if (
        this.options.housekeeping &&
        Date.now() - this.lastHousekeeping >= HOUSEKEEPING_EVERY_MS
      ) {
        this.lastHousekeeping = Date.now();
        await this.options.housekeeping();
      }
      for (;;) {
        const result = await this.drain();
        if (!result.more || this.stopped) return;
      }
    } catch (error) {
      this.logger.warn(
        `outbox relay pass failed, retrying: ${error instanceof Error ? error.message : error}`,
      );
      await new Promise((resolve) => setTimeout(resolve, this.options.errorPauseMs ?? 1000));
    }
  }
}
