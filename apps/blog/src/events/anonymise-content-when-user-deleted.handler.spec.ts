import type { EventEnvelope } from '@lib/contracts';
import type { MongoEventTx } from '@lib/platform/mongo';
import type { AuthorsRepository } from '../authors/authors.repository';
import type { CommentsRepository } from '../posts/comments.repository';
import type { PostsRepository } from '../posts/posts.repository';
import { AnonymiseContentWhenUserDeletedHandler } from './anonymise-content-when-user-deleted.handler';

describe('AnonymiseContentWhenUserDeletedHandler', () => {
  const calls: string[] = [];
  const forget = jest.fn(async () => void calls.push('forget'));
  const posts = jest.fn(async () => void calls.push('posts'));
  const comments = jest.fn(async () => void calls.push('comments'));
  const handler = new AnonymiseContentWhenUserDeletedHandler(
    { forget } as unknown as AuthorsRepository,
    { anonymiseAuthor: posts } as unknown as PostsRepository,
    { anonymiseAuthor: comments } as unknown as CommentsRepository,
  );
  const tx = {} as MongoEventTx;
  const event = (data: object) =>
    ({
      id: 'e1',
      occurredAt: '2026-05-01T00:00:00.000Z',
      data,
    }) as EventEnvelope<'auth.user.deleted.v1'>;

  beforeEach(() => {
    calls.length = 0;
    jest.clearAllMocks();
  });

  it('writes the tombstone first, then unlinks posts and comments, all through the event tx', async () => {
    await handler.handle(event({ userId: 'u1', deletedAt: '2026-05-02T00:00:00.000Z' }), tx);
    expect(calls).toEqual(['forget', 'posts', 'comments']);
    expect(forget).toHaveBeenCalledWith(tx, {
      userId: 'u1',
      deletedAt: '2026-05-02T00:00:00.000Z',
    });
    expect(posts).toHaveBeenCalledWith(tx, 'u1');
    expect(comments).toHaveBeenCalledWith(tx, 'u1');
  });

  it('falls back to the event time for an unparsable deletion time', async () => {
    await handler.handle(event({ userId: 'u1', deletedAt: 'soon' }), tx);
    expect(forget).toHaveBeenCalledWith(tx, {
      userId: 'u1',
      deletedAt: '2026-05-01T00:00:00.000Z',
    });
  });

  it('fails on a payload without a user id, touching nothing', async () => {
    await expect(handler.handle(event({ userId: { $ne: '' } }), tx)).rejects.toThrow('malformed');
    expect(calls).toEqual([]);
  });
});
