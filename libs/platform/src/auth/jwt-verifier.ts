import { ROLES, type Role } from '@lib/contracts';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ACCESS_TOKEN_TYPE, type AuthUser } from './auth-user';
import { DEFAULT_ALGORITHMS, type AuthModuleOptions } from './auth.options';

/** The token is not acceptable: bad signature, wrong issuer/audience, expired, malformed… */
export class InvalidTokenError extends Error {
  constructor(
    message: string,
    /** jose's error code, for logs; never shown to the client. */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** The keys could not be fetched, so no token can be judged either way right now. */
export class KeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Signing keys are unavailable', { cause });
    this.name = 'KeysUnavailableError';
  }
}

/** jose codes that mean "this token is bad", as opposed to "we could not check". */
const TOKEN_FAULTS = new Set<string>([
  errors.JWTClaimValidationFailed.code,
  errors.JWTExpired.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWSInvalid.code,
  errors.JWTInvalid.code,
  errors.JWKInvalid.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JWSSignatureVerificationFailed.code,
]);

const ROLE_SET = new Set<string>(ROLES);

/**
 * Verifies access tokens issued by the auth service, without calling it per request: the
 * public keys come from its JWKS, cached, and refetched when a token names an unknown `kid`
 * (a rotated key) at most once per cooldown.
 */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;
  /** Token → its user and the instant (ms) until which that answer may be reused. */
  private readonly verified = new Map<string, { user: AuthUser; until: number }>();
  private readonly cacheSize: number;
  private readonly cacheTtlMs: number;

  constructor(private readonly options: AuthModuleOptions) {
    this.cacheSize = options.verifiedCacheSize ?? 10_000;
    this.cacheTtlMs = options.verifiedCacheTtlMs ?? 60_000;
    this.keys =
      'keys' in options
        ? options.keys
        : createRemoteJWKSet(new URL(options.jwksUrl), {
            cacheMaxAge: options.jwksCacheMaxAgeMs ?? 10 * 60_000,
            cooldownDuration: options.jwksCooldownMs ?? 30_000,
            timeoutDuration: options.jwksTimeoutMs ?? 5_000,
          });
  }

  /** Resolves to the token's user, or rejects with InvalidTokenError / KeysUnavailableError. */
  async verify(token: string): Promise<AuthUser> {
    const hit = this.verified.get(token);
    if (hit && hit.until > Date.now()) return hit.user;
    if (hit) this.verified.delete(token);

    const { exp, ...user } = await this.verifySignedToken(token);
    // Frozen: with the cache, one object is handed to every request bearing this token.
    Object.freeze(user.roles);
    Object.freeze(user);
    this.remember(token, user, exp);
    return user;
  }

  private async verifySignedToken(token: string): Promise<AuthUser & { exp: number }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: this.options.algorithms ?? DEFAULT_ALGORITHMS,
        issuer: this.options.issuer,
        audience: this.options.audience,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError && TOKEN_FAULTS.has(error.code)) {
        throw new InvalidTokenError('Invalid or expired access token', error.code);
      }
      throw new KeysUnavailableError(error);
    }
    const { sub, email, roles, exp } = payload;
    if (typeof sub !== 'string' || sub.length === 0) {
      throw new InvalidTokenError('Invalid or expired access token', 'ERR_SUB_MISSING');
    }
    if (!Array.isArray(roles) || !roles.every((role) => ROLE_SET.has(role))) {
      throw new InvalidTokenError('Invalid or expired access token', 'ERR_ROLES_INVALID');
    }
    return {
      id: sub,
      ...(typeof email === 'string' ? { email } : {}),
      roles: roles as Role[],
      exp: exp as number,
    };
  }

  private remember(token: string, user: AuthUser, exp: number): void {
    if (this.cacheSize === 0) return;
    const until = Math.min(exp * 1000, Date.now() + this.cacheTtlMs);
    this.verified.set(token, { user, until });
    // A Map iterates in insertion order: dropping the first entry drops the oldest.
    if (this.verified.size > this.cacheSize) {
      this.verified.delete(this.verified.keys().next().value as string);
    }
  }
}
