import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What webtoon holds about a deleted account, unlinked from the person. */
@Injectable()
export class AnonymisationRepository {
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
}
