export const AUTHORS = 'authors';

/** What readers see instead of the name of a user who deleted their account. */
export const DELETED_USER_NAME = 'deleted user';
/** Shown until the user's auth.user.registered.v1 has arrived (events are eventually consistent). */
export const UNKNOWN_USER_NAME = 'unknown user';

/**
 * The blog's local copy of a user's public profile, kept from auth's events so that reading
 * a post never calls auth. After auth.user.deleted.v1 only a tombstone remains: the name is
 * gone, and a late or replayed registration cannot bring it back (the id is taken).
 */
export interface AuthorDocument {
  /** The auth user id. */
  _id: string;
  displayName?: string;
  registeredAt?: Date;
  deleted?: boolean;
  deletedAt?: Date;
}

/** An author as shown next to a post or comment. */
export interface AuthorView {
  /** null once the author deleted their account: the content is no longer linked to them. */
  id: string | null;
  displayName: string;
}
