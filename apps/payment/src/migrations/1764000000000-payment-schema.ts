import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wallets and a double-entry ledger. The database, not only the code, keeps the money right:
 * - a wallet's balance changes only through ledger entries (a trigger applies each wallet
 *   entry to its wallet and records the balance after it);
 * - `balance >= 0` is a CHECK, so an overdraft fails whatever code path attempts it;
 * - every ledger transaction sums to zero, checked at commit (deferred constraint trigger);
 * - one settlement per purchase id, one top-up per (user, Idempotency-Key).
 */
export class PaymentSchema1764000000000 implements MigrationInterface {
  name = 'PaymentSchema1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE wallets (
        id         uuid        PRIMARY KEY,
        user_id    uuid        NOT NULL,
        balance    bigint      NOT NULL DEFAULT 0,
        status     text        NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        closed_at  timestamptz,
        CONSTRAINT wallets_user_id_key UNIQUE (user_id),
        CONSTRAINT wallets_balance_not_negative CHECK (balance >= 0),
        CONSTRAINT wallets_status_known CHECK (status IN ('open', 'closed'))
      )`);
    await runner.query(`
      CREATE TABLE ledger_transactions (
        id         uuid        PRIMARY KEY,
        kind       text        NOT NULL,
        reference  text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_transactions_kind_known
          CHECK (kind IN ('signup_bonus', 'top_up', 'purchase')),
        -- A purchase, top-up or signup is booked once, whatever retries or redeliveries happen.
        CONSTRAINT ledger_transactions_kind_reference_key UNIQUE (kind, reference)
      )`);
    // account: 'wallet' (then wallet_id is set) or a system account on the other side.
    await runner.query(`
      CREATE TABLE ledger_entries (
        id             bigserial   PRIMARY KEY,
        transaction_id uuid        NOT NULL REFERENCES ledger_transactions (id),
        account        text        NOT NULL,
        wallet_id      uuid        REFERENCES wallets (id),
        amount         bigint      NOT NULL,
        balance_after  bigint,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_entries_amount_not_zero CHECK (amount <> 0),
        CONSTRAINT ledger_entries_account_known CHECK (
          account IN ('wallet', 'system:signup_bonus', 'system:card_provider', 'system:episode_sales')
        ),
        CONSTRAINT ledger_entries_wallet_iff_wallet_account
          CHECK ((account = 'wallet') = (wallet_id IS NOT NULL))
      )`);
    await runner.query(
      `CREATE INDEX ledger_entries_wallet ON ledger_entries (wallet_id, id DESC) WHERE wallet_id IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id)`,
    );
    await runner.query(`
      CREATE FUNCTION ledger_apply_wallet_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.wallet_id IS NOT NULL THEN
          UPDATE wallets SET balance = balance + NEW.amount, updated_at = now()
            WHERE id = NEW.wallet_id
            RETURNING balance INTO NEW.balance_after;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'wallet % does not exist', NEW.wallet_id;
          END IF;
        ELSE
          NEW.balance_after := NULL;
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(`
      CREATE TRIGGER ledger_entries_apply BEFORE INSERT ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION ledger_apply_wallet_entry()`);
    await runner.query(`
      CREATE FUNCTION ledger_refuse_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger entries are append-only';
      END $$`);
    await runner.query(`
      CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_changes()`);
    await runner.query(`
      CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT sum(amount) FROM ledger_entries WHERE transaction_id = NEW.transaction_id) <> 0 THEN
          RAISE EXCEPTION 'ledger transaction % does not balance', NEW.transaction_id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced()`);

    await runner.query(`
      CREATE TABLE top_ups (
        id              uuid        PRIMARY KEY,
        user_id         uuid        NOT NULL,
        idempotency_key text        NOT NULL,
        request_hash    text        NOT NULL,
        amount          bigint      NOT NULL,
        card_last4      text,
        status          text        NOT NULL,
        transaction_id  uuid        REFERENCES ledger_transactions (id),
        balance_after   bigint,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT top_ups_amount_positive CHECK (amount > 0),
        CONSTRAINT top_ups_status_known CHECK (status IN ('succeeded', 'declined')),
        CONSTRAINT top_ups_user_key UNIQUE (user_id, idempotency_key)
      )`);

    await runner.query(`
      CREATE TABLE purchase_settlements (
        purchase_id    uuid        PRIMARY KEY,
        user_id        uuid        NOT NULL,
        amount         bigint      NOT NULL,
        status         text        NOT NULL,
        reason         text,
        transaction_id uuid        REFERENCES ledger_transactions (id),
        balance_after  bigint,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT purchase_settlements_amount_positive CHECK (amount > 0),
        CONSTRAINT purchase_settlements_status_known CHECK (status IN ('succeeded', 'declined')),
        CONSTRAINT purchase_settlements_success_booked
          CHECK ((status = 'succeeded') = (transaction_id IS NOT NULL))
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE purchase_settlements`);
    await runner.query(`DROP TABLE top_ups`);
    await runner.query(`DROP TABLE ledger_entries`);
    await runner.query(`DROP FUNCTION ledger_check_balanced()`);
    await runner.query(`DROP FUNCTION ledger_refuse_changes()`);
    await runner.query(`DROP FUNCTION ledger_apply_wallet_entry()`);
    await runner.query(`DROP TABLE ledger_transactions`);
    await runner.query(`DROP TABLE wallets`);
  }
}
