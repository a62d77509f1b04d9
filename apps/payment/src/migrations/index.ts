import { deletedAccountsMigration, EVENTS_MIGRATIONS } from '@lib/platform/postgres';
import { PaymentSchema1764000000000 } from './1764000000000-payment-schema';
import { PurchaseRefunds1764000000003 } from './1764000000003-purchase-refunds';
import { TopUpOutcomes1764000000004 } from './1764000000004-top-up-outcomes';

/** In order: the event bus's outbox first, then payment's own tables. */
export const PAYMENT_MIGRATIONS = [
  ...EVENTS_MIGRATIONS,
  PaymentSchema1764000000000,
  PurchaseRefunds1764000000003,
  TopUpOutcomes1764000000004,
  deletedAccountsMigration(1764000000005),
];
