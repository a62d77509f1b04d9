// What the load needs from the platform before it starts: the catalogue and signed-in readers.
import { randomUUID } from 'node:crypto';
import type { Catalogue } from './scenario';

export type Call = (
  path: string,
  init?: { method?: string; body?: unknown },
) => Promise<Record<string, unknown>>;

export function client(url: string, headers: Record<string, string>): Call {
  return async (path, init = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers:
        init.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok)
      throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
}

/** What there is to read and buy, from the platform's own API. */
export async function discover(call: Call): Promise<Catalogue> {
  const first = await call('/api/webtoons?limit=50');
  const items = first.items as { id: string; genres: string[] }[];
  const series: Catalogue['series'] = [];
  for (const s of items) {
    const episodes = (await call(`/api/webtoons/${s.id}/episodes?limit=100`)).items as {
      no: number;
      priceCoins: number;
    }[];
    series.push({
      id: s.id,
      free: episodes.filter((e) => e.priceCoins === 0).map((e) => e.no),
      paid: episodes.filter((e) => e.priceCoins > 0).map((e) => e.no),
    });
  }
  return {
    series,
    pages: Math.max(1, Math.ceil(Number(first.total) / 20)),
    genres: [...new Set(items.flatMap((s) => s.genres))],
  };
}

export async function signUpReaders(call: Call, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = `load-${randomUUID().slice(0, 8)}@example.com`;
    const password = `Load-${randomUUID()}`;
    await call('/api/auth/signup', {
      method: 'POST',
      body: { email, password, displayName: 'Load reader' },
    });
    const login = await call('/api/auth/login', { method: 'POST', body: { email, password } });
    tokens.push(login.accessToken as string);
  }
  return tokens;
}
