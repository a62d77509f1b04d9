import { randomUUID } from 'node:crypto';
import { Injectable, type Provider } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { waitFor } from '../src/testing';
import { MongoClient, type Db } from 'mongodb';
import { MongoEventTx, MongoOutbox } from '../src/database/mongo';
import { OnEvent, type EventsModuleOptions } from '../src/events';
import { EventsTestRun, metricValue, stack } from './fixtures/events-harness';

type Registered = EventEnvelope<'auth.user.registered.v1'>;
/** Documents keyed by a string id, as services that use their own ids declare them. */
type Keyed = { _id: string; displayName?: string; posts?: number; n?: number };

/** A blog-like handler: remembers the author and writes a welcome post with its own event. */
@Injectable()
class WelcomeAuthors {
  constructor(private readonly outbox: MongoOutbox) {}

  @OnEvent('auth.user.registered.v1')
  async welcome(event: Registered, tx: MongoEventTx): Promise<void> {
    const { userId, displayName } = event.data;
    await tx.updateOne<Keyed>(
      'authors',
      { _id: userId },
      { $set: { displayName } },
      { upsert: true },
    );
    const postId = tx.derivedId('welcome').toHexString();
    await tx.insertOne('posts', { _id: postId, authorId: userId, title: `Hello ${displayName}` }, [
      this.outbox.event('blog.post.published.v1', {
        postId,
        authorId: userId,
        title: `Hello ${displayName}`,
        publishedAt: event.occurredAt,
      }),
    ]);
  }
}

function registered(userId: string): Registered {
  return {
    id: randomUUID(),
    type: 'auth.user.registered.v1',
    occurredAt: new Date().toISOString(),
    source: 'auth',
    correlationId: `req-${userId}`,
    data: {
      userId,
      email: `${userId}@example.test`,
      displayName: userId,
      roles: ['reader'],
      registeredAt: new Date().toISOString(),
    },
  };
}

describe('event bus on a MongoDB-wire store and Kafka', () => {
  const { brokers, mongoUrl } = stack();
  let client: MongoClient;
  let db: Db;
  let run: EventsTestRun;

  beforeEach(async () => {
    client = await new MongoClient(mongoUrl).connect();
    db = client.db(`events_it_${randomUUID().slice(0, 8)}`);
    run = new EventsTestRun(brokers);
  });

  afterEach(async () => {
    await run.close();
    await db.dropDatabase();
    await client.close();
  });

  /** An instance of blog on this test's database. */
  const instance = (options: Partial<EventsModuleOptions>, providers: Provider[] = []) =>
    run.instance(
      {
        source: 'blog',
        store: { kind: 'mongo', db, collections: ['articles', 'posts'] },
        ...options,
      },
      providers,
    );
  const probe = (...topics: string[]) => run.probe(...topics);

  it('prunes applied-event records after 14 days', async () => {
    const day = 24 * 3600_000;
    const processed = db.collection<{ _id: string; type: string; processedAt: Date }>(
      'processed_events',
    );
    await processed.insertMany([
      {
        _id: 'g/old',
        type: 'auth.user.registered.v1',
        processedAt: new Date(Date.now() - 15 * day),
      },
      {
        _id: 'g/recent',
        type: 'auth.user.registered.v1',
        processedAt: new Date(Date.now() - 13 * day),
      },
    ]);
    // A relay prunes on its first pass, then every 10 minutes.
    await instance({});
    await waitFor(async () =>
      (await processed.countDocuments({ _id: 'g/old' })) === 0 ? true : undefined,
    );
    expect(await processed.find({}, { projection: { _id: 1 } }).toArray()).toEqual([
      { _id: 'g/recent' },
    ]);
  });

  it('publishes events written into a document, in order, and removes them from it', async () => {
    const app = await instance({ source: 'news' });
    const articles = await probe('news.articles');
    const outbox = app.get(MongoOutbox);
    const published = (title: string) =>
      outbox.event('news.article.published.v1', {
        articleId: 'a1',
        title,
        category: 'webtoon',
        authorId: 'editor-1',
        publishedAt: new Date().toISOString(),
      });

    const first = published('first');
    await outbox.insertOne('articles', { _id: 'a1', title: 'first' }, [first]);
    const second = published('second');
    const third = published('third');
    await outbox.updateOne<Keyed>('articles', { _id: 'a1' }, { $set: { title: 'third' } }, [
      second,
      third,
    ]);

    await articles.waitForEvent(third.envelope.id);
    expect(articles.messages.map((m) => m.json.id)).toEqual(
      [first, second, third].map((e) => e.envelope.id),
    );
    expect(articles.messages.map((m) => m.key)).toEqual(['a1', 'a1', 'a1']);
    const doc = await waitFor(async () => {
      const found = await db.collection('articles').findOne({ _id: 'a1' as never });
      return found?._outbox.length === 0 ? found : undefined;
    });
    expect(doc).toEqual({ _id: 'a1', title: 'third', _outbox: [] });
    expect(
      await metricValue(app, 'events_published_total', { type: 'news.article.published.v1' }),
    ).toBe(3);
  });

  it('applies an event delivered twice once, and what its handler publishes names it as the cause', async () => {
    const app = await instance({ consumerGroup: 'blog' }, [WelcomeAuthors]);
    const posts = await probe('blog.posts');
    const producer = await run.producer();
    const event = registered('u-1');
    const message = { key: 'u-1', value: JSON.stringify(event) };

    await producer.send({ topic: run.topic('auth.users'), messages: [message, message] });

    const labels = { type: event.type, group: run.topic('blog') };
    await waitFor(async () =>
      (await metricValue(app, 'events_consumed_total', { ...labels, outcome: 'duplicate' })) === 1
        ? true
        : undefined,
    );
    const welcome = await waitFor(async () => posts.messages[0]);
    expect(welcome.json).toMatchObject({
      type: 'blog.post.published.v1',
      source: 'blog',
      causationId: event.id,
      correlationId: event.correlationId,
      data: { authorId: 'u-1', title: 'Hello u-1' },
    });
    expect(await db.collection('authors').find().toArray()).toEqual([
      { _id: 'u-1', displayName: 'u-1', _appliedEvents: [event.id] },
    ]);
    expect(await db.collection('posts').countDocuments()).toBe(1);
    expect(await metricValue(app, 'events_consumed_total', { ...labels, outcome: 'handled' })).toBe(
      1,
    );
  });

  it('records the event id inside each document it changes, so a repeated write changes nothing', async () => {
    const event = registered('u-2');
    const woken: string[] = [];
    const tx = () => new MongoEventTx(db, event, () => woken.push('relay'));
    await db.collection<Keyed>('authors').insertOne({ _id: 'ann', displayName: 'Ann', posts: 0 });
    await db.collection('posts').insertMany([
      { _id: 'p1' as never, authorId: 'u-2', authorName: 'Ann' },
      { _id: 'p2' as never, authorId: 'u-2', authorName: 'Ann' },
    ]);
    const anonymise = { $set: { authorName: 'deleted user' } };
    const countPost = { $inc: { posts: 1 } };

    // A document the event creates: its id derives from the event, so a second insert collides.
    expect(await tx().insertOne('authors', { displayName: 'Bob' })).toBe('applied');
    expect(await tx().insertOne('authors', { displayName: 'Bob' })).toBe('duplicate');
    expect(await tx().updateOne<Keyed>('authors', { _id: 'ann' }, countPost)).toBe('applied');
    expect(await tx().updateOne<Keyed>('authors', { _id: 'ann' }, countPost)).toBe('duplicate');
    expect(await tx().updateOne<Keyed>('authors', { _id: 'nobody' }, countPost)).toBe('not-found');
    const upsert = { upsert: true };
    expect(
      await tx().updateOne<Keyed>('stats', { _id: 'totals' }, { $inc: { n: 1 } }, upsert),
    ).toBe('applied');
    expect(
      await tx().updateOne<Keyed>('stats', { _id: 'totals' }, { $inc: { n: 1 } }, upsert),
    ).toBe('duplicate');
    expect(await tx().updateMany('posts', { authorId: 'u-2' }, anonymise)).toBe(2);
    expect(await tx().updateMany('posts', { authorId: 'u-2' }, anonymise)).toBe(0);

    expect(await db.collection('authors').findOne({ _id: tx().derivedId() })).toMatchObject({
      displayName: 'Bob',
    });
    expect(await db.collection<Keyed>('authors').findOne({ _id: 'ann' })).toMatchObject({
      posts: 1,
    });
    expect(await db.collection<Keyed>('stats').findOne({ _id: 'totals' })).toMatchObject({ n: 1 });
    expect(woken).toEqual([]);
  });
});
