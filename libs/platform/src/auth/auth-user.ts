import type { Role } from '@lib/contracts';

/** Who made the request, as proven by a verified access token. */
export interface AuthUser {
  /** The user id (the token's `sub`). */
  id: string;
  email?: string;
  roles: Role[];
}

/** The claims the auth service puts in an access token besides the registered ones. */
export interface AccessTokenClaims {
  email?: string;
  roles: Role[];
}

/** Access tokens carry this JOSE `typ` (RFC 9068), so no other JWT can be replayed as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The request as the guard leaves it: `user` is set once a token has been verified. */
export interface AuthenticatedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  user?: AuthUser;
}
