import { EVENTS_MIGRATIONS } from '@lib/platform/postgres';
import { AuthSchema1763900000000 } from './1763900000000-auth-schema';
import { RefreshSessions1764100000000 } from './1764100000000-refresh-sessions';

/** In order: the event bus's outbox first, then auth's own tables. */
export const AUTH_MIGRATIONS = [
  ...EVENTS_MIGRATIONS,
  AuthSchema1763900000000,
  RefreshSessions1764100000000,
];
