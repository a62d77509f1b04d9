import { DomainError, type AuthUser, InvalidTokenError } from '@lib/platform';
import type { RouteDefinition } from '../routing/route-table';

/** What the gateway needs from the platform's JwtVerifier; specs pass one with local keys. */
export interface TokenVerifier {
  verify(token: string): Promise<AuthUser>;
}

/** Methods that never need a token on `auth: 'writes'` routes. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i;

/**
 * Checks the access token at the edge for routes that require one, with the same codes and
 * challenges as the services' JwtAuthGuard. The Authorization header is forwarded untouched:
 * services verify again, so a route the table gets wrong is still protected behind it.
 */
export class EdgeAuth {
  constructor(private readonly verifier: TokenVerifier) {}

  static requiresToken(route: RouteDefinition, method: string): boolean {
    return route.auth === 'always' || (route.auth === 'writes' && !READ_METHODS.has(method));
  }

  /** The verified user, or undefined when the route needs no token for this method. */
  async authenticate(
    route: RouteDefinition,
    method: string,
    authorization: string | undefined,
  ): Promise<AuthUser | undefined> {
    if (!EdgeAuth.requiresToken(route, method)) return undefined;
    const token = authorization === undefined ? undefined : BEARER.exec(authorization.trim())?.[1];
    if (token === undefined) {
      throw new DomainError('AUTH.TOKEN_MISSING', 'A Bearer access token is required', 401, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    let user: AuthUser;
    try {
      user = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        throw new DomainError('AUTH.TOKEN_INVALID', error.message, 401, {
          'WWW-Authenticate': 'Bearer error="invalid_token"',
        });
      }
      throw new DomainError(
        'AUTH.KEYS_UNAVAILABLE',
        'Access tokens cannot be verified right now',
        503,
      );
    }
    if (route.roles && !route.roles.some((role) => user.roles.includes(role))) {
      throw new DomainError(
        'AUTH.FORBIDDEN',
        `This needs one of the roles: ${route.roles.join(', ')}`,
        403,
      );
    }
    return user;
  }
}
