import { EVENTS_MIGRATIONS } from '@lib/platform/postgres';
import { AuthSchema1763900000000 } from './1763900000000-auth-schema';

/** In order: the event bus's outbox first, then auth's own tables. */
export const AUTH_MIGRATIONS = [...EVENTS_MIGRATIONS, AuthSchema1763900000000];
