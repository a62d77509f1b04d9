import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, LessThan, type EntityManager } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';

@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(token: RefreshToken, tx: EntityManager = this.dataSource.manager): Promise<void> {
    await tx.insert(RefreshToken, token);
  }

  /** Locks the row, so two refreshes with one token are decided one after the other. */
  findByHashForUpdate(tx: EntityManager, tokenHash: Buffer): Promise<RefreshToken | null> {
    return tx.findOne(RefreshToken, {
      where: { tokenHash },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findByHash(tokenHash: Buffer): Promise<RefreshToken | null> {
    return this.dataSource.manager.findOneBy(RefreshToken, { tokenHash });
  }

  async markUsed(tx: EntityManager, id: string, replacedBy: string): Promise<void> {
    await tx.update(RefreshToken, { id }, { usedAt: new Date(), replacedBy });
  }

  findById(tx: EntityManager, id: string): Promise<RefreshToken | null> {
    return tx.findOneBy(RefreshToken, { id });
  }

  async revokeFamily(familyId: string, tx: EntityManager = this.dataSource.manager): Promise<void> {
    await tx.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async deleteExpired(): Promise<void> {
    await this.dataSource.manager.delete(RefreshToken, { expiresAt: LessThan(new Date()) });
  }
}
