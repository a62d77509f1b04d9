import type { Role } from '@lib/contracts';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { ACCESS_TOKEN_TYPE } from '../auth/auth-user';

export interface TestTokenOptions {
  roles?: Role[];
  email?: string;
  /** Seconds from now; negative for an already expired token. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
}

/**
 * Signs access tokens the way the auth service does, with a throwaway key, so any service's
 * specs can exercise its guarded routes without the auth service:
 * `AuthModule.forRoot({ keys: issuer.keys, issuer: issuer.issuer, audience: issuer.audience })`.
 */
export class TestTokenIssuer {
  readonly issuer = 'auth';
  readonly audience = 'platform';

  private constructor(
    private readonly privateKey: CryptoKey,
    readonly kid: string,
    readonly jwks: JSONWebKeySet,
  ) {}

  static async create(kid = 'test-key'): Promise<TestTokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    return new TestTokenIssuer(privateKey, kid, { keys: [jwk] });
  }

  get keys(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks);
  }

  sign(userId: string, options: TestTokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: options.roles ?? ['reader'], email: options.email })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.kid, typ: ACCESS_TOKEN_TYPE })
      .setSubject(userId)
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .sign(this.privateKey);
  }
}
