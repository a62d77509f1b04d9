import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compensation of the purchase saga: a debit for a purchase that expired before it completed
 * is given back by its own ledger transaction (`purchase_refund`, unique per purchase id, so
 * at most one refund per debit). A settlement records the refund (`refunded`), or, when the
 * expiry arrived before any request was settled, that no debit may happen any more (`cancelled`).
 * A request for a user without a wallet yet is kept `waiting` until `wait_until`: the signup
 * event settles it, or it is declined then.
 */
export class PurchaseRefunds1764000000003 implements MigrationInterface {
  name = 'PurchaseRefunds1764000000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_known`,
    );
    await runner.query(`
      ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_known
        CHECK (kind IN ('signup_bonus', 'top_up', 'purchase', 'purchase_refund'))`);
    await runner.query(`
      ALTER TABLE purchase_settlements
        ADD COLUMN refund_transaction_id uuid REFERENCES ledger_transactions (id),
        ADD COLUMN refunded_at timestamptz,
        ADD COLUMN wait_until timestamptz`);
    await runner.query(`
      CREATE INDEX purchase_settlements_waiting ON purchase_settlements (user_id)
        WHERE status = 'waiting'`);
    await runner.query(
      `ALTER TABLE purchase_settlements DROP CONSTRAINT purchase_settlements_status_known`,
    );
    await runner.query(`
      ALTER TABLE purchase_settlements ADD CONSTRAINT purchase_settlements_status_known
        CHECK (status IN ('succeeded', 'declined', 'refunded', 'cancelled', 'waiting'))`);
    await runner.query(
      `ALTER TABLE purchase_settlements DROP CONSTRAINT purchase_settlements_success_booked`,
    );
    await runner.query(`
      ALTER TABLE purchase_settlements ADD CONSTRAINT purchase_settlements_success_booked
        CHECK ((status IN ('succeeded', 'refunded')) = (transaction_id IS NOT NULL))`);
    await runner.query(`
      ALTER TABLE purchase_settlements ADD CONSTRAINT purchase_settlements_refund_booked
        CHECK ((status = 'refunded') = (refund_transaction_id IS NOT NULL))`);
    await runner.query(`
      ALTER TABLE purchase_settlements ADD CONSTRAINT purchase_settlements_waiting_until
        CHECK ((status = 'waiting') = (wait_until IS NOT NULL))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE purchase_settlements DROP CONSTRAINT purchase_settlements_waiting_until`,
    );
    await runner.query(`DROP INDEX purchase_settlements_waiting`);
    await runner.query(
      `ALTER TABLE purchase_settlements DROP CONSTRAINT purchase_settlements_refund_booked`,
    );
    await runner.query(
      `ALTER TABLE purchase_settlements DROP CONSTRAINT purchase_settlements_success_booked`,
    );
    await runner.query(`
      ALTER TABLE purchase_settlements ADD CONSTRAINT purchase_settlements_success_booked
        CHECK ((status = 'succeeded') = (transaction_id IS NOT NULL))`);
    await runner.query(
      `ALTER TABLE purchase_settlements DROP CONSTRAINT purchase_settlements_status_known`,
    );
    await runner.query(`
      ALTER TABLE purchase_settlements ADD CONSTRAINT purchase_settlements_status_known
        CHECK (status IN ('succeeded', 'declined'))`);
    await runner.query(
      `ALTER TABLE purchase_settlements
         DROP COLUMN refund_transaction_id, DROP COLUMN refunded_at, DROP COLUMN wait_until`,
    );
    await runner.query(
      `ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_known`,
    );
    await runner.query(`
      ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_known
        CHECK (kind IN ('signup_bonus', 'top_up', 'purchase'))`);
  }
}
