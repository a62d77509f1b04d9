import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refresh tokens get an absolute lifetime per login (`session_expires_at`, copied to every token
 * rotated from it, so rotation can never extend a session past it) and a link to the token
 * that replaced them (`replaced_by`), which the grace window for a retried rotation needs.
 * Existing tokens: their session ends when they expire.
 */
export class RefreshSessions1764100000000 implements MigrationInterface {
  name = 'RefreshSessions1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE refresh_tokens ADD COLUMN session_expires_at timestamptz, ADD COLUMN replaced_by uuid`,
    );
    await runner.query(`UPDATE refresh_tokens SET session_expires_at = expires_at`);
    await runner.query(`ALTER TABLE refresh_tokens ALTER COLUMN session_expires_at SET NOT NULL`);
    await runner.query(`
      ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_within_session
        CHECK (expires_at <= session_expires_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_within_session`);
    await runner.query(
      `ALTER TABLE refresh_tokens DROP COLUMN session_expires_at, DROP COLUMN replaced_by`,
    );
  }
}
