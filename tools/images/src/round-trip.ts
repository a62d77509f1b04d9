import { randomUUID } from 'node:crypto';

/**
 * A user's path through a running platform, all through its gateway: sign up, log in, wait
 * for the wallet the signup event opens, top up, buy a paid episode, wait for the saga to
 * complete, read the episode. Returns what it saw so the caller can assert on it.
 */
export interface RoundTrip {
  email: string;
  balanceAfterTopUp: number;
  purchase: { purchaseId: string; status: string; priceCoins: number };
  episodeStatus: number;
  balanceAfterPurchase: number;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** Polls `fn` until it returns a value (errors count as not yet), or fails after `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (${String(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function gatewayClient(gateway: string) {
  return async function call(
    path: string,
    init: {
      method?: string;
      body?: unknown;
      token?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Reply> {
    const res = await fetch(`${gateway}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

function expectStatus(reply: Reply, status: number, what: string): Reply {
  if (reply.status !== status) {
    throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)} (expected ${status})`);
  }
  return reply;
}

/** A public read per service; payment's needs a token, and the round trip waits for it. */
const PROBES = ['/api/auth/.well-known/jwks.json', '/api/webtoons', '/api/news', '/api/blog/posts'];

/**
 * Until the gateway itself routes to a passing instance of every service: an instance that is
 * registered is not yet passing its Consul check, and the gateway learns of it a moment later
 * (until then it answers 503). Only the public port: /gateway/upstreams is on the admin port.
 */
export async function gatewayRoutesAll(gateway: string, ms = 60_000): Promise<void> {
  const call = gatewayClient(gateway);
  await until(
    'the gateway routes to every service',
    async () => {
      for (const path of PROBES) if ((await call(path)).status !== 200) return undefined;
      return true;
    },
    ms,
  );
}

export async function platformRoundTrip(gateway: string): Promise<RoundTrip> {
  await gatewayRoutesAll(gateway);
  const call = gatewayClient(gateway);
  const email = `round-trip-${randomUUID().slice(0, 8)}@example.com`;
  const password = `Rt-${randomUUID()}`;
  expectStatus(
    await call('/api/auth/signup', {
      method: 'POST',
      body: { email, password, displayName: 'Round Trip' },
    }),
    202,
    'signup',
  );
  const login = expectStatus(
    await call('/api/auth/login', { method: 'POST', body: { email, password } }),
    200,
    'login',
  );
  const token = login.body.accessToken as string;
  await until('wallet opened by the signup event', async () => {
    const wallet = await call('/api/payments/wallet', { token });
    return wallet.status === 200 ? wallet : undefined;
  });
  const topUp = expectStatus(
    await call('/api/payments/top-ups', {
      method: 'POST',
      token,
      body: { amount: 500 },
      headers: { 'idempotency-key': randomUUID() },
    }),
    201,
    'top-up',
  );
  const series = expectStatus(await call('/api/webtoons?limit=50'), 200, 'list series');
  let paid: { id: string; no: number } | undefined;
  for (const s of series.body.items as { id: string }[]) {
    const episodes = expectStatus(await call(`/api/webtoons/${s.id}/episodes`), 200, 'episodes');
    const ep = (episodes.body.items as { no: number; priceCoins: number }[]).find(
      (e) => e.priceCoins > 0,
    );
    if (ep) {
      paid = { id: s.id, no: ep.no };
      break;
    }
  }
  if (!paid) throw new Error('no paid episode in the catalogue (is SEED_DATA on?)');
  const episodePath = `/api/webtoons/${paid.id}/episodes/${paid.no}`;
  expectStatus(await call(episodePath, { token }), 402, 'paid episode before purchase');
  const started = expectStatus(
    await call(`${episodePath}/purchase`, {
      method: 'POST',
      token,
      headers: { 'idempotency-key': randomUUID() },
    }),
    202,
    'purchase',
  );
  const purchase = await until('purchase settled', async () => {
    const p = await call(`/api/webtoons/purchases/${String(started.body.purchaseId)}`, { token });
    return p.status === 200 && p.body.status !== 'pending' ? p.body : undefined;
  });
  const episode = await call(episodePath, { token });
  const wallet = expectStatus(await call('/api/payments/wallet', { token }), 200, 'wallet');
  return {
    email,
    balanceAfterTopUp: topUp.body.balanceAfter as number,
    purchase: purchase as RoundTrip['purchase'],
    episodeStatus: episode.status,
    balanceAfterPurchase: wallet.body.balance as number,
  };
}
