import { FRONT_END_PREFIX, type RouteDefinition } from './route-table';

export type MatchResult =
  | { kind: 'route'; route: RouteDefinition }
  | { kind: 'invalid-path'; reason: string }
  | { kind: 'no-route' };

/**
 * Percent-encodings that would change which resource a path names once an upstream decodes
 * them: `/` and `\` (a segment split the gateway did not see), `.` (a dot segment) and NUL.
 */
const DANGEROUS_ENCODING = /%(?:2f|5c|2e|00)/i;
/** Anything outside RFC 3986 pchar plus `/`, so no raw spaces, quotes, backslashes or controls. */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const PERCENT_TRIPLET = /%(?![0-9A-Fa-f]{2})/;

/**
 * Validates the raw request path and finds its route. The gateway forwards the path exactly
 * as received, so it must be one that means the same thing to every parser downstream:
 * dot segments, empty segments and encoded separators are refused rather than normalised
 * (`/api/auth/../payments` must not reach payment with auth's rules, nor auth at all).
 */
export class RouteMatcher {
  /** Longest prefix first, so a more specific route wins over a shorter one. */
  private readonly routes: readonly RouteDefinition[];

  constructor(routes: readonly RouteDefinition[]) {
    this.routes = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  match(path: string): MatchResult {
    const problem = pathProblem(path);
    if (problem) return { kind: 'invalid-path', reason: problem };
    for (const route of this.routes) {
      if (route.prefix === FRONT_END_PREFIX) {
        // An unknown API path stays a 404 of the gateway rather than a page of the front-end.
        if (!isApiPath(path)) return { kind: 'route', route };
        continue;
      }
      if (
        path.startsWith(route.prefix) &&
        (path.length === route.prefix.length || path.charCodeAt(route.prefix.length) === 47) // '/'
      ) {
        return { kind: 'route', route };
      }
    }
    return { kind: 'no-route' };
  }
}

function isApiPath(path: string): boolean {
  return path.startsWith('/api') && (path.length === 4 || path.charCodeAt(4) === 47);
}

function pathProblem(path: string): string | undefined {
  if (path.charCodeAt(0) !== 47) return 'Path must start with /';
  if (!PATH_CHARS.test(path)) return 'Path contains characters that must be percent-encoded';
  if (PERCENT_TRIPLET.test(path)) return 'Path contains a malformed percent-encoding';
  if (DANGEROUS_ENCODING.test(path)) return 'Path contains an encoded slash, backslash, dot or NUL';
  // Segments between the leading and an optional trailing slash: none empty, none `.`/`..`.
  const end = path.length > 1 && path.endsWith('/') ? path.length - 1 : path.length;
  for (const segment of path.slice(1, end).split('/')) {
    if (segment === '' && end > 1) return 'Path contains an empty segment';
    if (segment === '.' || segment === '..') return 'Path contains a dot segment';
  }
  return undefined;
}
