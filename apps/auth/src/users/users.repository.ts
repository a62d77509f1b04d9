import { Injectable } from '@nestjs/common';
import type { Role } from '@lib/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { User } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction, e.g. a user change together with its outbox event. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Inserts the user unless the email is taken. ON CONFLICT waits for a concurrent insert of
   * the same email to commit and then does nothing, so exactly one of them returns true,
   * without an error that would abort the caller's transaction.
   */
  async insertIfEmailFree(tx: EntityManager, user: User): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(User)
      .values(user)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  findById(id: string): Promise<User | null> {
    return this.dataSource.manager.findOneBy(User, { id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.dataSource.manager.findOneBy(User, { email });
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.dataSource.manager.update(User, { id }, { passwordHash, updatedAt: new Date() });
  }

  async updateRoles(id: string, roles: Role[]): Promise<User | null> {
    const result = await this.dataSource.manager.update(
      User,
      { id },
      { roles, updatedAt: new Date() },
    );
    return result.affected ? this.findById(id) : null;
  }

  /** Deletes the user; their refresh tokens go with them (ON DELETE CASCADE). */
  async delete(tx: EntityManager, id: string): Promise<boolean> {
    const result = await tx.delete(User, { id });
    return (result.affected ?? 0) > 0;
  }
}
