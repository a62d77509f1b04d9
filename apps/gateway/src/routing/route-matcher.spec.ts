import { RouteMatcher } from './route-matcher';
import { ROUTES, type RouteDefinition } from './route-table';

const route = (prefix: string, service: string): RouteDefinition => ({
  prefix,
  service,
  auth: 'none',
  rateLimit: { perIp: { ratePerSecond: 1, burst: 1 } },
  timeoutMs: 1000,
  retryableMethods: ['GET'],
});

describe('RouteMatcher', () => {
  const matcher = new RouteMatcher(ROUTES);
  const serviceOf = (path: string) => {
    const result = matcher.match(path);
    return result.kind === 'route' ? result.route.service : result.kind;
  };

  it('maps each public prefix to its service', () => {
    expect(serviceOf('/api/auth/login')).toBe('auth');
    expect(serviceOf('/api/webtoons')).toBe('webtoon');
    expect(serviceOf('/api/webtoons/12/episodes/3')).toBe('webtoon');
    expect(serviceOf('/api/payments/wallet')).toBe('payment');
    expect(serviceOf('/api/news/')).toBe('news');
    expect(serviceOf('/api/blog/posts/9/comments')).toBe('blog');
  });

  it('sends every path outside /api to the web front-end, and no /api path', () => {
    expect(serviceOf('/')).toBe('web');
    expect(serviceOf('/series/5')).toBe('web');
    expect(serviceOf('/assets/app-1a2b.js')).toBe('web');
    expect(serviceOf('/apix')).toBe('web');
    expect(serviceOf('/api')).toBe('no-route');
    expect(serviceOf('/api/')).toBe('no-route');
  });

  it('matches prefixes on whole segments only', () => {
    expect(serviceOf('/api/newsletter')).toBe('no-route');
    expect(serviceOf('/api/authx/login')).toBe('no-route');
    expect(serviceOf('/api/unknown')).toBe('no-route');
  });

  it('prefers the longest prefix', () => {
    const nested = new RouteMatcher([
      route('/api/blog', 'blog'),
      route('/api/blog/admin', 'admin'),
    ]);
    const result = nested.match('/api/blog/admin/users');
    expect(result.kind === 'route' && result.route.service).toBe('admin');
  });

  it.each([
    ['/api/auth/../payments/wallet', 'dot segment'],
    ['/api/auth/./login', 'dot segment'],
    ['/api/auth/%2e%2e/payments', 'encoded'],
    ['/api/auth/..%2fpayments', 'encoded'],
    ['/api/auth%2F..%2Fpayments', 'encoded'],
    ['/api/auth/%5c..%5cpayments', 'encoded'],
    ['/api/news/a%00b', 'encoded'],
    ['/api//payments/wallet', 'empty segment'],
    ['/api/news\\..\\payments', 'percent-encoded'],
    ['/api/news/a b', 'percent-encoded'],
    ['/api/news/%zz', 'malformed'],
    ['http://evil.example/api/news', 'must start with /'],
  ])('refuses %s', (path, reason) => {
    const result = matcher.match(path);
    expect(result.kind).toBe('invalid-path');
    expect(result.kind === 'invalid-path' && result.reason).toContain(reason);
  });

  it('accepts ordinary encodings and a trailing slash', () => {
    expect(serviceOf('/api/news/caf%C3%A9')).toBe('news');
    expect(serviceOf('/api/blog/posts/')).toBe('blog');
  });
});
