import { DomainError } from '@lib/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import type { PasswordHasher } from '../credentials/password-hasher';
import type { User } from '../users/user.entity';
import type { UsersRepository } from '../users/users.repository';
import type { AccessTokenIssuer } from './access-token.issuer';
import type { LoginThrottle } from './login-throttle';
import type { RefreshToken } from './refresh-token.entity';
import type { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionsService } from './sessions.service';

const DAY = 24 * 3600;
const USER: User = {
  id: 'u1',
  email: 'reader@example.com',
  displayName: 'Reader',
  passwordHash: 'hash',
  roles: ['reader'],
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

/** Refresh tokens in memory (transactions run one at a time, as the row lock makes them). */
function setup(config: Partial<AppConfig> = {}) {
  const tokens: RefreshToken[] = [];
  const byHash = (hash: Buffer) => tokens.find((t) => t.tokenHash.equals(hash)) ?? null;
  const dataSource = {
    manager: {} as EntityManager,
    transaction: (work: (tx: EntityManager) => Promise<unknown>) => work({} as EntityManager),
  } as unknown as DataSource;
  const refreshTokens = {
    insert: async (_db: EntityManager, token: RefreshToken) => void tokens.push({ ...token }),
    findByHashForUpdate: async (_tx: EntityManager, hash: Buffer) => byHash(hash),
    findByHash: async (_db: EntityManager, hash: Buffer) => byHash(hash),
    findById: async (_tx: EntityManager, id: string) => tokens.find((t) => t.id === id) ?? null,
    markUsed: async (_tx: EntityManager, id: string, replacedBy: string) => {
      Object.assign(
        tokens.find((t) => t.id === id)!,
        { usedAt: new Date(), replacedBy },
      );
    },
    revokeFamily: async (_db: EntityManager, familyId: string) => {
      for (const t of tokens) if (t.familyId === familyId && !t.revokedAt) t.revokedAt = new Date();
    },
  } as unknown as RefreshTokensRepository;
  const users = {
    findByEmail: async () => USER,
    findById: async (_db: EntityManager, id: string) => (id === USER.id ? USER : null),
  } as unknown as UsersRepository;
  const issuer = { issue: async () => 'access', ttlSeconds: 900 } as unknown as AccessTokenIssuer;
  const throttle = { begin: async () => async () => undefined } as unknown as LoginThrottle;
  const hasher = {
    verify: async () => true,
    needsRehash: () => false,
  } as unknown as PasswordHasher;
  const service = new SessionsService(dataSource, users, refreshTokens, issuer, throttle, hasher, {
    REFRESH_TOKEN_TTL_SECONDS: 30 * DAY,
    REFRESH_SESSION_MAX_SECONDS: 90 * DAY,
    REFRESH_REUSE_GRACE_SECONDS: 20,
    ...config,
  } as AppConfig);
  return { service, tokens };
}

async function refused(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).status).toBe(401);
  return (error as DomainError).code;
}

describe('SessionsService.refresh', () => {
  const start = new Date('2026-11-28T00:00:00.000Z').getTime();
  const at = (seconds: number) => jest.setSystemTime(start + seconds * 1000);

  beforeEach(() => jest.useFakeTimers({ now: start }));
  afterEach(() => jest.useRealTimers());

  it('rotates: the new token replaces the old, inside one session that ends 90 days after login', async () => {
    const { service, tokens } = setup();
    const login = await service.login('reader@example.com', 'pw', '127.0.0.1');
    at(60);
    const rotated = await service.refresh(login.refreshToken);
    expect(rotated.refreshToken).not.toBe(login.refreshToken);
    const [first, second] = tokens;
    expect(first.replacedBy).toBe(second.id);
    expect(second.familyId).toBe(first.familyId);
    expect(second.sessionExpiresAt).toEqual(new Date(start + 90 * DAY * 1000));
  });

  it('never extends a session past its absolute lifetime, however often it rotates', async () => {
    const { service, tokens } = setup();
    let token = (await service.login('reader@example.com', 'pw', '127.0.0.1')).refreshToken;
    // Rotating every 29 days keeps each token inside its 30-day sliding lifetime.
    for (const day of [29, 58, 87]) {
      at(day * DAY);
      token = (await service.refresh(token)).refreshToken;
    }
    // The last token's own expiry is capped at the session's end (day 90), not day 87 + 30.
    expect(tokens.at(-1)!.expiresAt).toEqual(new Date(start + 90 * DAY * 1000));
    at(90 * DAY + 1);
    expect(await refused(service.refresh(token))).toBe('AUTH.REFRESH_TOKEN_INVALID');
  });

  it('answers a retried rotation within the grace window with a valid pair, revoking nothing', async () => {
    const { service, tokens } = setup();
    const login = await service.login('reader@example.com', 'pw', '127.0.0.1');
    at(10);
    const lost = await service.refresh(login.refreshToken);
    at(25); // 15 s after the rotation
    const retried = await service.refresh(login.refreshToken);
    expect(retried.refreshToken).not.toBe(lost.refreshToken);
    expect(tokens.every((t) => t.revokedAt === null)).toBe(true);
    // Both pairs work: the one that arrived and the one that was lost.
    await expect(service.refresh(retried.refreshToken)).resolves.toHaveProperty('accessToken');
    await expect(service.refresh(lost.refreshToken)).resolves.toHaveProperty('accessToken');
  });

  it('revokes the family when the spent token comes back after the grace window', async () => {
    const { service, tokens } = setup();
    const login = await service.login('reader@example.com', 'pw', '127.0.0.1');
    await service.refresh(login.refreshToken);
    at(21);
    expect(await refused(service.refresh(login.refreshToken))).toBe('AUTH.REFRESH_TOKEN_REUSED');
    expect(tokens.every((t) => t.revokedAt !== null)).toBe(true);
  });

  it('revokes the family when the spent token comes back, inside the window, after its successor was used', async () => {
    const { service, tokens } = setup();
    const login = await service.login('reader@example.com', 'pw', '127.0.0.1');
    const next = await service.refresh(login.refreshToken);
    at(2);
    await service.refresh(next.refreshToken);
    at(4);
    expect(await refused(service.refresh(login.refreshToken))).toBe('AUTH.REFRESH_TOKEN_REUSED');
    expect(tokens.every((t) => t.revokedAt !== null)).toBe(true);
  });

  it('has no grace at REFRESH_REUSE_GRACE_SECONDS=0', async () => {
    const { service } = setup({ REFRESH_REUSE_GRACE_SECONDS: 0 });
    const login = await service.login('reader@example.com', 'pw', '127.0.0.1');
    await service.refresh(login.refreshToken);
    at(1);
    expect(await refused(service.refresh(login.refreshToken))).toBe('AUTH.REFRESH_TOKEN_REUSED');
  });

  it('refuses unknown, revoked and idle-expired tokens as invalid', async () => {
    const { service } = setup({ REFRESH_TOKEN_TTL_SECONDS: 60 });
    expect(await refused(service.refresh('unknown'))).toBe('AUTH.REFRESH_TOKEN_INVALID');
    const login = await service.login('reader@example.com', 'pw', '127.0.0.1');
    at(61);
    expect(await refused(service.refresh(login.refreshToken))).toBe('AUTH.REFRESH_TOKEN_INVALID');
    const other = await service.login('reader@example.com', 'pw', '127.0.0.1');
    await service.logout(other.refreshToken);
    expect(await refused(service.refresh(other.refreshToken))).toBe('AUTH.REFRESH_TOKEN_INVALID');
  });
});
