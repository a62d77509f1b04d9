import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  deleteTopicsWithPrefix,
  waitFor,
  JwksServer,
  KafkaProbe,
  userRegistered,
} from '@lib/platform/testing';
import { Pool } from 'pg';
import { AppProcess } from './app-process';

const root = resolve(__dirname, '../../../..');

export interface WorldOptions {
  /** KAFKA_TOPIC_PREFIX of this world: its topics and groups are its own. */
  prefix: string;
  webtoon?: Record<string, string>;
  payment?: Record<string, string>;
  /** Webtoon instances (requests go round-robin over them). Default 1. */
  webtoonInstances?: number;
  /** Settings of each webtoon instance over `webtoon` (by index). */
  perInstance?: Record<string, string>[];
}

export interface Bought {
  userId: string;
  purchaseId: string;
  priceCoins: number;
}

/** What both databases say about a set of users' purchases and money, after the fact. */
export interface Audit {
  purchases: number;
  byStatus: Record<string, number>;
  /** Purchases with more than one debit or more than one refund (the ledger forbids both). */
  duplicates: number;
  /** Coins by which the wallets disagree with their ledger or with the purchases' outcomes. */
  imbalance: number;
  refunds: number;
  /** Each broken rule, with the purchase it concerns. */
  violations: string[];
}

/**
 * The purchase saga as its own small platform: the real webtoon and payment services, each
 * its own process, on the dev stack's PostgreSQL and Kafka, plus the auth side they see (a
 * JWKS endpoint, signup events). Tests buy through it, break parts of it and audit it.
 */
export class SagaWorld {
  readonly webtoon: AppProcess[];
  readonly payment: AppProcess;
  readonly probe: KafkaProbe;
  private readonly webtoonDb: Pool;
  private readonly paymentDb: Pool;
  private next = 0;

  private constructor(
    readonly jwks: JwksServer,
    private readonly options: WorldOptions,
  ) {
    const env = {
      ...process.env,
      LOG_LEVEL: 'warn',
      KAFKA_TOPIC_PREFIX: options.prefix,
      ...jwks.env,
    };
    this.payment = new AppProcess('payment', { ...env, ...options.payment });
    this.webtoon = Array.from(
      { length: options.webtoonInstances ?? 1 },
      (_, i) =>
        new AppProcess('webtoon', { ...env, ...options.webtoon, ...options.perInstance?.[i] }),
    );
    this.probe = new KafkaProbe(process.env.KAFKA_BROKERS!.split(','), options.prefix);
    this.webtoonDb = new Pool({ connectionString: process.env.WEBTOON_DATABASE_URL, max: 2 });
    this.paymentDb = new Pool({ connectionString: process.env.PAYMENT_DATABASE_URL, max: 2 });
    // A pooled connection that a database restart cut is dropped, not fatal.
    this.webtoonDb.on('error', () => undefined);
    this.paymentDb.on('error', () => undefined);
  }

  static async start(options: WorldOptions): Promise<SagaWorld> {
    execSync('npx nx run-many -t build -p webtoon payment', { cwd: root, stdio: 'ignore' });
    const world = new SagaWorld(await JwksServer.start(), options);
    await world.payment.start();
    await Promise.all(world.webtoon.map((app) => app.start()));
    await world.probe.connect();
    return world;
  }

  async stop(): Promise<void> {
    await this.probe.stop();
    await Promise.all([...this.webtoon, this.payment].map((app) => app.stop()));
    await Promise.all([this.webtoonDb.end(), this.paymentDb.end()]);
    await this.jwks.stop();
    await deleteTopicsWithPrefix(process.env.KAFKA_BROKERS!.split(','), this.options.prefix);
  }

  async bearer(userId: string, roles: ('reader' | 'author')[] = ['reader']): Promise<string> {
    return `Bearer ${await this.jwks.issuer.sign(userId, { roles })}`;
  }

  private async webtoonUrl(): Promise<string> {
    return this.webtoon[this.next++ % this.webtoon.length].url;
  }

  /** A new user (auth's signup event), with the signup bonus and `topUp` more coins. */
  async signUp(topUp = 0): Promise<string> {
    const userId = randomUUID();
    await this.probe.send(userRegistered(userId));
    await waitFor(async () => ((await this.wallet(userId)) ? true : undefined), 60_000);
    if (topUp > 0) {
      const res = await this.topUp(userId, topUp);
      if (res !== 201) throw new Error(`top-up answered ${res}`);
    }
    return userId;
  }

  async topUp(userId: string, amount: number, key = randomUUID()): Promise<number> {
    const res = await fetch(`${await this.payment.url}/api/payments/top-ups`, {
      method: 'POST',
      headers: {
        authorization: await this.bearer(userId),
        'content-type': 'application/json',
        'idempotency-key': `top-up-${key}`,
      },
      body: JSON.stringify({ amount }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  async wallet(userId: string): Promise<{ balance: number } | undefined> {
    const res = await fetch(`${await this.payment.url}/api/payments/wallet`, {
      headers: { authorization: await this.bearer(userId) },
    });
    return res.status === 200 ? ((await res.json()) as { balance: number }) : undefined;
  }

  async transactions(
    userId: string,
  ): Promise<{ kind: string; amount: number; reference: string }[]> {
    const res = await fetch(`${await this.payment.url}/api/payments/transactions?limit=100`, {
      headers: { authorization: await this.bearer(userId) },
    });
    return ((await res.json()) as { items: { kind: string; amount: number; reference: string }[] })
      .items;
  }

  /** A series with one paid episode per price, numbered from 1. */
  async series(prices: number[]): Promise<string> {
    const author = randomUUID();
    const headers = {
      authorization: await this.bearer(author, ['author']),
      'content-type': 'application/json',
    };
    const url = await this.webtoonUrl();
    const created = await fetch(`${url}/api/webtoons`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: `Saga ${randomUUID()}`, genres: ['drama'] }),
    });
    const { id } = (await created.json()) as { id: string };
    for (const priceCoins of prices) {
      const res = await fetch(`${url}/api/webtoons/${id}/episodes`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          title: 'Paid',
          imageUrls: ['https://cdn.example.com/p.jpg'],
          priceCoins,
        }),
      });
      if (res.status !== 201) throw new Error(`episode: ${res.status} ${await res.text()}`);
    }
    return id;
  }

  async buy(
    userId: string,
    seriesId: string,
    no: number,
    key = randomUUID(),
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(
      `${await this.webtoonUrl()}/api/webtoons/${seriesId}/episodes/${no}/purchase`,
      {
        method: 'POST',
        headers: { authorization: await this.bearer(userId), 'idempotency-key': `saga-${key}` },
      },
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async purchase(userId: string, purchaseId: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${await this.webtoonUrl()}/api/webtoons/purchases/${purchaseId}`, {
      headers: { authorization: await this.bearer(userId) },
    });
    return (await res.json()) as Record<string, unknown>;
  }

  /** Waits until none of `bought` is pending any more (read from webtoon's database). */
  async drained(bought: Bought[], timeoutMs: number): Promise<void> {
    const ids = bought.map((b) => b.purchaseId);
    await waitFor(
      async () => {
        const { rows } = await this.webtoonDb.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM purchases WHERE id = ANY($1) AND status = 'pending'`,
          [ids],
        );
        return rows[0].n === 0 ? true : undefined;
      },
      timeoutMs,
      () => this.webtoon.map((w) => w.log).join('\n') + this.payment.log,
    );
  }

  /**
   * Waits until payment has answered every expiry of `bought` (refunded, cancelled or left a
   * decline alone), so the audit sees the compensations too.
   */
  async compensated(bought: Bought[], timeoutMs: number): Promise<void> {
    const ids = bought.map((b) => b.purchaseId);
    await waitFor(async () => {
      const expired = await this.webtoonDb.query<{ id: string }>(
        `SELECT id FROM purchases WHERE id = ANY($1) AND status = 'expired'`,
        [ids],
      );
      const expiredIds = expired.rows.map((r) => r.id);
      const { rows } = await this.paymentDb.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM purchase_settlements
         WHERE purchase_id = ANY($1::uuid[]) AND status IN ('refunded', 'cancelled', 'declined')`,
        [expiredIds],
      );
      return rows[0].n === expiredIds.length ? true : undefined;
    }, timeoutMs);
  }

  /** Checks every rule of the saga's money over these users' purchases. */
  async audit(bought: Bought[]): Promise<Audit> {
    const ids = bought.map((b) => b.purchaseId);
    const users = [...new Set(bought.map((b) => b.userId))];
    const purchases = (
      await this.webtoonDb.query<{ id: string; status: string; price: number; entitled: boolean }>(
        `SELECT p.id, p.status, p.price_coins AS price, (e.purchase_id IS NOT NULL) AS entitled
         FROM purchases p LEFT JOIN entitlements e ON e.purchase_id = p.id WHERE p.id = ANY($1)`,
        [ids],
      )
    ).rows;
    const strayEntitlements = (
      await this.webtoonDb.query<{ purchase_id: string }>(
        `SELECT e.purchase_id FROM entitlements e JOIN purchases p ON p.id = e.purchase_id
         WHERE e.user_id = ANY($1) AND p.status <> 'completed'`,
        [users],
      )
    ).rows;
    const lines = (
      await this.paymentDb.query<{ kind: string; reference: string; amount: number }>(
        `SELECT t.kind, t.reference, e.amount::int AS amount
         FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
         JOIN wallets w ON w.id = e.wallet_id WHERE w.user_id = ANY($1)`,
        [users],
      )
    ).rows;
    const wallets = (
      await this.paymentDb.query<{ user_id: string; balance: number; booked: number }>(
        `SELECT w.user_id, w.balance::int AS balance,
                coalesce((SELECT sum(amount) FROM ledger_entries WHERE wallet_id = w.id), 0)::int AS booked
         FROM wallets w WHERE w.user_id = ANY($1)`,
        [users],
      )
    ).rows;

    const debits = new Map<string, number[]>();
    const refunds = new Map<string, number[]>();
    for (const line of lines) {
      const into =
        line.kind === 'purchase' ? debits : line.kind === 'purchase_refund' ? refunds : undefined;
      into?.set(line.reference, [...(into.get(line.reference) ?? []), line.amount]);
    }
    const violations: string[] = [];
    const byStatus: Record<string, number> = {};
    let duplicates = 0;
    let imbalance = 0;
    for (const p of purchases) {
      byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
      const debited = debits.get(p.id) ?? [];
      const refunded = refunds.get(p.id) ?? [];
      if (debited.length > 1 || refunded.length > 1) duplicates++;
      // What the wallet paid for this purchase in the end: the price if completed, else 0.
      const net = -(debited.reduce((a, b) => a + b, 0) + refunded.reduce((a, b) => a + b, 0));
      const owed = p.status === 'completed' ? p.price : 0;
      imbalance += Math.abs(net - owed);
      if (p.status === 'pending') violations.push(`${p.id} is still pending`);
      if (p.status === 'completed' && (debited.length !== 1 || refunded.length !== 0)) {
        violations.push(
          `${p.id} completed with ${debited.length} debits, ${refunded.length} refunds`,
        );
      }
      if (p.status === 'completed' && !p.entitled)
        violations.push(`${p.id} completed, no entitlement`);
      if (p.status !== 'completed' && p.entitled)
        violations.push(`${p.id} ${p.status} but entitled`);
      if (p.status === 'expired' && debited.length !== refunded.length) {
        violations.push(
          `${p.id} expired with ${debited.length} debits, ${refunded.length} refunds`,
        );
      }
      if (p.status === 'declined' && debited.length > 0)
        violations.push(`${p.id} declined but debited`);
    }
    for (const e of strayEntitlements)
      violations.push(`entitlement of ${e.purchase_id} without a completed purchase`);
    for (const w of wallets) {
      if (w.balance !== w.booked)
        violations.push(`wallet of ${w.user_id} disagrees with its ledger`);
      imbalance += Math.abs(w.balance - w.booked);
    }
    return {
      purchases: purchases.length,
      byStatus,
      duplicates,
      imbalance,
      refunds: [...refunds.values()].reduce((n, r) => n + r.length, 0),
      violations,
    };
  }
}
