import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DeletedAccounts } from '@lib/platform';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Deleted accounts in webtoon: the record the platform's guard asks before a state-changing
 * request, and the anonymisation of what webtoon holds about the person.
 */
@Injectable()
export class DeletedAccountsRepository extends DeletedAccounts {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** Records the deletion; false when it was recorded before (nothing else to do then). */
  async record(tx: EntityManager, userId: string, deletedAt: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO deleted_accounts (user_id, deleted_at) VALUES ($1, $2)
       ON CONFLICT (user_id) DO NOTHING RETURNING user_id`,
      [userId, deletedAt],
    );
    return rows.length > 0;
  }

  /**
   * Unlinks the person from their purchases, entitlements and series: one fresh random id
   * replaces theirs everywhere, so sales and authorship still add up but lead to nobody (the
   * old id is in auth's events and other services' records).
   */
  async anonymise(tx: EntityManager, userId: string): Promise<void> {
    const anonymous = randomUUID();
    await tx.query(`UPDATE purchases SET user_id = $2 WHERE user_id = $1`, [userId, anonymous]);
    await tx.query(`UPDATE entitlements SET user_id = $2 WHERE user_id = $1`, [userId, anonymous]);
    await tx.query(`UPDATE series SET author_id = $2 WHERE author_id = $1`, [userId, anonymous]);
  }

  async isDeleted(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM deleted_accounts WHERE user_id = $1`,
      [userId],
    );
    return rows.length > 0;
  }
}
