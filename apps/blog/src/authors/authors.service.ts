import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@lib/platform';
import {
  DELETED_USER_NAME,
  UNKNOWN_USER_NAME,
  type AuthorDocument,
  type AuthorView,
} from './authors.document';
import { AuthorsRepository } from './authors.repository';

/** Display names for content, from the local copy of profiles (never a call to auth). */
@Injectable()
export class AuthorsService {
  constructor(@Inject(AuthorsRepository) private readonly authors: AuthorsRepository) {}

  /** A resolver for the authors of a batch of posts or comments, in one query. */
  async viewsOf(authorIds: (string | null)[]): Promise<(authorId: string | null) => AuthorView> {
    const ids = [...new Set(authorIds.filter((id): id is string => id !== null))];
    const found = ids.length > 0 ? await this.authors.findMany(ids) : [];
    const byId = new Map(found.map((author) => [author._id, author]));
    return (authorId) => authorView(authorId, authorId === null ? undefined : byId.get(authorId));
  }

  /**
   * A deleted account's access token stays valid until it expires; it must not attach new
   * content to the person after their content was anonymised.
   */
  async assertCanWrite(userId: string): Promise<void> {
    const author = await this.authors.findOne(userId);
    if (author?.deleted) {
      throw new DomainError('BLOG.AUTHOR_DELETED', 'This account has been deleted', 403);
    }
  }
}

export function authorView(
  authorId: string | null,
  author: AuthorDocument | undefined,
): AuthorView {
  if (authorId === null || author?.deleted) return { id: null, displayName: DELETED_USER_NAME };
  return { id: authorId, displayName: author?.displayName ?? UNKNOWN_USER_NAME };
}
