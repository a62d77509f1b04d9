import type { UserDeletedV1, UserRegisteredV1 } from './auth.events';
import type { ArticlePublishedV1 } from './news.events';
import type { PostPublishedV1 } from './blog.events';
import type {
  PurchaseDeclinedV1,
  PurchaseSucceededV1,
  WalletClosedV1,
  WalletOpenedV1,
  WalletToppedUpV1,
} from './payment.events';
import type { EpisodePublishedV1, PurchaseRequestedV1 } from './webtoon.events';

/**
 * Every event type and its payload. A breaking change is a new type (`…v2`); within a version,
 * fields are only added, and added fields are optional.
 */
export interface EventDataMap {
  'auth.user.registered.v1': UserRegisteredV1;
  'auth.user.deleted.v1': UserDeletedV1;
  'webtoon.episode.published.v1': EpisodePublishedV1;
  'webtoon.purchase.requested.v1': PurchaseRequestedV1;
  'payment.purchase.succeeded.v1': PurchaseSucceededV1;
  'payment.purchase.declined.v1': PurchaseDeclinedV1;
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
}

export const EVENTS: { readonly [T in EventType]: EventDefinition<T> } = {
  'auth.user.registered.v1': { topic: 'auth.users', key: (d) => d.userId },
  'auth.user.deleted.v1': { topic: 'auth.users', key: (d) => d.userId },
  'webtoon.episode.published.v1': { topic: 'webtoon.episodes', key: (d) => d.webtoonId },
  'webtoon.purchase.requested.v1': { topic: 'webtoon.purchases', key: (d) => d.purchaseId },
  'payment.purchase.succeeded.v1': { topic: 'payment.purchases', key: (d) => d.purchaseId },
  'payment.purchase.declined.v1': { topic: 'payment.purchases', key: (d) => d.purchaseId },
  'payment.wallet.opened.v1': { topic: 'payment.wallets', key: (d) => d.userId },
  'payment.wallet.topped-up.v1': { topic: 'payment.wallets', key: (d) => d.userId },
  'payment.wallet.closed.v1': { topic: 'payment.wallets', key: (d) => d.userId },
  'news.article.published.v1': { topic: 'news.articles', key: (d) => d.articleId },
  'blog.post.published.v1': { topic: 'blog.posts', key: (d) => d.postId },
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
