import { Injectable, Module } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { DeletedAccounts, deletionTime } from '../auth/deleted-accounts';

/**
 * The migration that creates a PostgreSQL app's `deleted_accounts` table. Each app lists it
 * under its own timestamp, the name its databases already recorded it under.
 */
export function deletedAccountsMigration(timestamp: number): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = `DeletedAccounts${timestamp}`;

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
  };
}

/**
 * A PostgreSQL app's record of the accounts auth deleted (`auth.user.deleted.v1`), which the
 * platform's guard asks before a state-changing request (docs/security.md).
 */
@Injectable()
export class PostgresDeletedAccounts extends DeletedAccounts {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** Records the deletion in the event's transaction; false when it was recorded before. */
  async record(tx: EntityManager, event: EventEnvelope<'auth.user.deleted.v1'>): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO deleted_accounts (user_id, deleted_at) VALUES ($1, $2)
       ON CONFLICT (user_id) DO NOTHING RETURNING user_id`,
      [event.data.userId, deletionTime(event)],
    );
    return rows.length > 0;
  }

  async isDeleted(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM deleted_accounts WHERE user_id = $1`,
      [userId],
    );
    return rows.length > 0;
  }
}

/** Provides `PostgresDeletedAccounts`, also as the `DeletedAccounts` the platform's guard asks. */
@Module({
  providers: [
    PostgresDeletedAccounts,
    { provide: DeletedAccounts, useExisting: PostgresDeletedAccounts },
  ],
  exports: [PostgresDeletedAccounts],
})
export class PostgresDeletedAccountsModule {}
