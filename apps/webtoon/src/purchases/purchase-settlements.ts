import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { listenOn, type PgListener } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';

/** The NOTIFY channel a purchase's id goes out on when the transaction that settled it commits. */
export const PURCHASE_SETTLED_CHANNEL = 'webtoon_purchase_settled';

/**
 * Requests one instance lets wait at once: each holds a socket and a few hundred bytes here, and
 * a client that opens thousands must not be able to pin more. Past it, a request is answered at
 * once, as if it had asked for no wait.
 */
export const MAX_WAITING = 1_000;

/** A purchase's settlement awaited; `close()` always, whether it came or not. */
export interface SettlementWait {
  settled: Promise<void>;
  close(): void;
}

/**
 * Lets `GET /api/webtoons/purchases/:id` with `Prefer: wait=N` answer as soon as its purchase
 * settles, on whichever instance the settling event was handled: one connection per instance
 * LISTENs on {@link PURCHASE_SETTLED_CHANNEL}, opened at the first wait and kept. A client then
 * sends one request where polling took one every few hundred milliseconds (docs/api.md).
 * If the connection drops, every wait ends at once (the requests answer with what the table
 * says) and the next wait listens again.
 */
@Injectable()
export class PurchaseSettlements implements OnModuleDestroy {
  private readonly logger = new Logger(PurchaseSettlements.name);
  private readonly waiting = new Map<string, Set<() => void>>();
  private count = 0;
  private listener: Promise<PgListener> | undefined;
  private closed = false;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Starts waiting for `purchaseId` to settle, once this instance listens. Undefined when it
   * cannot wait (too many waiting, shutting down, or no connection to listen on).
   */
  async waitFor(purchaseId: string): Promise<SettlementWait | undefined> {
    if (this.closed || this.count >= MAX_WAITING) return undefined;
    try {
      await this.listen();
    } catch (error) {
      this.logger.warn({ msg: 'cannot LISTEN for settled purchases', err: error });
      return undefined;
    }
    let wake: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (wake = resolve));
    const wakers = this.waiting.get(purchaseId) ?? new Set();
    wakers.add(wake);
    this.waiting.set(purchaseId, wakers);
    this.count++;
    let open = true;
    return {
      settled,
      close: () => {
        if (!open) return;
        open = false;
        this.count--;
        wakers.delete(wake);
        if (wakers.size === 0 && this.waiting.get(purchaseId) === wakers) {
          this.waiting.delete(purchaseId);
        }
      },
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await this.unlisten();
  }

  private listen(): Promise<PgListener> {
    this.listener ??= listenOn(
      this.dataSource,
      PURCHASE_SETTLED_CHANNEL,
      (purchaseId) => {
        for (const wake of this.waiting.get(purchaseId) ?? []) wake();
      },
      (error) => {
        this.logger.warn({ msg: 'LISTEN connection for settled purchases lost', err: error });
        this.listener = undefined;
        this.wakeAll();
      },
    ).catch((error: unknown) => {
      this.listener = undefined;
      throw error;
    });
    return this.listener;
  }

  private async unlisten(): Promise<void> {
    const pending = this.listener;
    this.listener = undefined;
    const listener = await pending?.catch(() => undefined);
    await listener?.close();
  }

  private wakeAll(): void {
    for (const wakers of this.waiting.values()) for (const wake of wakers) wake();
  }
}
