import type { Role } from '@lib/contracts';
import { DomainError, type AuthUser } from '@lib/platform';

/** Roles that moderate: they may delete anyone's posts and comments (but not edit them). */
export const MODERATOR_ROLES: readonly Role[] = ['editor', 'admin'];

export function isModerator(user: AuthUser): boolean {
  return MODERATOR_ROLES.some((role) => user.roles.includes(role));
}

/** Editing is for the author only; deleting also for moderators. */
export function assertMayChange(
  user: AuthUser,
  authorId: string | null,
  change: 'edit' | 'delete',
): void {
  if (authorId === user.id) return;
  if (change === 'delete' && isModerator(user)) return;
  throw new DomainError(
    'BLOG.NOT_AUTHOR',
    change === 'edit'
      ? 'Only the author can edit this'
      : 'Only the author or a moderator can delete this',
    403,
  );
}
