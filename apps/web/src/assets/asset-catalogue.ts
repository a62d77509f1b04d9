import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
  cacheControl: string;
}

export type AssetAnswer =
  { kind: 'asset'; asset: Asset } | { kind: 'not-modified'; asset: Asset } | { kind: 'not-found' };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Hashed file names never change content: a year, and no revalidation. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The document and unhashed files: always revalidated (a 304 costs one round trip). */
const REVALIDATE = 'no-cache';

/**
 * The built single-page app, read into memory once at start (it is a few hundred KB): no
 * file system access per request, so no path from a request ever reaches the disk.
 * Any path that is not a file is a page of the app, answered with index.html; the app's
 * router draws it. Paths with a file extension that is missing are a real 404, so a stale
 * script reference fails loudly instead of being parsed as HTML.
 */
export class AssetCatalogue {
  private readonly files = new Map<string, Asset>();
  private readonly index: Asset;

  constructor(files: ReadonlyMap<string, Buffer>) {
    for (const [path, body] of files) {
      const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      const cacheControl = path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE;
      this.files.set(path, { body, contentType, etag, cacheControl });
    }
    const index = this.files.get('/index.html');
    if (!index) throw new Error('the built app has no index.html: run the web build first');
    this.index = index;
  }

  static fromDirectory(dir: string): AssetCatalogue {
    const files = new Map<string, Buffer>();
    const walk = (folder: string): void => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const full = join(folder, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile())
          files.set(`/${relative(dir, full).split(sep).join('/')}`, readFileSync(full));
      }
    };
    walk(dir);
    return new AssetCatalogue(files);
  }

  get size(): number {
    return this.files.size;
  }

  /** `path` without its query string; `ifNoneMatch` the request's If-None-Match header. */
  answer(path: string, ifNoneMatch: string | undefined): AssetAnswer {
    const asset = this.files.get(path) ?? (isPage(path) ? this.index : undefined);
    if (!asset) return { kind: 'not-found' };
    if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(asset.etag)) {
      return { kind: 'not-modified', asset };
    }
    return { kind: 'asset', asset };
  }
}

/** A page of the app: no file extension in its last segment, and not under /assets. */
function isPage(path: string): boolean {
  if (path.startsWith('/assets/')) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}
