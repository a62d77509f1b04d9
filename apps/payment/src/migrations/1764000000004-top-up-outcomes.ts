import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Top-ups become a small state machine, so the card provider is called outside any database
 * transaction: `pending` (claimed; the provider is asked with the top-up id as its
 * idempotency key) → `succeeded` (credited, booked) or `failed` (refused; nothing credited).
 * Earlier `declined` rows are `failed` with reason CARD_DECLINED.
 *
 * The request hash of earlier rows was an unsalted SHA-256 over the card number; those values
 * are replaced by a marker no HMAC can equal (a retry of such an old key answers 422).
 */
export class TopUpOutcomes1764000000004 implements MigrationInterface {
  name = 'TopUpOutcomes1764000000004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE top_ups DROP CONSTRAINT top_ups_status_known`);
    await runner.query(
      `ALTER TABLE top_ups ADD COLUMN failure_reason text, ADD COLUMN resolved_at timestamptz`,
    );
    await runner.query(
      `UPDATE top_ups SET status = 'failed', failure_reason = 'CARD_DECLINED', resolved_at = created_at
       WHERE status = 'declined'`,
    );
    await runner.query(`UPDATE top_ups SET resolved_at = created_at WHERE status = 'succeeded'`);
    await runner.query(`UPDATE top_ups SET request_hash = 'purged-unsalted-sha256'`);
    await runner.query(`
      ALTER TABLE top_ups ADD CONSTRAINT top_ups_status_known
        CHECK (status IN ('pending', 'succeeded', 'failed'))`);
    await runner.query(`
      ALTER TABLE top_ups ADD CONSTRAINT top_ups_success_booked
        CHECK ((status = 'succeeded') = (transaction_id IS NOT NULL))`);
    await runner.query(`
      ALTER TABLE top_ups ADD CONSTRAINT top_ups_failure_explained
        CHECK ((status = 'failed') = (failure_reason IS NOT NULL))`);
    await runner.query(
      `CREATE INDEX top_ups_pending ON top_ups (created_at) WHERE status = 'pending'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX top_ups_pending`);
    await runner.query(`ALTER TABLE top_ups DROP CONSTRAINT top_ups_failure_explained`);
    await runner.query(`ALTER TABLE top_ups DROP CONSTRAINT top_ups_success_booked`);
    await runner.query(`ALTER TABLE top_ups DROP CONSTRAINT top_ups_status_known`);
    // A pending top-up has no place in the old schema: its outcome is unknown, so it is dropped.
    await runner.query(`DELETE FROM top_ups WHERE status = 'pending'`);
    await runner.query(`UPDATE top_ups SET status = 'declined' WHERE status = 'failed'`);
    await runner.query(`ALTER TABLE top_ups DROP COLUMN failure_reason, DROP COLUMN resolved_at`);
    await runner.query(`
      ALTER TABLE top_ups ADD CONSTRAINT top_ups_status_known
        CHECK (status IN ('succeeded', 'declined'))`);
  }
}
