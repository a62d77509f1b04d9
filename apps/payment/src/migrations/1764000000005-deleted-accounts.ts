import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts auth deleted (from `auth.user.deleted.v1`): their tokens may change nothing here. */
export class DeletedAccounts1764000000005 implements MigrationInterface {
  name = 'DeletedAccounts1764000000005';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE deleted_accounts (
        user_id    uuid        PRIMARY KEY,
        deleted_at timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE deleted_accounts`);
  }
}
