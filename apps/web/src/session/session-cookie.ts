/** The refresh token's cookie. Scoped to /session: no page or API request ever carries it. */
export const SESSION_COOKIE = 'web_session';
export const SESSION_COOKIE_PATH = '/session';

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
}

/**
 * HttpOnly: no script (nor an injected one) can read the refresh token. SameSite=Strict: the
 * browser sends it only on requests this origin makes itself, so another site cannot make a
 * signed-in visitor's browser refresh or log out.
 */
export function sessionCookie(token: string, options: CookieOptions): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    `Path=${SESSION_COOKIE_PATH}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { maxAgeSeconds: 0, secure });
}

/** Auth's refresh tokens are base64url; anything else in the cookie is not one of ours. */
const TOKEN = /^[A-Za-z0-9_-]{16,512}$/;

/** The refresh token from a Cookie header, if it carries a well-formed one. */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    return TOKEN.test(value) ? value : undefined;
  }
  return undefined;
}
