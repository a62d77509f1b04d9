import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every purchase gets a deadline; one still pending past it ends `expired` (the sweeper), so a
 * purchase always ends and the buyer can try again. Existing rows get 60 s from their creation.
 */
export class PurchaseDeadlines1764000000002 implements MigrationInterface {
  name = 'PurchaseDeadlines1764000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE purchases ADD COLUMN deadline_at timestamptz`);
    await runner.query(`UPDATE purchases SET deadline_at = created_at + interval '60 seconds'`);
    await runner.query(`ALTER TABLE purchases ALTER COLUMN deadline_at SET NOT NULL`);
    await runner.query(`ALTER TABLE purchases DROP CONSTRAINT purchases_status_known`);
    await runner.query(`
      ALTER TABLE purchases ADD CONSTRAINT purchases_status_known
        CHECK (status IN ('pending', 'completed', 'declined', 'expired'))`);
    // What the sweeper scans: only pending rows, in deadline order.
    await runner.query(
      `CREATE INDEX purchases_pending_deadline ON purchases (deadline_at) WHERE status = 'pending'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX purchases_pending_deadline`);
    await runner.query(`UPDATE purchases SET status = 'declined' WHERE status = 'expired'`);
    await runner.query(`ALTER TABLE purchases DROP CONSTRAINT purchases_status_known`);
    await runner.query(`
      ALTER TABLE purchases ADD CONSTRAINT purchases_status_known
        CHECK (status IN ('pending', 'completed', 'declined'))`);
    await runner.query(`ALTER TABLE purchases DROP COLUMN deadline_at`);
  }
}
