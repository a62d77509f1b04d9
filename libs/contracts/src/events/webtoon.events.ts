import { z } from 'zod';
import { coins, id, instant, positiveCoins } from './schema-parts';

export interface EpisodePublishedV1 {
  webtoonId: string;
  webtoonTitle: string;
  episodeId: string;
  episodeNo: number;
  title: string;
  authorId: string;
  /** 0 for a free episode. */
  priceCoins: number;
  publishedAt: string;
}

export const episodePublishedV1Schema = z.object({
  webtoonId: id,
  webtoonTitle: z.string(),
  episodeId: id,
  episodeNo: z.number().int().positive(),
  title: z.string(),
  authorId: id,
  priceCoins: coins,
  publishedAt: instant,
}) satisfies z.ZodType<EpisodePublishedV1>;

export interface PurchaseRequestedV1 {
  purchaseId: string;
  userId: string;
  webtoonId: string;
  episodeNo: number;
  priceCoins: number;
}

export const purchaseRequestedV1Schema = z.object({
  purchaseId: id,
  userId: id,
  webtoonId: id,
  episodeNo: z.number().int().positive(),
  priceCoins: positiveCoins,
}) satisfies z.ZodType<PurchaseRequestedV1>;

/**
 * A purchase that was still pending at its deadline: it ends here, whatever payment answers
 * later. Payment refunds a debit it made for it (payment.purchase.refunded.v1).
 */
export interface PurchaseExpiredV1 {
  purchaseId: string;
  userId: string;
  webtoonId: string;
  episodeNo: number;
  priceCoins: number;
  reason: 'PAYMENT_TIMEOUT';
  deadlineAt: string;
  expiredAt: string;
}

export const purchaseExpiredV1Schema = z.object({
  purchaseId: id,
  userId: id,
  webtoonId: id,
  episodeNo: z.number().int().positive(),
  priceCoins: positiveCoins,
  reason: z.literal('PAYMENT_TIMEOUT'),
  deadlineAt: instant,
  expiredAt: instant,
}) satisfies z.ZodType<PurchaseExpiredV1>;
