import { EVENTS_MIGRATIONS } from '@lib/platform';
import { PaymentSchema1764000000000 } from './1764000000000-payment-schema';

/** In order: the event bus's outbox first, then payment's own tables. */
export const PAYMENT_MIGRATIONS = [...EVENTS_MIGRATIONS, PaymentSchema1764000000000];
