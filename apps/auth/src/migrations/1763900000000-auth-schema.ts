import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuthSchema1763900000000 implements MigrationInterface {
  name = 'AuthSchema1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE users (
        id            uuid        PRIMARY KEY,
        email         text        NOT NULL,
        display_name  text        NOT NULL,
        password_hash text        NOT NULL,
        roles         text[]      NOT NULL DEFAULT '{reader}',
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        -- The constraint, not a prior SELECT, is what makes concurrent signups with one email
        -- end with exactly one user.
        CONSTRAINT users_email_key UNIQUE (email),
        CONSTRAINT users_email_normalised CHECK (email = lower(btrim(email))),
        CONSTRAINT users_roles_known CHECK (
          cardinality(roles) > 0 AND roles <@ ARRAY['reader', 'author', 'editor', 'admin']::text[]
        )
      )`);
    await runner.query(`
      CREATE TABLE refresh_tokens (
        id          uuid        PRIMARY KEY,
        user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id   uuid        NOT NULL,
        token_hash  bytea       NOT NULL,
        expires_at  timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        used_at     timestamptz,
        revoked_at  timestamptz,
        CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
      )`);
    await runner.query(`CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`);
    await runner.query(`CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id)`);
    await runner.query(`CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at)`);
    // Shared by every instance, so the limits hold however many instances serve logins.
    await runner.query(`
      CREATE TABLE login_throttle (
        key               text        PRIMARY KEY,
        attempts          integer     NOT NULL,
        window_started_at timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE login_throttle`);
    await runner.query(`DROP TABLE refresh_tokens`);
    await runner.query(`DROP TABLE users`);
  }
}
