import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_TYPE, APP_CONFIG, type AccessTokenClaims } from '@lib/platform';
import { SignJWT } from 'jose';
import type { AppConfig } from '../config';
import { KeyStore } from '../keys/key-store';
import { SIGNING_ALGORITHM } from '../keys/signing-keys';
import type { User } from '../users/user.entity';

/** Signs short-lived access tokens that any service verifies against the JWKS alone. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: KeyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  issue(user: Pick<User, 'id' | 'email' | 'roles'>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = { email: user.email, roles: user.roles };
    return new SignJWT({ ...claims })
      .setProtectedHeader({
        alg: SIGNING_ALGORITHM,
        kid: this.keys.currentKid,
        typ: ACCESS_TOKEN_TYPE,
      })
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(this.keys.signingKey);
  }
}
