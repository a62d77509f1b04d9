import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventEnvelope, Role } from '@lib/contracts';
import { MONGO_DB } from '@lib/platform/mongo';
import {
  waitFor,
  testEnvelope,
  startServiceTestApp,
  expectHealthAndMetrics,
  type JwksServer,
  type KafkaProbe,
  type ServiceTestApp,
} from '@lib/platform/testing';
import type { Db } from 'mongodb';
import { AppModule } from '../src/app.module';
import { configSchema } from '../src/config';

/** Topics and the consumer group of these tests, apart from a running platform's. */
const PREFIX = 'it-blog.';

interface TestUser {
  id: string;
  name: string;
  token: string;
}

/**
 * The blog service over HTTP against the dev stack's MongoDB-wire server (database blog) and
 * Kafka. Users are fresh ids per run, announced through auth.user.registered.v1 as auth would.
 */
describe('blog service (MongoDB + Kafka)', () => {
  const run = randomUUID().slice(0, 8);
  let service: ServiceTestApp;
  let jwks: JwksServer;
  let probe: KafkaProbe;
  let app: NestFastifyApplication;
  let db: Db;

  const http = () => service.http();
  const auth = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });

  /** A signed-in user whose registration the blog has seen (display name known). */
  async function registeredUser(label: string, roles: Role[] = ['reader']): Promise<TestUser> {
    const id = `${label}-${run}-${randomUUID().slice(0, 6)}`;
    const name = `${label} ${run}`;
    await probe.send(
      testEnvelope(
        'auth.user.registered.v1',
        {
          userId: id,
          email: `${id}@example.com`,
          displayName: name,
          roles,
          registeredAt: new Date().toISOString(),
        },
        { source: 'auth' },
      ),
    );
    return { id, name, token: await jwks.issuer.sign(id, { roles }) };
  }

  const writePost = async (user: TestUser, title = `Post ${randomUUID().slice(0, 6)}`) => {
    const response = await http()
      .post('/api/blog/posts')
      .set(auth(user))
      .send({ title, body: 'Hello there', tags: ['intro'] });
    expect(response.status).toBe(201);
    return response.body as {
      id: string;
      title: string;
      author: { id: string; displayName: string };
    };
  };
  const writeComment = async (user: TestUser, postId: string, body = 'Nice post') => {
    const response = await http()
      .post(`/api/blog/posts/${postId}/comments`)
      .set(auth(user))
      .send({ body });
    expect(response.status).toBe(201);
    return response.body as { id: string };
  };
  /** The post page once `check` accepts it (events are applied asynchronously). */
  const postWhen = (id: string, check: (post: PostPage) => boolean) =>
    waitFor(async () => {
      const response = await http().get(`/api/blog/posts/${id}`);
      return response.status === 200 && check(response.body)
        ? (response.body as PostPage)
        : undefined;
    }, 30_000);

  type PostPage = {
    author: { id: string | null; displayName: string };
    comments: { id: string; body: string; author: { id: string | null; displayName: string } }[];
    commentsTotal: number;
  };

  beforeAll(async () => {
    service = await startServiceTestApp({
      name: 'blog',
      module: AppModule,
      configSchema,
      topicPrefix: PREFIX,
      listen: ['blog.posts'],
    });
    ({ app, jwks, probe } = service);
    db = app.get<Db>(MONGO_DB);
  }, 60_000);

  afterAll(async () => {
    await service?.close();
  }, 30_000);

  it('answers health and metrics without a token (Consul and Prometheus send none)', () =>
    expectHealthAndMetrics(service, { mongodb: 'up', kafka: 'up' }));

  describe('posts', () => {
    it('publishes a signed-in user’s post under their display name, with an event', async () => {
      const mina = await registeredUser('mina');
      const post = await writePost(mina, 'First words');
      expect(post).toMatchObject({
        title: 'First words',
        tags: ['intro'],
        author: { id: mina.id },
      });

      const page = await postWhen(post.id, (p) => p.author.displayName === mina.name);
      expect(page).toMatchObject({
        author: { id: mina.id, displayName: mina.name },
        comments: [],
        commentsTotal: 0,
      });

      const event = await waitFor(async () =>
        (probe.received as EventEnvelope<'blog.post.published.v1'>[]).find(
          (e) => e.data.postId === post.id,
        ),
      );
      expect(event).toMatchObject({
        type: 'blog.post.published.v1',
        source: 'blog',
        data: { postId: post.id, authorId: mina.id, title: 'First words' },
      });
    });

    it('lets only the author edit, and the author or a moderator delete', async () => {
      const owner = await registeredUser('owner');
      const other = await registeredUser('other');
      const editor = await registeredUser('editor', ['editor']);
      const post = await writePost(owner);

      expect((await http().post('/api/blog/posts').send({ title: 't', body: 'b' })).status).toBe(
        401,
      );
      for (const user of [other, editor]) {
        const edit = await http()
          .patch(`/api/blog/posts/${post.id}`)
          .set(auth(user))
          .send({ title: 'Hijacked' });
        expect(edit.status).toBe(403);
        expect(edit.body.code).toBe('BLOG.NOT_AUTHOR');
      }
      expect((await http().delete(`/api/blog/posts/${post.id}`).set(auth(other))).status).toBe(403);

      const edited = await http()
        .patch(`/api/blog/posts/${post.id}`)
        .set(auth(owner))
        .send({ title: 'Better title' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ title: 'Better title', body: 'Hello there' });

      expect((await http().delete(`/api/blog/posts/${post.id}`).set(auth(editor))).status).toBe(
        204,
      );
      expect((await http().get(`/api/blog/posts/${post.id}`)).status).toBe(404);
      expect((await http().delete(`/api/blog/posts/${post.id}`).set(auth(owner))).status).toBe(404);

      const own = await writePost(owner);
      expect((await http().delete(`/api/blog/posts/${own.id}`).set(auth(owner))).status).toBe(204);
    });

    it('lists posts newest first in bounded pages', async () => {
      const writer = await registeredUser('writer');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await writePost(writer)).id);

      const first = await http().get('/api/blog/posts').query({ limit: 2 });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, limit: 2 });
      expect(first.body.total).toBeGreaterThanOrEqual(3);
      const second = await http().get('/api/blog/posts').query({ limit: 2, page: 2 });
      const newest = [...first.body.items, ...second.body.items].map((p: { id: string }) => p.id);
      expect(newest.slice(0, 3)).toEqual([...ids].reverse());

      for (const query of [
        { limit: 101 },
        { limit: 0 },
        { page: -1 },
        { page: 'x' },
        { order: 'asc' },
      ]) {
        expect({
          query,
          status: (await http().get('/api/blog/posts').query(query)).status,
        }).toEqual({ query, status: 400 });
      }
    });
  });

  describe('comments', () => {
    it('pages comments oldest first and lets only the author edit, the author or a moderator delete', async () => {
      const author = await registeredUser('author');
      const commenter = await registeredUser('commenter');
      const admin = await registeredUser('admin', ['admin']);
      const post = await writePost(author);
      const comments = [];
      for (const body of ['one', 'two', 'three'])
        comments.push(await writeComment(commenter, post.id, body));

      const page = await http()
        .get(`/api/blog/posts/${post.id}/comments`)
        .query({ limit: 2, page: 2 });
      expect(page.body).toMatchObject({ total: 3, items: [{ id: comments[2].id, body: 'three' }] });
      const detail = await http().get(`/api/blog/posts/${post.id}`);
      expect(detail.body.comments.map((c: { body: string }) => c.body)).toEqual([
        'one',
        'two',
        'three',
      ]);
      expect(detail.body.commentsTotal).toBe(3);

      const path = `/api/blog/posts/${post.id}/comments/${comments[0].id}`;
      expect(
        (await http().post(`/api/blog/posts/${post.id}/comments`).send({ body: 'x' })).status,
      ).toBe(401);
      expect(
        (await http().patch(path).set(auth(author)).send({ body: 'edited by the post author' }))
          .status,
      ).toBe(403);
      expect((await http().delete(path).set(auth(author))).status).toBe(403);
      const edited = await http().patch(path).set(auth(commenter)).send({ body: 'one, edited' });
      expect(edited.status).toBe(200);
      expect(edited.body.body).toBe('one, edited');
      expect((await http().delete(path).set(auth(admin))).status).toBe(204);
      expect((await http().delete(path).set(auth(commenter))).status).toBe(404);

      const own = `/api/blog/posts/${post.id}/comments/${comments[1].id}`;
      expect((await http().delete(own).set(auth(commenter))).status).toBe(204);
      expect((await http().get(`/api/blog/posts/${post.id}`)).body.commentsTotal).toBe(1);

      // Deleting the post takes its comments with it.
      expect((await http().delete(`/api/blog/posts/${post.id}`).set(auth(author))).status).toBe(
        204,
      );
      expect((await http().get(`/api/blog/posts/${post.id}/comments`)).status).toBe(404);
    });
  });

  describe('deleted users', () => {
    it('shows a deleted user’s posts and comments as "deleted user" and takes no more from them', async () => {
      const leaving = await registeredUser('leaving');
      const staying = await registeredUser('staying');
      const post = await writePost(leaving, 'Still worth reading');
      const theirComment = await writeComment(leaving, post.id, 'my own comment');
      const otherPost = await writePost(staying);
      await writeComment(leaving, otherPost.id, 'a comment elsewhere');
      await writeComment(staying, post.id, 'a reply');
      await postWhen(post.id, (p) => p.author.displayName === leaving.name);

      await probe.send(
        testEnvelope(
          'auth.user.deleted.v1',
          { userId: leaving.id, deletedAt: new Date().toISOString() },
          { source: 'auth' },
        ),
      );

      const anonymised = await postWhen(post.id, (p) => p.author.id === null);
      expect(anonymised).toMatchObject({
        title: 'Still worth reading',
        author: { id: null, displayName: 'deleted user' },
        comments: [
          {
            id: theirComment.id,
            body: 'my own comment',
            author: { id: null, displayName: 'deleted user' },
          },
          { body: 'a reply', author: { id: staying.id, displayName: staying.name } },
        ],
      });
      const elsewhere = await http().get(`/api/blog/posts/${otherPost.id}`);
      expect(elsewhere.body.author).toEqual({ id: staying.id, displayName: staying.name });
      expect(elsewhere.body.comments[0]).toMatchObject({
        body: 'a comment elsewhere',
        author: { id: null, displayName: 'deleted user' },
      });
      const listed = await http().get('/api/blog/posts').query({ limit: 50 });
      expect(listed.body.items.find((p: { id: string }) => p.id === post.id).author).toEqual({
        id: null,
        displayName: 'deleted user',
      });

      // Their still-valid access token can neither add content nor touch the old one: the
      // platform's guard refuses a deleted account's state-changing requests.
      const late = await http()
        .post('/api/blog/posts')
        .set(auth(leaving))
        .send({ title: 't', body: 'b' });
      expect(late.status).toBe(401);
      expect(late.body.code).toBe('AUTH.ACCOUNT_DELETED');
      expect(
        (await http().patch(`/api/blog/posts/${post.id}`).set(auth(leaving)).send({ title: 'x' }))
          .status,
      ).toBe(401);

      // A replayed registration does not bring the name back.
      const replay = testEnvelope(
        'auth.user.registered.v1',
        {
          userId: leaving.id,
          email: `${leaving.id}@example.com`,
          displayName: leaving.name,
          roles: ['reader'],
          registeredAt: new Date().toISOString(),
        },
        { source: 'auth' },
      );
      await probe.send(replay);
      await waitFor(async () => {
        const handled = await db
          .collection<{ _id: string }>('processed_events')
          .countDocuments({ _id: `${PREFIX}blog/${replay.id}` });
        return handled === 1 ? true : undefined;
      }, 30_000);
      expect((await http().get(`/api/blog/posts/${post.id}`)).body.author).toEqual({
        id: null,
        displayName: 'deleted user',
      });
    });
  });

  describe('hostile input', () => {
    it('rejects operators and unknown fields with 400', async () => {
      const user = await registeredUser('hostile');
      for (const body of [
        { title: { $gt: '' }, body: 'b' },
        { title: 't', body: { $ne: null } },
        { title: 't', body: 'b', tags: [{ $gt: '' }] },
        { title: 't', body: 'b', authorId: 'someone-else' },
        { title: 't', body: 'b', $where: '1' },
      ]) {
        expect((await http().post('/api/blog/posts').set(auth(user)).send(body)).status).toBe(400);
      }
      const post = await writePost(user);
      for (const body of [{ title: null }, { $set: { authorId: 'x' } }, { body: { $gt: '' } }]) {
        expect(
          (await http().patch(`/api/blog/posts/${post.id}`).set(auth(user)).send(body)).status,
        ).toBe(400);
      }
      expect(
        (
          await http()
            .post(`/api/blog/posts/${post.id}/comments`)
            .set(auth(user))
            .send({ body: { $gt: '' } })
        ).status,
      ).toBe(400);
      for (const path of [
        '/api/blog/posts?limit[$gt]=1',
        '/api/blog/posts?page=1&page=2',
        `/api/blog/posts/${post.id}/comments?limit[$ne]=1`,
      ]) {
        expect({ path, status: (await http().get(path)).status }).toEqual({ path, status: 400 });
      }
    });

    it.each([
      ['nope', 400, 'VALIDATION.INVALID_ID', 'VALIDATION.INVALID_ID'],
      ['%7B%22%24gt%22%3A%22%22%7D', 400, 'VALIDATION.INVALID_ID', 'VALIDATION.INVALID_ID'],
      ['aaaaaaaaaaaa', 400, 'VALIDATION.INVALID_ID', 'VALIDATION.INVALID_ID'],
      ['f'.repeat(24), 404, 'BLOG.POST_NOT_FOUND', 'BLOG.COMMENT_NOT_FOUND'],
    ])('answers the id %s with %i (%s), never 500', async (id, status, postCode, commentCode) => {
      const user = await registeredUser('ids');
      const post = await writePost(user);
      const read = await http().get(`/api/blog/posts/${id}`);
      expect(read.status).toBe(status);
      expect(read.body.code).toBe(postCode);
      expect(
        (await http().patch(`/api/blog/posts/${id}`).set(auth(user)).send({ title: 't' })).status,
      ).toBe(status);
      expect(
        (await http().post(`/api/blog/posts/${id}/comments`).set(auth(user)).send({ body: 'b' }))
          .status,
      ).toBe(status);
      const comment = await http()
        .delete(`/api/blog/posts/${post.id}/comments/${id}`)
        .set(auth(user));
      expect(comment.status).toBe(status);
      expect(comment.body.code).toBe(commentCode);
    });
  });
});
