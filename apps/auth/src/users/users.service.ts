import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Role } from '@lib/contracts';
import { DomainError } from '@lib/platform';
import { OutboxPublisher } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../credentials/password-hasher';
import { User } from './user.entity';
import { SignupAcceptedResponse, UserResponse } from './users.dto';
import { UsersRepository } from './users.repository';

export interface NewUser {
  /** Already normalised and checked against the password policy. */
  email: string;
  password: string;
  displayName: string;
  roles?: Role[];
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    private readonly outbox: OutboxPublisher,
  ) {}

  /**
   * The same answer whether the email was free (the account is created) or taken (nothing
   * changes, the existing account is untouched), after the same argon2 hashing on both paths,
   * so neither the response nor its timing tells whether an account exists. The client logs
   * in next; with a taken email and another password that login fails like any wrong password.
   */
  async signup(input: NewUser): Promise<SignupAcceptedResponse> {
    const user = await this.register(input);
    if (!user) this.logger.log('Signup for an email that is already registered; nothing changed');
    return {
      status: 'accepted',
      message: 'If this email was not registered yet, the account is created: log in with it.',
    };
  }

  /**
   * Creates the first admin from env unless the email exists; an existing account is left
   * as it is (its password is never overwritten from env).
   */
  async seedAdmin(email: string, password: string): Promise<void> {
    const user = await this.register({
      email,
      password,
      displayName: 'Administrator',
      roles: ['reader', 'admin'],
    });
    if (user) this.logger.log(`Seeded admin ${user.id}`);
  }

  async me(id: string): Promise<UserResponse> {
    return UserResponse.of(await this.existing(id));
  }

  /**
   * Erases the account: the row, and with it the password hash and refresh tokens, is
   * deleted, and `auth.user.deleted.v1` tells the other services to anonymise what they hold.
   */
  async deleteMe(id: string): Promise<void> {
    const deleted = await this.dataSource.transaction(async (tx) => {
      if (!(await this.users.delete(tx, id))) return false;
      await this.outbox.publish(tx, 'auth.user.deleted.v1', {
        userId: id,
        deletedAt: new Date().toISOString(),
      });
      return true;
    });
    if (!deleted) throw notFound();
  }

  async setRoles(actorId: string, targetId: string, roles: Role[]): Promise<UserResponse> {
    // The one admin who could undo it would be locked out of role management.
    if (actorId === targetId && !roles.includes('admin')) {
      throw new DomainError(
        'AUTH.CANNOT_DROP_OWN_ADMIN',
        'Admins cannot remove their own admin role',
        422,
      );
    }
    const updated = await this.users.updateRoles(this.dataSource.manager, targetId, [
      ...new Set(roles),
    ]);
    if (!updated) throw notFound();
    return UserResponse.of(updated);
  }

  private async existing(id: string): Promise<User> {
    const user = await this.users.findById(this.dataSource.manager, id);
    if (!user) throw notFound();
    return user;
  }

  /** The user and `auth.user.registered.v1` in one transaction; null if the email is taken. */
  private async register(input: NewUser): Promise<User | null> {
    const now = new Date();
    const user: User = {
      id: randomUUID(),
      email: input.email,
      displayName: input.displayName,
      passwordHash: await this.hasher.hash(input.password),
      roles: input.roles ?? ['reader'],
      createdAt: now,
      updatedAt: now,
    };
    return this.dataSource.transaction(async (tx) => {
      if (!(await this.users.insertIfEmailFree(tx, user))) return null;
      await this.outbox.publish(tx, 'auth.user.registered.v1', {
        userId: user.id,
        email: user.email,
        displayName: user.displayName,
        roles: user.roles,
        registeredAt: now.toISOString(),
      });
      return user;
    });
  }
}

function notFound(): DomainError {
  return new DomainError('AUTH.USER_NOT_FOUND', 'User not found', 404);
}
