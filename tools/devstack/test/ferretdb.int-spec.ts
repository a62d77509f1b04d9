import { randomUUID } from 'node:crypto';
import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { stackEnv } from './stack-env';

interface Article {
  slug: string;
  title: string;
  category: string;
  views: number;
  tags: string[];
  publishedAt: Date;
}

describe('dev stack: MongoDB wire protocol (FerretDB) with the official driver', () => {
  const env = stackEnv();
  const client = new MongoClient(env.NEWS_MONGODB_URL);
  let articles: Collection<Article>;

  beforeAll(async () => {
    await client.connect();
    // the database comes from the URL, as in the apps
    articles = client.db().collection<Article>(`articles_${randomUUID().slice(0, 8)}`);
  });

  afterAll(async () => {
    await articles.drop().catch(() => undefined);
    await client.close();
  });

  it('uses database news from NEWS_MONGODB_URL, as user news', async () => {
    expect(client.db().databaseName).toBe('news');
    const status = await client.db().command({ connectionStatus: 1 });
    expect(status.authInfo.authenticatedUsers).toEqual([{ user: 'news', db: 'news' }]);
  });

  it('refuses clients without valid credentials', async () => {
    const url = new URL(env.NEWS_MONGODB_URL);
    url.username = '';
    url.password = '';
    const anonymous = new MongoClient(url.toString());
    try {
      await expect(anonymous.db().collection('any').findOne()).rejects.toMatchObject({ code: 13 });
    } finally {
      await anonymous.close();
    }
    const wrong = new URL(env.BLOG_MONGODB_URL);
    wrong.password = 'wrong';
    const impostor = new MongoClient(wrong.toString(), { serverSelectionTimeoutMS: 3000 });
    try {
      await expect(impostor.db().command({ ping: 1 })).rejects.toMatchObject({ code: 18 });
    } finally {
      await impostor.close();
    }
  });

  it('lets blog use database blog with its own credentials', async () => {
    const blog = new MongoClient(env.BLOG_MONGODB_URL);
    try {
      const posts = blog.db().collection(`posts_${randomUUID().slice(0, 8)}`);
      await posts.insertOne({ title: 'hello' });
      expect(blog.db().databaseName).toBe('blog');
      expect(await posts.findOne({}, { projection: { _id: 0 } })).toEqual({ title: 'hello' });
      await posts.drop();
    } finally {
      await blog.close();
    }
  });

  it('inserts, finds, updates and indexes documents', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const inserted = await articles.insertMany([
      { slug: 'one', title: 'One', category: 'webtoon', views: 0, tags: ['new'], publishedAt: at },
      { slug: 'two', title: 'Two', category: 'webtoon', views: 5, tags: [], publishedAt: at },
      { slug: 'three', title: 'Three', category: 'site', views: 1, tags: [], publishedAt: at },
    ]);
    expect(inserted.insertedCount).toBe(3);

    const webtoon = await articles
      .find({ category: 'webtoon' }, { projection: { _id: 0, slug: 1, views: 1 } })
      .sort({ views: -1 })
      .toArray();
    expect(webtoon).toEqual([
      { slug: 'two', views: 5 },
      { slug: 'one', views: 0 },
    ]);

    const updated = await articles.updateOne(
      { slug: 'one' },
      { $inc: { views: 2 }, $set: { title: 'One!' }, $push: { tags: 'hot' } },
    );
    expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const one = await articles.findOne({ slug: 'one' });
    expect(one).toMatchObject({ title: 'One!', views: 2, tags: ['new', 'hot'], publishedAt: at });

    const after = await articles.findOneAndUpdate(
      { slug: 'three' },
      { $set: { category: 'webtoon' } },
      { returnDocument: 'after' },
    );
    expect(after?.category).toBe('webtoon');

    const name = await articles.createIndex({ slug: 1 }, { unique: true, name: 'slug_unique' });
    expect(name).toBe('slug_unique');
    await articles.createIndex({ category: 1, publishedAt: -1 });
    const indexes = (await articles.listIndexes().toArray()).map((i) => i.name);
    expect(indexes).toEqual(
      expect.arrayContaining(['_id_', 'slug_unique', 'category_1_publishedAt_-1']),
    );

    await expect(
      articles.insertOne({
        slug: 'one',
        title: 'dup',
        category: 'x',
        views: 0,
        tags: [],
        publishedAt: at,
      }),
    ).rejects.toMatchObject({ code: 11000 });

    const grouped = await articles
      .aggregate<{ _id: string; total: number }>([
        { $match: { category: 'webtoon' } },
        { $group: { _id: '$category', total: { $sum: '$views' } } },
      ])
      .toArray();
    expect(grouped).toEqual([{ _id: 'webtoon', total: 8 }]);

    const deleted = await articles.deleteMany({ views: { $lt: 2 } });
    expect(deleted.deletedCount).toBe(1);
    expect(await articles.countDocuments()).toBe(2);
  });

  it('rejects multi-document transactions (a FerretDB 1.x limit the services must respect)', async () => {
    const session = client.startSession();
    try {
      await expect(
        session.withTransaction(async () => {
          await articles.insertOne(
            { slug: 'tx', title: 'tx', category: 'x', views: 0, tags: [], publishedAt: new Date() },
            { session },
          );
        }),
      ).rejects.toBeInstanceOf(MongoServerError);
    } finally {
      await session.endSession();
    }
  });
});
