import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, DomainError, type AuthUser } from '@lib/platform';
import { OutboxPublisher } from '@lib/platform/postgres';
import { DataSource, QueryFailedError } from 'typeorm';
import type { AppConfig } from '../config';
import { episodeNotFound } from '../episodes/episodes.service';
import { EntitlementsRepository } from './entitlements.repository';
import type { PurchaseResponse } from './purchases.dto';
import { PurchaseSettlements } from './purchase-settlements';
import { PurchasesRepository, type PurchaseRow } from './purchases.repository';

export function toPurchaseResponse(row: PurchaseRow): PurchaseResponse {
  return {
    purchaseId: row.id,
    status: row.status,
    webtoonId: row.seriesId,
    episodeNo: row.episodeNo,
    priceCoins: row.priceCoins,
    ...(row.status === 'declined' && row.declineReason ? { declineReason: row.declineReason } : {}),
    ...(row.status === 'expired' && row.declineReason ? { expiredReason: row.declineReason } : {}),
    createdAt: row.createdAt.toISOString(),
    deadlineAt: row.deadlineAt.toISOString(),
    ...(row.settledAt ? { settledAt: row.settledAt.toISOString() } : {}),
  };
}

/** Resolves when `settled` does, after `ms`, or when `gone` aborts. */
function settledOrTimeUp(settled: Promise<void>, ms: number, gone?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      gone?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    gone?.addEventListener('abort', done, { once: true });
    if (gone?.aborted) done();
    void settled.then(done);
  });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error as { code?: string }).code === '23505';
}

/**
 * Step 1 of the purchase saga: a pending purchase and `webtoon.purchase.requested.v1`, in one
 * transaction (outbox). Payment answers with an event; the handlers in src/events settle it.
 */
@Injectable()
export class PurchasesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly purchases: PurchasesRepository,
    private readonly entitlements: EntitlementsRepository,
    private readonly outbox: OutboxPublisher,
    private readonly settlements: PurchaseSettlements,
  ) {}

  async request(
    user: AuthUser,
    seriesId: string,
    no: number,
    idempotencyKey: string,
  ): Promise<PurchaseResponse> {
    const db = this.dataSource.manager;
    const context = await this.purchases.requestContext(db, user.id, idempotencyKey, seriesId, no);
    if (context.earlierId) {
      // A retry: answer with what the key made, even if the episode has gone since.
      const earlier = await this.purchases.findByKey(db, user.id, idempotencyKey);
      if (earlier) return this.replay(earlier, seriesId, no);
    }
    const episode = context.episode;
    if (!episode) throw episodeNotFound();
    if (episode.priceCoins === 0) {
      throw new DomainError('WEBTOON.EPISODE_FREE', 'This episode is free to read', 422);
    }
    if (episode.authorId === user.id || context.owned) {
      throw new DomainError('WEBTOON.ALREADY_OWNED', 'You already own this episode', 409);
    }
    try {
      const created = await this.dataSource.transaction(async (tx) => {
        const purchase = await this.purchases.insertPending(
          tx,
          {
            id: randomUUID(),
            userId: user.id,
            episodeId: episode.id,
            seriesId,
            episodeNo: no,
            priceCoins: episode.priceCoins,
            idempotencyKey,
          },
          this.config.PURCHASE_DEADLINE_SECONDS,
        );
        if (!purchase) return undefined;
        await this.outbox.publish(tx, 'webtoon.purchase.requested.v1', {
          purchaseId: purchase.id,
          userId: user.id,
          webtoonId: seriesId,
          episodeNo: no,
          priceCoins: purchase.priceCoins,
        });
        return purchase;
      });
      if (created) return toPurchaseResponse(created);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const sameKey = await this.purchases.findByKey(db, user.id, idempotencyKey);
      if (sameKey) return this.replay(sameKey, seriesId, no);
      // Another live purchase of this episode: owned by now, or still being paid for.
      if (await this.entitlements.owns(db, user.id, episode.id)) {
        throw new DomainError('WEBTOON.ALREADY_OWNED', 'You already own this episode', 409);
      }
      throw new DomainError(
        'WEBTOON.PURCHASE_IN_PROGRESS',
        'A purchase of this episode is already in progress',
        409,
      );
    }
    // The same key committed concurrently: answer with that purchase.
    const concurrent = await this.purchases.findByKey(db, user.id, idempotencyKey);
    if (!concurrent) throw new Error('purchase key conflict without a row');
    return this.replay(concurrent, seriesId, no);
  }

  /**
   * The purchase as it is now; with `waitSeconds`, a pending one is answered when it settles
   * or when the time is up (or the client has gone: `gone` aborts), whichever comes first.
   * No connection is held while waiting.
   */
  async get(
    user: AuthUser,
    purchaseId: string,
    waitSeconds = 0,
    gone?: AbortSignal,
  ): Promise<PurchaseResponse> {
    if (waitSeconds <= 0) return toPurchaseResponse(await this.find(user, purchaseId));
    // Listening before the read: a settlement committed after it cannot be missed.
    const wait = await this.settlements.waitFor(purchaseId);
    try {
      const purchase = await this.find(user, purchaseId);
      if (!wait || purchase.status !== 'pending') return toPurchaseResponse(purchase);
      await settledOrTimeUp(wait.settled, waitSeconds * 1000, gone);
    } finally {
      wait?.close();
    }
    return toPurchaseResponse(await this.find(user, purchaseId));
  }

  private async find(user: AuthUser, purchaseId: string): Promise<PurchaseRow> {
    const purchase = await this.purchases.find(this.dataSource.manager, purchaseId);
    // Someone else's purchase is as invisible as one that does not exist.
    if (!purchase || purchase.userId !== user.id) {
      throw new DomainError('WEBTOON.PURCHASE_NOT_FOUND', 'No such purchase', 404);
    }
    return purchase;
  }

  /** A retried request gets the purchase its key made, if it asked for the same episode. */
  private replay(earlier: PurchaseRow, seriesId: string, no: number): PurchaseResponse {
    if (earlier.seriesId !== seriesId || earlier.episodeNo !== no) {
      throw new DomainError(
        'IDEMPOTENCY_KEY.REUSED',
        'This Idempotency-Key was used for a different purchase',
        422,
      );
    }
    return toPurchaseResponse(earlier);
  }
}
