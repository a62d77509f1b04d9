import type { z } from 'zod';
import {
  userDeletedV1Schema,
  userRegisteredV1Schema,
  type UserDeletedV1,
  type UserRegisteredV1,
} from './auth.events';
import { articlePublishedV1Schema, type ArticlePublishedV1 } from './news.events';
import { postPublishedV1Schema, type PostPublishedV1 } from './blog.events';
import {
  purchaseDeclinedV1Schema,
  purchaseRefundedV1Schema,
  purchaseSucceededV1Schema,
  walletClosedV1Schema,
  walletOpenedV1Schema,
  walletToppedUpV1Schema,
  type PurchaseDeclinedV1,
  type PurchaseRefundedV1,
  type PurchaseSucceededV1,
  type WalletClosedV1,
  type WalletOpenedV1,
  type WalletToppedUpV1,
} from './payment.events';
import {
  episodePublishedV1Schema,
  purchaseExpiredV1Schema,
  purchaseRequestedV1Schema,
  type EpisodePublishedV1,
  type PurchaseExpiredV1,
  type PurchaseRequestedV1,
} from './webtoon.events';

/**
 * Every event type and its payload. A breaking change is a new type (`…v2`); within a version,
 * fields are only added, and added fields are optional.
 */
export interface EventDataMap {
  'auth.user.registered.v1': UserRegisteredV1;
  'auth.user.deleted.v1': UserDeletedV1;
  'webtoon.episode.published.v1': EpisodePublishedV1;
  'webtoon.purchase.requested.v1': PurchaseRequestedV1;
  'webtoon.purchase.expired.v1': PurchaseExpiredV1;
  'payment.purchase.succeeded.v1': PurchaseSucceededV1;
  'payment.purchase.declined.v1': PurchaseDeclinedV1;
  'payment.purchase.refunded.v1': PurchaseRefundedV1;
  'payment.wallet.opened.v1': WalletOpenedV1;
  'payment.wallet.topped-up.v1': WalletToppedUpV1;
  'payment.wallet.closed.v1': WalletClosedV1;
  'news.article.published.v1': ArticlePublishedV1;
  'blog.post.published.v1': PostPublishedV1;
}

export type EventType = keyof EventDataMap;

export type Topic =
  | 'auth.users'
  | 'webtoon.episodes'
  | 'webtoon.purchases'
  | 'payment.purchases'
  | 'payment.wallets'
  | 'news.articles'
  | 'blog.posts';

interface EventDefinition<T extends EventType> {
  /** Topics are per aggregate. */
  topic: Topic;
  /** The aggregate id, used as the message key so one aggregate's events stay in order. */
  key: (data: EventDataMap[T]) => string;
  /**
   * The payload's runtime schema: producers check `data` against it before the outbox,
   * consumers before the handler. Within a version it may only widen (contract.spec.ts).
   */
  schema: z.ZodType<EventDataMap[T]>;
}

export const EVENTS: { readonly [T in EventType]: EventDefinition<T> } = {
  'auth.user.registered.v1': {
    topic: 'auth.users',
    key: (d) => d.userId,
    schema: userRegisteredV1Schema,
  },
  'auth.user.deleted.v1': {
    topic: 'auth.users',
    key: (d) => d.userId,
    schema: userDeletedV1Schema,
  },
  'webtoon.episode.published.v1': {
    topic: 'webtoon.episodes',
    key: (d) => d.webtoonId,
    schema: episodePublishedV1Schema,
  },
  'webtoon.purchase.requested.v1': {
    topic: 'webtoon.purchases',
    key: (d) => d.purchaseId,
    schema: purchaseRequestedV1Schema,
  },
  'webtoon.purchase.expired.v1': {
    topic: 'webtoon.purchases',
    key: (d) => d.purchaseId,
    schema: purchaseExpiredV1Schema,
  },
  'payment.purchase.succeeded.v1': {
    topic: 'payment.purchases',
    key: (d) => d.purchaseId,
    schema: purchaseSucceededV1Schema,
  },
  'payment.purchase.declined.v1': {
    topic: 'payment.purchases',
    key: (d) => d.purchaseId,
    schema: purchaseDeclinedV1Schema,
  },
  'payment.purchase.refunded.v1': {
    topic: 'payment.purchases',
    key: (d) => d.purchaseId,
    schema: purchaseRefundedV1Schema,
  },
  'payment.wallet.opened.v1': {
    topic: 'payment.wallets',
    key: (d) => d.userId,
    schema: walletOpenedV1Schema,
  },
  'payment.wallet.topped-up.v1': {
    topic: 'payment.wallets',
    key: (d) => d.userId,
    schema: walletToppedUpV1Schema,
  },
  'payment.wallet.closed.v1': {
    topic: 'payment.wallets',
    key: (d) => d.userId,
    schema: walletClosedV1Schema,
  },
  'news.article.published.v1': {
    topic: 'news.articles',
    key: (d) => d.articleId,
    schema: articlePublishedV1Schema,
  },
  'blog.post.published.v1': {
    topic: 'blog.posts',
    key: (d) => d.postId,
    schema: postPublishedV1Schema,
  },
};

export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

export function topicOf(type: EventType): Topic {
  return EVENTS[type].topic;
}

export function keyOf<T extends EventType>(type: T, data: EventDataMap[T]): string {
  return EVENTS[type].key(data);
}

/** The dead-letter topic of a topic: where a consumer group parks events it could not handle. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, value);
}

/** Why a payload does not match its type's schema, or nothing when it does. */
export function invalidEventData(type: EventType, data: unknown): string | undefined {
  const result = EVENTS[type].schema.safeParse(data);
  if (result.success) return undefined;
  return result.error.issues
    .map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`)
    .join('; ');
}
