import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, DomainError } from '@lib/platform';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import { PasswordHasher } from '../credentials/password-hasher';
import type { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { AccessTokenIssuer } from './access-token.issuer';
import { LoginThrottle } from './login-throttle';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import type { TokenResponse } from './sessions.dto';

const CLEANUP_INTERVAL_MS = 60 * 60_000;

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function invalidRefreshToken(): DomainError {
  return new DomainError('AUTH.REFRESH_TOKEN_INVALID', 'Invalid or expired refresh token', 401);
}

@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionsService.name);
  private cleanupTimer?: NodeJS.Timeout;

  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly throttle: LoginThrottle,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.cleanupTimer = setInterval(() => void this.cleanup(), CLEANUP_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanupTimer);
  }

  /**
   * One answer for an unknown email and a wrong password, after the same amount of hashing,
   * so neither the response nor its timing tells whether an account exists.
   */
  async login(email: string, password: string, ip: string): Promise<TokenResponse> {
    const succeeded = await this.throttle.begin(email, ip);
    const user = await this.users.findByEmail(email);
    const valid = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verifyDummy(password);
    if (!user || !valid) {
      throw new DomainError('AUTH.INVALID_CREDENTIALS', 'Email or password is incorrect', 401);
    }
    await succeeded();
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(user.id, await this.hasher.hash(password));
    }
    return this.issue(user, randomUUID());
  }

  /**
   * Exchanges a refresh token for a new pair. A token that was already exchanged means two
   * parties hold it (one of them stole it): the whole family is revoked, so both must log in.
   */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const outcome = await this.refreshTokens.transaction(
      async (tx): Promise<TokenResponse | 'invalid' | 'reused'> => {
        const stored = await this.refreshTokens.findByHashForUpdate(tx, hashToken(refreshToken));
        if (!stored || stored.revokedAt || stored.expiresAt.getTime() <= Date.now()) {
          return 'invalid';
        }
        if (stored.usedAt) {
          // Committed, not rolled back with the 401: the revocation is the point.
          await this.refreshTokens.revokeFamily(stored.familyId, tx);
          this.logger.warn(`Refresh token reused; revoked family ${stored.familyId}`);
          return 'reused';
        }
        const user = await this.users.findById(stored.userId);
        if (!user) return 'invalid';
        await this.refreshTokens.markUsed(tx, stored.id);
        return this.issue(user, stored.familyId, tx);
      },
    );
    if (outcome === 'invalid') throw invalidRefreshToken();
    if (outcome === 'reused') {
      throw new DomainError(
        'AUTH.REFRESH_TOKEN_REUSED',
        'This refresh token was already used; all sessions from that login are revoked',
        401,
      );
    }
    return outcome;
  }

  /** Ends the session the token belongs to. Unknown tokens are ignored: logout is idempotent. */
  async logout(refreshToken: string): Promise<void> {
    const stored = await this.refreshTokens.findByHash(hashToken(refreshToken));
    if (stored) await this.refreshTokens.revokeFamily(stored.familyId);
  }

  private async issue(user: User, familyId: string, tx?: EntityManager): Promise<TokenResponse> {
    const refreshToken = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.refreshTokens.insert(
      {
        id: randomUUID(),
        userId: user.id,
        familyId,
        tokenHash: hashToken(refreshToken),
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
        usedAt: null,
        revokedAt: null,
      },
      tx,
    );
    return {
      accessToken: await this.accessTokens.issue(user),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }

  private async cleanup(): Promise<void> {
    try {
      await Promise.all([this.refreshTokens.deleteExpired(), this.throttle.deleteExpired()]);
    } catch (error) {
      this.logger.warn(`Cleanup failed: ${String(error)}`);
    }
  }
}
