import { randomUUID } from 'node:crypto';
import { KafkaProbe, waitFor } from '@lib/platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import { startComponent, stopComponent, type Component } from '../support/devstack-control';
import { SagaWorld, type Audit, type Bought } from '../support/saga-world';

jest.setTimeout(600_000);

/**
 * Whole-platform fault tests: the real webtoon and payment processes on the dev stack's real
 * PostgreSQL and Kafka, under load, while a process is killed or a server stopped. After each
 * fault: every purchase ended (completed, declined or expired), no wallet was debited twice,
 * the ledger matches the purchases, no entitlement exists without its debit, and nothing was
 * dead-lettered (unless the test injected poison on purpose). Each prints its figures.
 *
 * They stop and start servers of the dev stack this checkout runs, and leave them running.
 */
const figures: string[] = [];
const DLQ_TOPICS = ['webtoon.purchases.dlq', 'payment.purchases.dlq', 'auth.users.dlq'];

/** events_consumer_retries_total over the world's processes (since each last started). */
async function infraRetries(world: SagaWorld): Promise<number> {
  let total = 0;
  for (const app of [...world.webtoon, world.payment]) {
    const text = await (await fetch(`${await app.adminUrl}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('events_consumer_retries_total{')) total += Number(line.split(' ').pop());
    }
  }
  return total;
}

async function report(
  world: SagaWorld,
  name: string,
  operations: number,
  audit: Audit,
  dlq: number,
  drainMs: number,
) {
  const states = Object.entries(audit.byStatus)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  figures.push(
    `| ${name} | ${operations} | ${states} | ${audit.refunds} | ${audit.duplicates} | ${audit.imbalance} | ${dlq} | ${await infraRetries(world)} | ${(drainMs / 1000).toFixed(1)} s |`,
  );
}

afterAll(() => {
  console.log(
    [
      '| fault | operations | terminal states | refunds | duplicates | money imbalance | dead letters | infrastructure retries | time to drain |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...figures,
    ].join('\n'),
  );
});

/** Retries one client operation through an outage: same Idempotency-Key, until accepted. */
async function untilAccepted<T>(op: () => Promise<T | undefined>): Promise<T> {
  return waitFor(async () => {
    try {
      return await op();
    } catch {
      return undefined; // connection refused or reset: the service is restarting
    }
  }, 120_000);
}

/** Runs `jobs` with at most `width` in flight. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < jobs.length; i = next++) results[i] = await jobs[i]();
    }),
  );
  return results;
}

async function deadLetters(prefix: string): Promise<KafkaProbe> {
  const probe = new KafkaProbe(process.env.KAFKA_BROKERS!.split(','), prefix);
  await probe.listen(...DLQ_TOPICS);
  return probe;
}

/**
 * Buyers and their purchases: `users` users with enough coins, `perUser` paid episodes each
 * (1–3 coins), bought concurrently with client retries; `during` runs the fault meanwhile.
 */
async function purchaseLoad(
  world: SagaWorld,
  users: number,
  perUser: number,
  options: {
    topUpsPerUser?: number;
    /** Runs once the buyers have wallets and the episodes exist, before the first purchase. */
    before?: () => Promise<void>;
    during?: (accepted: () => number) => Promise<void>;
  } = {},
): Promise<{ bought: Bought[]; operations: number; faultEnded: number }> {
  const buyers = await Promise.all(Array.from({ length: users }, () => world.signUp()));
  const prices = Array.from({ length: perUser }, (_, i) => (i % 3) + 1);
  const seriesId = await world.series(prices);
  await options.before?.();
  let accepted = 0;
  let topUps = 0;
  const jobs = buyers.flatMap((userId) => [
    ...prices.map((priceCoins, i) => async (): Promise<Bought> => {
      const key = randomUUID();
      const purchaseId = await untilAccepted(async () => {
        const res = await world.buy(userId, seriesId, i + 1, key);
        return res.status === 202 ? (res.body.purchaseId as string) : undefined;
      });
      accepted++;
      return { userId, purchaseId, priceCoins };
    }),
    ...Array.from({ length: options.topUpsPerUser ?? 0 }, () => async (): Promise<undefined> => {
      const key = randomUUID();
      await untilAccepted(async () =>
        (await world.topUp(userId, 5, key)) === 201 ? true : undefined,
      );
      topUps++;
      return undefined;
    }),
  ]);
  // Interleave buyers so the load spreads over wallets and partitions.
  jobs.sort(() => Math.random() - 0.5);
  let faultEnded = Date.now();
  const [results] = await Promise.all([
    pool(jobs, 50),
    (async () => {
      await options.during?.(() => accepted);
      faultEnded = Date.now();
    })(),
  ]);
  const bought = results.filter((r): r is Bought => r !== undefined);
  return { bought, operations: bought.length + topUps, faultEnded };
}

/** Stops a server, waits, starts it again; returns how long it was away in all (seconds). */
async function outage(component: Component, downMs: number): Promise<string> {
  const started = Date.now();
  await stopComponent(component);
  try {
    await new Promise((wait) => setTimeout(wait, downMs));
  } finally {
    await startComponent(component);
  }
  return ((Date.now() - started) / 1000).toFixed(0);
}

describe('the purchase saga under faults (deadline 60 s)', () => {
  const prefix = `fault-${randomUUID().slice(0, 8)}.`;
  let world: SagaWorld;
  let dlq: KafkaProbe;

  beforeAll(async () => {
    world = await SagaWorld.start({ prefix, payment: { SIGNUP_BONUS_COINS: '100' } });
    dlq = await deadLetters(prefix);
  });

  afterAll(async () => {
    await dlq?.stop();
    await world?.stop();
  });

  async function settleAndAudit(name: string, load: Awaited<ReturnType<typeof purchaseLoad>>) {
    await world.drained(load.bought, 240_000);
    await world.compensated(load.bought, 120_000);
    const drainMs = Date.now() - load.faultEnded;
    const audit = await world.audit(load.bought);
    await report(world, name, load.operations, audit, dlq.received.length, drainMs);
    expect(audit).toMatchObject({ duplicates: 0, imbalance: 0, violations: [] });
    expect(audit.byStatus.pending).toBeUndefined();
    expect(dlq.received).toEqual([]);
    return audit;
  }

  it('(1) kill -9 payment in the middle of 200 concurrent purchases, restart it', async () => {
    const load = await purchaseLoad(world, 20, 10, {
      during: async (accepted) => {
        await waitFor(async () => (accepted() >= 60 ? true : undefined), 60_000);
        await world.payment.kill();
        await world.payment.start();
      },
    });
    expect(load.bought).toHaveLength(200);
    await settleAndAudit('(1) kill -9 payment mid-load', load);
  });

  it('(2) Kafka stopped for 30 s during purchases and top-ups, then started again', async () => {
    let away = '';
    const load = await purchaseLoad(world, 20, 10, {
      topUpsPerUser: 3,
      during: async (accepted) => {
        await waitFor(async () => (accepted() >= 40 ? true : undefined), 60_000);
        away = await outage('kafka', 30_000);
      },
    });
    await settleAndAudit(`(2) Kafka stopped 30 s (away ${away} s with its stop and start)`, load);
  });

  it('(3) PostgreSQL restarted during purchases and top-ups', async () => {
    let away = '';
    const load = await purchaseLoad(world, 20, 10, {
      topUpsPerUser: 3,
      during: async (accepted) => {
        await waitFor(async () => (accepted() >= 40 ? true : undefined), 60_000);
        away = await outage('postgres', 2000);
      },
    });
    await settleAndAudit(`(3) PostgreSQL restarted (away ${away} s)`, load);
  });

  it('(5) malformed events on a topic go to its DLQ with their reason; the consumer goes on', async () => {
    const producer = new Kafka({
      clientId: 'fault-poison',
      brokers: process.env.KAFKA_BROKERS!.split(','),
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    const purchaseId = randomUUID();
    const poison = [
      'not json at all',
      JSON.stringify({
        id: randomUUID(),
        type: 'payment.purchase.succeeded.v7',
        occurredAt: new Date().toISOString(),
        source: 'fault-test',
        correlationId: 'poison',
        data: { purchaseId },
      }),
      JSON.stringify({
        id: randomUUID(),
        type: 'payment.purchase.succeeded.v1',
        occurredAt: new Date().toISOString(),
        source: 'fault-test',
        correlationId: 'poison',
        data: { purchaseId, userId: 'u', amountCoins: -5, transactionId: 't', balanceAfter: 0 },
      }),
    ];
    const started = Date.now();
    await producer.send({
      topic: `${prefix}payment.purchases`,
      messages: poison.map((value) => ({ key: purchaseId, value })),
    });
    await producer.disconnect();
    // Right behind the poison, on every partition: real purchases still complete.
    const load = await purchaseLoad(world, 3, 3);
    const audit = await settleAndAuditAllowingDlq(load);
    const letters = await waitFor(async () => {
      const mine = dlq.received.filter(
        (l) =>
          (l as unknown as { origin: { topic: string } }).origin.topic ===
          `${prefix}payment.purchases`,
      );
      return mine.length >= 3 ? mine : undefined;
    }, 60_000);
    const reasons = letters.map(
      (l) => (l as unknown as { error: { message: string } }).error.message,
    );
    expect(reasons.sort()).toEqual([
      expect.stringMatching(/^invalid payment\.purchase\.succeeded\.v1: amountCoins: /),
      'not JSON',
      'unknown event type payment.purchase.succeeded.v7',
    ]);
    await report(
      world,
      '(5) 3 malformed events',
      poison.length + load.operations,
      audit,
      letters.length,
      Date.now() - started,
    );
  });

  async function settleAndAuditAllowingDlq(load: Awaited<ReturnType<typeof purchaseLoad>>) {
    await world.drained(load.bought, 120_000);
    const audit = await world.audit(load.bought);
    expect(audit).toMatchObject({ duplicates: 0, imbalance: 0, violations: [] });
    expect(audit.byStatus).toEqual({ completed: load.bought.length });
    return audit;
  }
});

describe('the purchase saga with payment down past the deadline (deadline 3 s)', () => {
  const prefix = `fault-late-${randomUUID().slice(0, 8)}.`;
  let world: SagaWorld;
  let dlq: KafkaProbe;

  beforeAll(async () => {
    world = await SagaWorld.start({
      prefix,
      webtoon: { PURCHASE_DEADLINE_SECONDS: '3', PURCHASE_SWEEP_INTERVAL_MS: '200' },
      payment: { SIGNUP_BONUS_COINS: '100' },
    });
    dlq = await deadLetters(prefix);
  });

  afterAll(async () => {
    await dlq?.stop();
    await world?.stop();
  });

  it('(4) purchases expire; payment comes back, works through the backlog, refunds each late debit', async () => {
    const load = await purchaseLoad(world, 10, 5, { before: () => world.payment.stop() });
    await world.drained(load.bought, 60_000);
    const expiredBefore = await world.audit(load.bought);
    expect(expiredBefore.byStatus).toEqual({ expired: load.bought.length });

    const back = Date.now();
    await world.payment.start();
    await world.compensated(load.bought, 120_000);
    const audit = await world.audit(load.bought);
    await report(
      world,
      '(4) payment down > deadline',
      load.operations,
      audit,
      dlq.received.length,
      Date.now() - back,
    );
    expect(audit).toMatchObject({
      byStatus: { expired: load.bought.length },
      refunds: load.bought.length,
      duplicates: 0,
      imbalance: 0,
      violations: [],
    });
    expect(dlq.received).toEqual([]);
    // Each buyer has every coin back.
    for (const userId of new Set(load.bought.map((b) => b.userId))) {
      expect((await world.wallet(userId))?.balance).toBe(100);
    }
  });
});
