import { Injectable } from '@nestjs/common';
import type { Role } from '@lib/contracts';
import type { EntityManager } from 'typeorm';
import { User } from './user.entity';

/** Every query on `users`; each runs on the manager it is given (docs/adding-a-service.md). */
@Injectable()
export class UsersRepository {
  /**
   * Inserts the user unless the email is taken. ON CONFLICT waits for a concurrent insert of
   * the same email to commit and then does nothing, so exactly one of them returns true,
   * without an error that would abort the caller's transaction.
   */
  async insertIfEmailFree(db: EntityManager, user: User): Promise<boolean> {
    const result = await db
      .createQueryBuilder()
      .insert()
      .into(User)
      .values(user)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  findById(db: EntityManager, id: string): Promise<User | null> {
    return db.findOneBy(User, { id });
  }

  findByEmail(db: EntityManager, email: string): Promise<User | null> {
    return db.findOneBy(User, { email });
  }

  async updatePasswordHash(db: EntityManager, id: string, passwordHash: string): Promise<void> {
    await db.update(User, { id }, { passwordHash, updatedAt: new Date() });
  }

  async updateRoles(db: EntityManager, id: string, roles: Role[]): Promise<User | null> {
    const result = await db.update(User, { id }, { roles, updatedAt: new Date() });
    return result.affected ? this.findById(db, id) : null;
  }

  /** Deletes the user; their refresh tokens go with them (ON DELETE CASCADE). */
  async delete(db: EntityManager, id: string): Promise<boolean> {
    const result = await db.delete(User, { id });
    return (result.affected ?? 0) > 0;
  }
}
