import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@lib/platform';
import type { AppConfig } from '../config';

/** A response body serialised once, with its validator, ready to send many times. */
export interface CachedBody {
  body: string;
  etag: string;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

export function cachedBody(value: unknown): CachedBody {
  const body = JSON.stringify(value);
  const etag = `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, etag };
}

/**
 * The hot reads' cache: serialised JSON and its ETag by key, for READ_CACHE_TTL_MS. This
 * instance's own writes invalidate the keys they touch at once; the TTL bounds how long
 * another instance can serve an older copy. Bounded: the oldest entries go first (a Map keeps
 * insertion order).
 */
@Injectable()
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'READ_CACHE_TTL_MS' | 'READ_CACHE_MAX_ENTRIES'>,
  ) {
    this.ttlMs = config.READ_CACHE_TTL_MS;
    this.maxEntries = config.READ_CACHE_MAX_ENTRIES;
  }

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  /** The cached JSON of `key`, or `load()`'s result serialised and cached; `undefined` (not found) is not cached. */
  async getOrLoad<T>(
    key: string,
    load: () => Promise<T | undefined>,
  ): Promise<CachedBody | undefined> {
    return this.remember(key, async () => {
      const value = await load();
      return value === undefined ? undefined : cachedBody(value);
    });
  }

  /** Any value by key, loaded on a miss; `undefined` is not cached. */
  async remember<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.peek<T>(key);
    if (hit !== undefined) return hit;
    const value = await load();
    if (value !== undefined) this.set(key, value);
    return value;
  }

  /** The fresh cached value of `key`, without loading on a miss. */
  peek<T>(key: string): T | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expiresAt > Date.now() ? (hit.value as T) : undefined;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  invalidatePrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private set(key: string, value: unknown): void {
    if (this.ttlMs === 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
