import { Injectable } from '@nestjs/common';
import { DeletedAccounts } from '@lib/platform';
import { DataSource, type EntityManager } from 'typeorm';

/** The deleted_accounts table, which the platform's guard asks before a state-changing request. */
@Injectable()
export class DeletedAccountsRepository extends DeletedAccounts {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async record(tx: EntityManager, userId: string, deletedAt: Date): Promise<void> {
    await tx.query(
      `INSERT INTO deleted_accounts (user_id, deleted_at) VALUES ($1, $2)
       ON CONFLICT (user_id) DO NOTHING`,
      [userId, deletedAt],
    );
  }

  async isDeleted(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM deleted_accounts WHERE user_id = $1`,
      [userId],
    );
    return rows.length > 0;
  }
}
