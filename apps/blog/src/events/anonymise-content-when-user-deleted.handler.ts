import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import type { MongoEventTx } from '@lib/platform/mongo';
import { AuthorsRepository } from '../authors/authors.repository';
import { CommentsRepository } from '../posts/comments.repository';
import { PostsRepository } from '../posts/posts.repository';

/**
 * A deleted account's posts and comments stay (threads keep making sense) but are no longer
 * linked to the person: their name is erased and their content shows "deleted user".
 * Each write is guarded by the event id (MongoEventTx), so a retry after a partial failure
 * finishes the job without repeating it.
 */
@Injectable()
export class AnonymiseContentWhenUserDeletedHandler {
  constructor(
    @Inject(AuthorsRepository) private readonly authors: AuthorsRepository,
    @Inject(PostsRepository) private readonly posts: PostsRepository,
    @Inject(CommentsRepository) private readonly comments: CommentsRepository,
  ) {}

  @OnEvent('auth.user.deleted.v1')
  async handle(event: EventEnvelope<'auth.user.deleted.v1'>, tx: MongoEventTx): Promise<void> {
    const { userId, deletedAt } = event.data;
    if (typeof userId !== 'string' || !userId) {
      throw new Error('auth.user.deleted.v1 payload is malformed');
    }
    // The tombstone first: from then on the user can add nothing new (AuthorsService).
    await this.authors.forget(tx, {
      userId,
      deletedAt: Number.isNaN(Date.parse(deletedAt)) ? event.occurredAt : deletedAt,
    });
    await this.posts.anonymiseAuthor(tx, userId);
    await this.comments.anonymiseAuthor(tx, userId);
  }
}
