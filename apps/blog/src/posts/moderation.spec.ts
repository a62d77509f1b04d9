import type { AuthUser } from '@lib/platform';
import { assertMayChange } from './moderation';

const user = (id: string, ...roles: AuthUser['roles']): AuthUser => ({
  id,
  roles: roles.length > 0 ? roles : ['reader'],
});

describe('assertMayChange', () => {
  it('lets the author edit and delete their own content', () => {
    expect(() => assertMayChange(user('u1'), 'u1', 'edit')).not.toThrow();
    expect(() => assertMayChange(user('u1'), 'u1', 'delete')).not.toThrow();
  });

  it('lets editors and admins delete anyone’s content but not edit it', () => {
    for (const moderator of [user('m1', 'editor'), user('m2', 'reader', 'admin')]) {
      expect(() => assertMayChange(moderator, 'u1', 'delete')).not.toThrow();
      expect(() => assertMayChange(moderator, 'u1', 'edit')).toThrow(
        expect.objectContaining({ code: 'BLOG.NOT_AUTHOR', status: 403 }),
      );
    }
  });

  it('refuses other users, and anyone but moderators on anonymised content', () => {
    expect(() => assertMayChange(user('u2', 'author'), 'u1', 'delete')).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => assertMayChange(user('u1'), null, 'edit')).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => assertMayChange(user('m1', 'editor'), null, 'delete')).not.toThrow();
  });
});
