import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, DomainError } from '@lib/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import { PasswordHasher } from '../credentials/password-hasher';
import type { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { AccessTokenIssuer } from './access-token.issuer';
import { LoginThrottle } from './login-throttle';
import type { RefreshToken } from './refresh-token.entity';
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
    private readonly dataSource: DataSource,
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
    const user = await this.users.findByEmail(this.dataSource.manager, email);
    const valid = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verifyDummy(password);
    if (!user || !valid) {
      throw new DomainError('AUTH.INVALID_CREDENTIALS', 'Email or password is incorrect', 401);
    }
    await succeeded();
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(
        this.dataSource.manager,
        user.id,
        await this.hasher.hash(password),
      );
    }
    const sessionExpiresAt = new Date(Date.now() + this.config.REFRESH_SESSION_MAX_SECONDS * 1000);
    return (await this.issue(this.dataSource.manager, user, randomUUID(), sessionExpiresAt)).tokens;
  }

  /**
   * Exchanges a refresh token for a new pair, within the session's absolute lifetime. A token
   * that was already exchanged means two parties hold it (one of them stole it): the whole
   * family is revoked, so both must log in — unless it is a retried rotation (see
   * `isRetriedRotation`), which gets a new pair of the same session instead.
   */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const outcome = await this.dataSource.transaction(
      async (tx): Promise<TokenResponse | 'invalid' | 'reused'> => {
        const stored = await this.refreshTokens.findByHashForUpdate(tx, hashToken(refreshToken));
        const now = Date.now();
        if (
          !stored ||
          stored.revokedAt ||
          stored.expiresAt.getTime() <= now ||
          stored.sessionExpiresAt.getTime() <= now
        ) {
          return 'invalid';
        }
        if (stored.usedAt) {
          if (await this.isRetriedRotation(tx, stored, now)) {
            const user = await this.users.findById(tx, stored.userId);
            if (!user) return 'invalid';
            this.logger.log(`Refresh token presented again within the grace window`);
            return (await this.issue(tx, user, stored.familyId, stored.sessionExpiresAt)).tokens;
          }
          // Committed, not rolled back with the 401: the revocation is the point.
          await this.refreshTokens.revokeFamily(tx, stored.familyId);
          this.logger.warn(`Refresh token reused; revoked family ${stored.familyId}`);
          return 'reused';
        }
        const user = await this.users.findById(tx, stored.userId);
        if (!user) return 'invalid';
        const next = await this.issue(tx, user, stored.familyId, stored.sessionExpiresAt);
        await this.refreshTokens.markUsed(tx, stored.id, next.id);
        return next.tokens;
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

  /**
   * A spent token presented again is a retry of a rotation whose answer the client lost (a
   * timeout, a dropped connection, two tabs refreshing at once), not a replay, when both hold:
   * it was exchanged at most REFRESH_REUSE_GRACE_SECONDS ago, and the token it was exchanged
   * for has not been used (nor revoked). If the successor was used, the holder of the
   * successor moved on, so whoever presents the old token now is someone else: reuse.
   */
  private async isRetriedRotation(
    tx: EntityManager,
    stored: RefreshToken,
    now: number,
  ): Promise<boolean> {
    const graceMs = this.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
    if (!stored.usedAt || !stored.replacedBy || now - stored.usedAt.getTime() > graceMs) {
      return false;
    }
    const successor = await this.refreshTokens.findById(tx, stored.replacedBy);
    return successor !== null && successor.usedAt === null && successor.revokedAt === null;
  }

  /** Ends the session the token belongs to. Unknown tokens are ignored: logout is idempotent. */
  async logout(refreshToken: string): Promise<void> {
    const db = this.dataSource.manager;
    const stored = await this.refreshTokens.findByHash(db, hashToken(refreshToken));
    if (stored) await this.refreshTokens.revokeFamily(db, stored.familyId);
  }

  /** A new access token and a refresh token of the family, never valid past the session's end. */
  private async issue(
    db: EntityManager,
    user: User,
    familyId: string,
    sessionExpiresAt: Date,
  ): Promise<{ id: string; tokens: TokenResponse }> {
    const refreshToken = randomBytes(32).toString('base64url');
    const id = randomUUID();
    const now = new Date();
    const slidingEnd = now.getTime() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000;
    await this.refreshTokens.insert(db, {
      id,
      userId: user.id,
      familyId,
      tokenHash: hashToken(refreshToken),
      createdAt: now,
      expiresAt: new Date(Math.min(slidingEnd, sessionExpiresAt.getTime())),
      sessionExpiresAt,
      usedAt: null,
      revokedAt: null,
      replacedBy: null,
    });
    return {
      id,
      tokens: {
        accessToken: await this.accessTokens.issue(user),
        refreshToken,
        tokenType: 'Bearer',
        expiresIn: this.accessTokens.ttlSeconds,
      },
    };
  }

  private async cleanup(): Promise<void> {
    try {
      await Promise.all([
        this.refreshTokens.deleteExpired(this.dataSource.manager),
        this.throttle.deleteExpired(),
      ]);
    } catch (error) {
      this.logger.warn(`Cleanup failed: ${String(error)}`);
    }
  }
}
