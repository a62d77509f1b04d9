import { deletedAccountsMigration, EVENTS_MIGRATIONS } from '@lib/platform/postgres';
import { WebtoonSchema1764000000001 } from './1764000000001-webtoon-schema';
import { PurchaseDeadlines1764000000002 } from './1764000000002-purchase-deadlines';

/** In order: the event bus's outbox first, then webtoon's own tables. */
export const WEBTOON_MIGRATIONS = [
  ...EVENTS_MIGRATIONS,
  WebtoonSchema1764000000001,
  PurchaseDeadlines1764000000002,
  deletedAccountsMigration(1764000000006),
];
