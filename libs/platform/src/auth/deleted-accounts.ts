import type { EventEnvelope } from '@lib/contracts';

/**
 * Whether a token's subject is a deleted account. An app that provides it (under this class as
 * token) makes the platform's guard refuse the state-changing requests of deleted accounts with
 * 401 `AUTH.ACCOUNT_DELETED`, although their access tokens are still valid (docs/security.md).
 * Each app answers from its own record of `auth.user.deleted.v1`.
 */
export abstract class DeletedAccounts {
  abstract isDeleted(userId: string): Promise<boolean>;
}

/** When an `auth.user.deleted.v1` says the account was deleted; when it occurred if unreadable. */
export function deletionTime(event: EventEnvelope<'auth.user.deleted.v1'>): Date {
  const deletedAt = Date.parse(event.data.deletedAt);
  return new Date(Number.isNaN(deletedAt) ? event.occurredAt : deletedAt);
}
