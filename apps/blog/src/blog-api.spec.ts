import { DeletedAccounts } from '@lib/platform';
import { MongoOutbox } from '@lib/platform/mongo';
import {
  apiTestApp,
  expectErrorBody,
  TestTokenIssuer,
  type ApiTestApp,
} from '@lib/platform/testing';
import { ObjectId } from 'mongodb';
import type { AuthorDocument } from './authors/authors.document';
import { AuthorsRepository } from './authors/authors.repository';
import { DeletedAuthors } from './authors/deleted-authors';
import { AuthorsService } from './authors/authors.service';
import { CommentsController } from './posts/comments.controller';
import { CommentsRepository } from './posts/comments.repository';
import { CommentsService } from './posts/comments.service';
import { PostsController } from './posts/posts.controller';
import type { CommentDocument, LivePost } from './posts/posts.document';
import { PostsRepository } from './posts/posts.repository';
import { PostsService } from './posts/posts.service';

const POST_ID = '6650f0c2a1b2c3d4e5f60718';
const COMMENT_ID = '6650f0c2a1b2c3d4e5f60719';
const AT = new Date('2026-11-27T12:00:00.000Z');

function post(overrides: Partial<LivePost> = {}): LivePost {
  return {
    _id: new ObjectId(POST_ID),
    title: 'What I read this week',
    body: 'B',
    tags: [],
    authorId: 'mina',
    deleted: false,
    publishedAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

function comment(overrides: Partial<CommentDocument> = {}): CommentDocument {
  return {
    _id: new ObjectId(COMMENT_ID),
    postId: new ObjectId(POST_ID),
    body: 'Nice',
    authorId: 'joon',
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

/**
 * The HTTP surface of blog (validation, injection-shaped input, auth, ownership and error
 * bodies) over the real platform app, its ValidationPipe, error filter and global JWT guard,
 * and the real services, with the repositories and the outbox faked.
 */
describe('blog API: validation, auth and error bodies', () => {
  let api: ApiTestApp;
  const posts = {
    insert: jest.fn(async () => undefined),
    findLive: jest.fn(async (): Promise<LivePost | null> => post()),
    list: jest.fn(async () => ({ items: [post()], total: 1 })),
    update: jest.fn(async (): Promise<LivePost | null> => post({ title: 'Edited' })),
    markDeleted: jest.fn(async () => true),
  };
  const comments = {
    insert: jest.fn(async () => undefined),
    findOne: jest.fn(async (): Promise<CommentDocument | null> => comment()),
    listForPost: jest.fn(async () => ({ items: [comment()], total: 1 })),
    update: jest.fn(async (): Promise<CommentDocument | null> => comment({ body: 'Edited' })),
    delete: jest.fn(async () => true),
    deleteForPost: jest.fn(async () => undefined),
  };
  const people: AuthorDocument[] = [
    { _id: 'mina', displayName: 'Mina' },
    { _id: 'joon', displayName: 'Joon' },
    { _id: 'gone', deleted: true },
  ];
  const authors = {
    findMany: jest.fn(async (ids: string[]) => people.filter((p) => ids.includes(p._id))),
    findOne: jest.fn(async (id: string) => people.find((p) => p._id === id) ?? null),
  };
  const outbox = {
    event: jest.fn((type: string, data: unknown) => ({ topic: 'blog.posts', type, data })),
  };

  beforeAll(async () => {
    api = await apiTestApp({
      name: 'blog',
      controllers: [PostsController, CommentsController],
      providers: [
        PostsService,
        CommentsService,
        AuthorsService,
        { provide: PostsRepository, useValue: posts },
        { provide: CommentsRepository, useValue: comments },
        { provide: AuthorsRepository, useValue: authors },
        { provide: DeletedAccounts, useClass: DeletedAuthors },
        { provide: MongoOutbox, useValue: outbox },
      ],
    });
  });

  afterAll(() => api.app.close());
  beforeEach(() => jest.clearAllMocks());

  const http = () => api.http();
  const bearer = async (userId = 'mina', roles: ('reader' | 'editor' | 'admin')[] = ['reader']) =>
    api.bearer(userId, roles);

  const postPath = `/api/blog/posts/${POST_ID}`;
  const commentPath = `${postPath}/comments/${COMMENT_ID}`;

  describe('GET /api/blog/posts', () => {
    it('lists posts with their authors and the default paging, for anyone', async () => {
      const res = await http().get('/api/blog/posts');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            id: POST_ID,
            title: 'What I read this week',
            body: 'B',
            tags: [],
            author: { id: 'mina', displayName: 'Mina' },
            publishedAt: AT.toISOString(),
            updatedAt: AT.toISOString(),
          },
        ],
        page: 1,
        limit: 20,
        total: 1,
      });
      expect(posts.list).toHaveBeenCalledWith(0, 20);
    });

    it('turns page and limit into a skip', async () => {
      await http().get('/api/blog/posts?page=4&limit=100');
      expect(posts.list).toHaveBeenCalledWith(300, 100);
    });

    it.each(['limit=101', 'limit=0', 'page=0', 'page=1001', 'page=one', 'limit[$gt]=1', 'tag=x'])(
      'answers 400 for ?%s without a query',
      async (query) => {
        const res = await http().get(`/api/blog/posts?${query}`);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400);
        expect(posts.list).not.toHaveBeenCalled();
      },
    );
  });

  describe('GET /api/blog/posts/:id', () => {
    it('answers the post with its first comments and their authors', async () => {
      const res = await http().get(postPath);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: POST_ID,
        author: { id: 'mina', displayName: 'Mina' },
        comments: [{ id: COMMENT_ID, body: 'Nice', author: { id: 'joon', displayName: 'Joon' } }],
        commentsTotal: 1,
      });
      expect(comments.listForPost).toHaveBeenCalledWith(new ObjectId(POST_ID), 0, 50);
    });

    it('shows an anonymised author as a deleted user and an unknown one as such', async () => {
      posts.findLive.mockResolvedValueOnce(post({ authorId: null }));
      comments.listForPost.mockResolvedValueOnce({
        items: [comment({ authorId: 'gone' }), comment({ authorId: 'nobody-yet' })],
        total: 2,
      });
      const res = await http().get(postPath);
      expect(res.body.author).toEqual({ id: null, displayName: 'deleted user' });
      expect(res.body.comments.map((c: { author: unknown }) => c.author)).toEqual([
        { id: null, displayName: 'deleted user' },
        { id: 'nobody-yet', displayName: 'unknown user' },
      ]);
    });

    it.each(['abc', 'x'.repeat(12), `${POST_ID}00`, 'g'.repeat(24)])(
      'answers 400 VALIDATION.INVALID_ID for the malformed id %s, before any query',
      async (id) => {
        const res = await http().get(`/api/blog/posts/${id}`);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400, 'VALIDATION.INVALID_ID');
        expect(posts.findLive).not.toHaveBeenCalled();
      },
    );

    it('answers 404 for an unknown or deleted post', async () => {
      posts.findLive.mockResolvedValueOnce(null);
      const res = await http().get(postPath);
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404, 'BLOG.POST_NOT_FOUND');
    });
  });

  describe('POST /api/blog/posts', () => {
    const valid = { title: 'T', body: 'B', tags: ['reviews'] };

    it('publishes the post by the caller with its event, 201', async () => {
      const res = await http()
        .post('/api/blog/posts')
        .set('authorization', await bearer())
        .send(valid);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        title: 'T',
        tags: ['reviews'],
        author: { id: 'mina', displayName: 'Mina' },
      });
      expect(outbox.event).toHaveBeenCalledWith(
        'blog.post.published.v1',
        expect.objectContaining({ postId: res.body.id, authorId: 'mina', title: 'T' }),
      );
      expect(posts.insert).toHaveBeenCalledWith(
        expect.objectContaining({ authorId: 'mina', title: 'T' }),
        [expect.objectContaining({ type: 'blog.post.published.v1' })],
      );
    });

    it('answers 401 without a token or with a forged one', async () => {
      const none = await http().post('/api/blog/posts').send(valid);
      expect(none.status).toBe(401);
      expectErrorBody(none.body, 401, 'AUTH.TOKEN_MISSING');
      const forged = await (await TestTokenIssuer.create()).sign('mina');
      const res = await http()
        .post('/api/blog/posts')
        .set('authorization', `Bearer ${forged}`)
        .send(valid);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'AUTH.TOKEN_INVALID');
      expect(posts.insert).not.toHaveBeenCalled();
    });

    it('answers 401 AUTH.ACCOUNT_DELETED to the still-valid token of a deleted account', async () => {
      const res = await http()
        .post('/api/blog/posts')
        .set('authorization', await bearer('gone'))
        .send(valid);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'AUTH.ACCOUNT_DELETED');
      expect(posts.insert).not.toHaveBeenCalled();
    });

    it.each([
      [{ body: 'B' }, 'title must be a string'],
      [{ ...valid, title: '' }, 'title should not be empty'],
      [{ ...valid, title: { $ne: null } }, 'title must be a string'],
      [{ ...valid, body: 'x'.repeat(50_001) }, 'body must be shorter than or equal to 50000'],
      [{ ...valid, tags: null }, 'tags must be an array'],
      [{ ...valid, tags: ['Not A Slug'] }, 'tags must be a lower-case slug'],
      [
        { ...valid, tags: ['x'.repeat(31)] },
        'each value in tags must be shorter than or equal to 30',
      ],
      [{ ...valid, authorId: 'joon' }, 'property authorId should not exist'],
      [{ ...valid, deleted: true }, 'property deleted should not exist'],
    ])('answers 400 for %j naming the problem', async (body, message) => {
      const res = await http()
        .post('/api/blog/posts')
        .set('authorization', await bearer())
        .send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
      expect(posts.insert).not.toHaveBeenCalled();
    });
  });

  describe('PATCH /api/blog/posts/:id', () => {
    it('lets the author change the given fields, guarded by the author in the filter', async () => {
      const res = await http()
        .patch(postPath)
        .set('authorization', await bearer('mina'))
        .send({ title: 'Edited' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'Edited', author: { id: 'mina' } });
      expect(posts.update).toHaveBeenCalledWith(
        new ObjectId(POST_ID),
        'mina',
        { title: 'Edited' },
        expect.any(Date),
      );
    });

    it('answers 403 BLOG.NOT_AUTHOR to anyone else, moderators included', async () => {
      for (const auth of [await bearer('joon'), await bearer('ed', ['editor', 'admin'])]) {
        const res = await http().patch(postPath).set('authorization', auth).send({ title: 'x' });
        expect(res.status).toBe(403);
        expectErrorBody(res.body, 403, 'BLOG.NOT_AUTHOR');
      }
      expect(posts.update).not.toHaveBeenCalled();
    });

    it('answers 404 when the post was anonymised or deleted meanwhile', async () => {
      posts.update.mockResolvedValueOnce(null);
      const res = await http()
        .patch(postPath)
        .set('authorization', await bearer())
        .send({ body: 'x' });
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404, 'BLOG.POST_NOT_FOUND');
    });

    it.each([
      [{ title: null }],
      [{ body: '' }],
      [{ tags: 'one' }],
      [{ publishedAt: '2020-01-01' }],
    ])('answers 400 for %j', async (body) => {
      const res = await http()
        .patch(postPath)
        .set('authorization', await bearer())
        .send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(posts.update).not.toHaveBeenCalled();
    });
  });

  describe('DELETE /api/blog/posts/:id', () => {
    it('lets the author delete the post and its comments, 204', async () => {
      const res = await http()
        .delete(postPath)
        .set('authorization', await bearer('mina'));
      expect(res.status).toBe(204);
      expect(posts.markDeleted).toHaveBeenCalledWith(new ObjectId(POST_ID), expect.any(Date));
      expect(comments.deleteForPost).toHaveBeenCalledWith(new ObjectId(POST_ID));
    });

    it('lets a moderator delete it, but not a reader who is not the author', async () => {
      const moderator = await http()
        .delete(postPath)
        .set('authorization', await bearer('ed', ['editor']));
      expect(moderator.status).toBe(204);
      posts.markDeleted.mockClear();
      const other = await http()
        .delete(postPath)
        .set('authorization', await bearer('joon'));
      expect(other.status).toBe(403);
      expectErrorBody(other.body, 403, 'BLOG.NOT_AUTHOR');
      expect(posts.markDeleted).not.toHaveBeenCalled();
    });

    it('answers 400 for a malformed id and 401 without a token', async () => {
      const bad = await http()
        .delete('/api/blog/posts/nope')
        .set('authorization', await bearer());
      expect(bad.status).toBe(400);
      expectErrorBody(bad.body, 400, 'VALIDATION.INVALID_ID');
      expect((await http().delete(postPath)).status).toBe(401);
    });
  });

  describe('GET /api/blog/posts/:id/comments', () => {
    it('pages the comments of a live post, for anyone', async () => {
      const res = await http().get(`${postPath}/comments?page=2&limit=5`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page: 2, limit: 5, total: 1 });
      expect(comments.listForPost).toHaveBeenCalledWith(new ObjectId(POST_ID), 5, 5);
    });

    it('answers 400 for a malformed post id and for bad paging', async () => {
      const bad = await http().get('/api/blog/posts/abc/comments');
      expect(bad.status).toBe(400);
      expectErrorBody(bad.body, 400, 'VALIDATION.INVALID_ID');
      const paging = await http().get(`${postPath}/comments?limit[$ne]=1`);
      expect(paging.status).toBe(400);
      expect(comments.listForPost).not.toHaveBeenCalled();
    });
  });

  describe('POST /api/blog/posts/:id/comments', () => {
    it('adds the comment by the caller, 201', async () => {
      const res = await http()
        .post(`${postPath}/comments`)
        .set('authorization', await bearer('joon'))
        .send({ body: 'Agreed' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        postId: POST_ID,
        body: 'Agreed',
        author: { id: 'joon', displayName: 'Joon' },
      });
      expect(comments.insert).toHaveBeenCalledWith(
        expect.objectContaining({
          authorId: 'joon',
          body: 'Agreed',
          postId: new ObjectId(POST_ID),
        }),
      );
    });

    it('answers 401, also for a deleted account, 404 for a missing post, 400 for a bad body', async () => {
      expect((await http().post(`${postPath}/comments`).send({ body: 'x' })).status).toBe(401);
      const gone = await http()
        .post(`${postPath}/comments`)
        .set('authorization', await bearer('gone'))
        .send({ body: 'x' });
      expect(gone.status).toBe(401);
      expectErrorBody(gone.body, 401, 'AUTH.ACCOUNT_DELETED');
      posts.findLive.mockResolvedValueOnce(null);
      const missing = await http()
        .post(`${postPath}/comments`)
        .set('authorization', await bearer())
        .send({ body: 'x' });
      expect(missing.status).toBe(404);
      for (const body of [
        {},
        { body: '' },
        { body: 'x'.repeat(5001) },
        { body: 'x', postId: POST_ID },
      ]) {
        const res = await http()
          .post(`${postPath}/comments`)
          .set('authorization', await bearer())
          .send(body);
        expect([body, res.status]).toEqual([body, 400]);
      }
      expect(comments.insert).not.toHaveBeenCalled();
    });
  });

  describe('PATCH and DELETE /api/blog/posts/:id/comments/:commentId', () => {
    it('lets the author edit the comment', async () => {
      const res = await http()
        .patch(commentPath)
        .set('authorization', await bearer('joon'))
        .send({ body: 'Edited' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: COMMENT_ID, body: 'Edited' });
      expect(comments.update).toHaveBeenCalledWith(
        new ObjectId(POST_ID),
        new ObjectId(COMMENT_ID),
        'joon',
        'Edited',
        expect.any(Date),
      );
    });

    it('answers 403 to a moderator editing, but lets them delete', async () => {
      const moderator = await bearer('ed', ['admin']);
      const edit = await http()
        .patch(commentPath)
        .set('authorization', moderator)
        .send({ body: 'x' });
      expect(edit.status).toBe(403);
      expectErrorBody(edit.body, 403, 'BLOG.NOT_AUTHOR');
      const remove = await http().delete(commentPath).set('authorization', moderator);
      expect(remove.status).toBe(204);
      expect(comments.delete).toHaveBeenCalledWith(new ObjectId(POST_ID), new ObjectId(COMMENT_ID));
    });

    it('answers 403 to another reader deleting', async () => {
      const res = await http()
        .delete(commentPath)
        .set('authorization', await bearer('mina'));
      expect(res.status).toBe(403);
      expect(comments.delete).not.toHaveBeenCalled();
    });

    it('answers 400 for a malformed comment id and 404 BLOG.COMMENT_NOT_FOUND for an unknown one', async () => {
      const auth = await bearer('joon');
      const bad = await http()
        .patch(`${postPath}/comments/zzz`)
        .set('authorization', auth)
        .send({ body: 'x' });
      expect(bad.status).toBe(400);
      expectErrorBody(bad.body, 400, 'VALIDATION.INVALID_ID');
      expect(comments.findOne).not.toHaveBeenCalled();
      comments.findOne.mockResolvedValueOnce(null);
      const unknown = await http().delete(commentPath).set('authorization', auth);
      expect(unknown.status).toBe(404);
      expectErrorBody(unknown.body, 404, 'BLOG.COMMENT_NOT_FOUND');
    });

    it('answers 400 for a bad body and 401 without a token', async () => {
      const res = await http()
        .patch(commentPath)
        .set('authorization', await bearer('joon'))
        .send({ body: { $set: 'x' } });
      expect(res.status).toBe(400);
      expect((await http().delete(commentPath)).status).toBe(401);
      expect(comments.update).not.toHaveBeenCalled();
    });
  });
});
