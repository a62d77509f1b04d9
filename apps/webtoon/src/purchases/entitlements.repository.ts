import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

@Injectable()
export class EntitlementsRepository {
  async owns(db: EntityManager, userId: string, episodeId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `SELECT 1 FROM entitlements WHERE user_id = $1 AND episode_id = $2`,
      [userId, episodeId],
    );
    return rows.length > 0;
  }

  /** Grants once: the primary key (user, episode) makes a second grant a no-op. */
  async grant(
    db: EntityManager,
    userId: string,
    episodeId: string,
    purchaseId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `INSERT INTO entitlements (user_id, episode_id, purchase_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING purchase_id`,
      [userId, episodeId, purchaseId],
    );
    return rows.length > 0;
  }
}
