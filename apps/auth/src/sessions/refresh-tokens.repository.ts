import { Injectable } from '@nestjs/common';
import { IsNull, LessThan, type EntityManager } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';

/** Every query on `refresh_tokens`; each runs on the manager it is given (docs/adding-a-service.md). */
@Injectable()
export class RefreshTokensRepository {
  async insert(db: EntityManager, token: RefreshToken): Promise<void> {
    await db.insert(RefreshToken, token);
  }

  /** Locks the row, so two refreshes with one token are decided one after the other. */
  findByHashForUpdate(tx: EntityManager, tokenHash: Buffer): Promise<RefreshToken | null> {
    return tx.findOne(RefreshToken, {
      where: { tokenHash },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findByHash(db: EntityManager, tokenHash: Buffer): Promise<RefreshToken | null> {
    return db.findOneBy(RefreshToken, { tokenHash });
  }

  async markUsed(db: EntityManager, id: string, replacedBy: string): Promise<void> {
    await db.update(RefreshToken, { id }, { usedAt: new Date(), replacedBy });
  }

  findById(db: EntityManager, id: string): Promise<RefreshToken | null> {
    return db.findOneBy(RefreshToken, { id });
  }

  async revokeFamily(db: EntityManager, familyId: string): Promise<void> {
    await db.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async deleteExpired(db: EntityManager): Promise<void> {
    await db.delete(RefreshToken, { expiresAt: LessThan(new Date()) });
  }
}
