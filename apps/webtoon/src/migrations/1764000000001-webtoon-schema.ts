import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Series, episodes, views, purchases and entitlements, with the constraints that keep them right. */
export class WebtoonSchema1764000000001 implements MigrationInterface {
  name = 'WebtoonSchema1764000000001';

  async up(runner: QueryRunner): Promise<void> {
    // Trigram indexes make `title ILIKE '%q%'` an index scan rather than a full scan.
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await runner.query(`
      CREATE TABLE series (
        id            uuid        PRIMARY KEY,
        author_id     uuid        NOT NULL,
        title         text        NOT NULL,
        genres        text[]      NOT NULL,
        synopsis      text        NOT NULL DEFAULT '',
        status        text        NOT NULL DEFAULT 'ongoing',
        thumbnail_url text,
        view_count    bigint      NOT NULL DEFAULT 0,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT series_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
        CONSTRAINT series_genres_count CHECK (cardinality(genres) BETWEEN 1 AND 5),
        CONSTRAINT series_status_known CHECK (status IN ('ongoing', 'completed', 'hiatus')),
        CONSTRAINT series_view_count_not_negative CHECK (view_count >= 0)
      )`);
    await runner.query(`CREATE INDEX series_created ON series (created_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX series_genres ON series USING gin (genres)`);
    await runner.query(`CREATE INDEX series_title_trgm ON series USING gin (title gin_trgm_ops)`);
    await runner.query(`CREATE INDEX series_author ON series (author_id)`);

    await runner.query(`
      CREATE TABLE episodes (
        id           uuid        PRIMARY KEY,
        series_id    uuid        NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        no           integer     NOT NULL,
        title        text        NOT NULL,
        image_urls   text[]      NOT NULL,
        price_coins  integer     NOT NULL DEFAULT 0,
        view_count   bigint      NOT NULL DEFAULT 0,
        published_at timestamptz NOT NULL DEFAULT now(),
        created_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT episodes_series_no_key UNIQUE (series_id, no),
        CONSTRAINT episodes_no_positive CHECK (no > 0),
        CONSTRAINT episodes_price_not_negative CHECK (price_coins >= 0),
        CONSTRAINT episodes_view_count_not_negative CHECK (view_count >= 0)
      )`);

    // Daily views per series: the ranking of a day is one index range scan.
    await runner.query(`
      CREATE TABLE series_daily_views (
        day       date   NOT NULL,
        series_id uuid   NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        views     bigint NOT NULL,
        PRIMARY KEY (day, series_id),
        CONSTRAINT series_daily_views_positive CHECK (views > 0)
      )`);
    await runner.query(
      `CREATE INDEX series_daily_views_rank ON series_daily_views (day, views DESC)`,
    );

    await runner.query(`
      CREATE TABLE purchases (
        id              uuid        PRIMARY KEY,
        user_id         uuid        NOT NULL,
        episode_id      uuid        NOT NULL REFERENCES episodes (id),
        series_id       uuid        NOT NULL,
        episode_no      integer     NOT NULL,
        price_coins     integer     NOT NULL,
        status          text        NOT NULL DEFAULT 'pending',
        decline_reason  text,
        idempotency_key text        NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        settled_at      timestamptz,
        CONSTRAINT purchases_price_positive CHECK (price_coins > 0),
        CONSTRAINT purchases_status_known CHECK (status IN ('pending', 'completed', 'declined')),
        CONSTRAINT purchases_user_key UNIQUE (user_id, idempotency_key)
      )`);
    // At most one live purchase of an episode per user: a second concurrent buy is refused.
    await runner.query(`
      CREATE UNIQUE INDEX purchases_one_live_per_episode ON purchases (user_id, episode_id)
        WHERE status IN ('pending', 'completed')`);

    await runner.query(`
      CREATE TABLE entitlements (
        user_id     uuid        NOT NULL,
        episode_id  uuid        NOT NULL REFERENCES episodes (id),
        purchase_id uuid        NOT NULL REFERENCES purchases (id),
        granted_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, episode_id),
        CONSTRAINT entitlements_purchase_key UNIQUE (purchase_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE entitlements`);
    await runner.query(`DROP TABLE purchases`);
    await runner.query(`DROP TABLE series_daily_views`);
    await runner.query(`DROP TABLE episodes`);
    await runner.query(`DROP TABLE series`);
  }
}
