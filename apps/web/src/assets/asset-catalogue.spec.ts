import { AssetCatalogue } from './asset-catalogue';

const files = new Map([
  ['/index.html', Buffer.from('<!doctype html><title>app</title>')],
  ['/assets/main-ABC123.js', Buffer.from('console.log(1)')],
  ['/assets/main-DEF456.css', Buffer.from('body{}')],
  ['/robots.txt', Buffer.from('User-agent: *')],
]);

describe('AssetCatalogue', () => {
  const catalogue = new AssetCatalogue(files);
  const served = (path: string) => {
    const answer = catalogue.answer(path, undefined);
    return answer.kind === 'asset' ? answer.asset : undefined;
  };

  it('serves hashed assets with their type, cached for a year', () => {
    const script = served('/assets/main-ABC123.js');
    expect(script?.body.toString()).toBe('console.log(1)');
    expect(script?.contentType).toBe('text/javascript; charset=utf-8');
    expect(script?.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(served('/assets/main-DEF456.css')?.contentType).toBe('text/css; charset=utf-8');
  });

  it('answers every page of the app with index.html, revalidated each time', () => {
    for (const path of ['/', '/series/42', '/series/42/episodes/3', '/wallet']) {
      const page = served(path);
      expect(page?.body.toString()).toContain('<title>app</title>');
      expect(page?.cacheControl).toBe('no-cache');
    }
    expect(served('/robots.txt')?.cacheControl).toBe('no-cache');
  });

  it('answers 404 for a missing file rather than a page in its place', () => {
    expect(catalogue.answer('/assets/main-OLD.js', undefined).kind).toBe('not-found');
    expect(catalogue.answer('/assets/anything', undefined).kind).toBe('not-found');
    expect(catalogue.answer('/favicon.ico', undefined).kind).toBe('not-found');
  });

  it('answers 304 when the browser already has this version', () => {
    const etag = served('/')!.etag;
    expect(catalogue.answer('/wallet', etag).kind).toBe('not-modified');
    expect(catalogue.answer('/wallet', `"other", ${etag}`).kind).toBe('not-modified');
    expect(catalogue.answer('/wallet', '"stale"').kind).toBe('asset');
  });

  it('gives different content different etags', () => {
    expect(served('/assets/main-ABC123.js')!.etag).not.toBe(served('/')!.etag);
  });

  it('refuses to start without an index.html', () => {
    expect(() => new AssetCatalogue(new Map([['/a.js', Buffer.from('')]]))).toThrow(/index\.html/);
  });
});
