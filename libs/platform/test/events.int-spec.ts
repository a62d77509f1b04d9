import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Injectable, type Provider } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { waitFor } from '../src/testing';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxPublisher } from '../src/database/postgres';
import {
  OnEvent,
  replayDeadLetters,
  type DeadLetter,
  type EventsModuleOptions,
} from '../src/events';
import { HealthRegistry } from '../src/health/health.registry';
import {
  EventsTestRun,
  TestDatabase,
  metricValue,
  publishInTransaction,
  stack,
} from './fixtures/events-harness';

type ToppedUp = EventEnvelope<'payment.wallet.topped-up.v1'>;

/** A consumer's effect: add the amount to the balance and log the event, in the bus's transaction. */
@Injectable()
class BalanceProjection {
  /** Amount that makes the handler fail until `fixed` (a bug in the handler, say). */
  poisonAmount = -1;
  fixed = false;
  attemptsOnPoison = 0;
  /** While set, every event waits for it before it is applied (a slow handler, say). */
  gate: Promise<void> | undefined;
  /** Until then every attempt fails as if the database were unreachable (an outage, say). */
  unreachableUntil = 0;
  attemptsWhileUnreachable = 0;

  @OnEvent('payment.wallet.topped-up.v1')
  async apply(event: ToppedUp, tx: EntityManager): Promise<void> {
    await this.gate;
    if (Date.now() < this.unreachableUntil) {
      this.attemptsWhileUnreachable++;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
      });
    }
    if (event.data.amountCoins === this.poisonAmount && !this.fixed) {
      this.attemptsOnPoison++;
      throw new Error(`cannot apply amount ${this.poisonAmount}`);
    }
    await tx.query(
      `INSERT INTO balances (user_id, balance) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET balance = balances.balance + EXCLUDED.balance`,
      [event.data.userId, event.data.amountCoins],
    );
    await tx.query(`INSERT INTO applied (event_id, user_id, amount) VALUES ($1, $2, $3)`, [
      event.id,
      event.data.userId,
      event.data.amountCoins,
    ]);
  }
}

function toppedUp(userId: string, amountCoins: number, balanceAfter = 0) {
  return { walletId: `w-${userId}`, userId, amountCoins, balanceAfter };
}

/** A top-up as a Kafka message, the way the relay writes it. */
function toppedUpMessage(userId: string, amountCoins: number) {
  const envelope: ToppedUp = {
    id: randomUUID(),
    type: 'payment.wallet.topped-up.v1',
    occurredAt: new Date().toISOString(),
    source: 'payment',
    correlationId: `req-${userId}`,
    data: toppedUp(userId, amountCoins),
  };
  return { envelope, message: { key: userId, value: JSON.stringify(envelope) } };
}

describe('event bus on PostgreSQL and Kafka', () => {
  const { brokers } = stack();
  let db: TestDatabase;
  let run: EventsTestRun;

  beforeEach(async () => {
    db = await TestDatabase.create();
    run = new EventsTestRun(brokers);
  });

  afterEach(async () => {
    await run.close();
    await db.drop();
  });

  /** An instance of payment on its own database. */
  const instance = (
    dataSource: DataSource,
    extra: Partial<EventsModuleOptions> = {},
    providers: Provider[] = [],
  ) =>
    run.instance(
      { source: 'payment', store: { kind: 'postgres', dataSource }, ...extra },
      providers,
    );
  const probe = (...topics: string[]) => run.probe(...topics);

  it('publishes nothing for a state change whose transaction aborts', async () => {
    const dataSource = await db.dataSource();
    const app = await instance(dataSource);
    const wallets = await probe('payment.wallets');
    let abortedId = '';

    await expect(
      dataSource.transaction(async (tx) => {
        await tx.query(`INSERT INTO balances (user_id, balance) VALUES ('u-aborted', 100)`);
        const envelope = await app.get(OutboxPublisher).publish(tx, 'payment.wallet.opened.v1', {
          walletId: 'w1',
          userId: 'u-aborted',
          balance: 100,
        });
        abortedId = envelope.id;
        throw new Error('business rule failed after the event was written');
      }),
    ).rejects.toThrow('business rule failed');
    // A later committed event on the same topic proves the relay has run past that point.
    const marker = await publishInTransaction(app, dataSource, 'payment.wallet.opened.v1', {
      walletId: 'w2',
      userId: 'u-marker',
      balance: 0,
    });
    await wallets.waitForEvent(marker.id);

    expect(abortedId).not.toBe('');
    expect(wallets.withEventId(abortedId)).toHaveLength(0);
    expect(
      await dataSource.query(`SELECT 1 FROM outbox_events WHERE id = $1`, [abortedId]),
    ).toHaveLength(0);
    expect(
      await dataSource.query(`SELECT 1 FROM balances WHERE user_id = 'u-aborted'`),
    ).toHaveLength(0);
    expect(await app.get(HealthRegistry).readiness()).toEqual({
      ready: true,
      checks: { kafka: 'up' },
    });
    expect(await metricValue(app, 'outbox_pending', {})).toBe(0);
  });

  it('rolls a failed pass back, keeping its rows pending, and sends them once after', async () => {
    const dataSource = await db.dataSource();
    let failing = true;
    let failures = 0;
    const app = await instance(dataSource, {
      faults: {
        beforeSend: () => {
          if (!failing) return;
          failures++;
          throw new Error('the pass fails after its claim');
        },
      },
    });
    const wallets = await probe('payment.wallets');
    const first = await publishInTransaction(app, dataSource, 'payment.wallet.opened.v1', {
      walletId: 'w-retry',
      userId: 'u-retry',
      balance: 0,
    });
    await waitFor(async () => (failures >= 2 ? true : undefined));
    // Between the failing passes (a second apart) no connection is left inside the claim's
    // transaction, holding its row locks.
    // (Asked on a connection of its own: a leaked one would be lent to a query of the pool.)
    const observer = new Client({ connectionString: db.url });
    await observer.connect();
    try {
      const idleInTransaction = async () =>
        (
          await observer.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
          )
        ).rows[0].n;
      await waitFor(async () => ((await idleInTransaction()) === 0 ? true : undefined), 500);
    } finally {
      await observer.end();
    }
    expect(wallets.withEventId(first.id)).toHaveLength(0);

    failing = false;
    await wallets.waitForEvent(first.id);
    const second = await publishInTransaction(app, dataSource, 'payment.wallet.opened.v1', {
      walletId: 'w-after',
      userId: 'u-after',
      balance: 0,
    });
    await wallets.waitForEvent(second.id);
    expect(wallets.withEventId(first.id)).toHaveLength(1);
    expect(wallets.withEventId(second.id)).toHaveLength(1);
    expect(
      await dataSource.query(
        `SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NOT NULL AND id = ANY($1::uuid[])`,
        [[first.id, second.id]],
      ),
    ).toEqual([{ n: 2 }]);
    expect(await metricValue(app, 'outbox_pending', {})).toBe(0);
  });

  it('publishes an event committed just before a crash exactly once after the restart', async () => {
    // Node itself (not the tsx CLI wrapper) runs the fixture, so its death is our child's.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'libs/platform/test/fixtures/crash-after-commit.ts'],
      {
        cwd: resolve(__dirname, '../../..'),
        env: {
          ...process.env,
          TSX_TSCONFIG_PATH: 'tsconfig.base.json',
          EVENTS_IT_DATABASE_URL: db.url,
          EVENTS_IT_TOPIC_PREFIX: run.prefix,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    expect({ ...exit, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
    const eventId = stdout.trim();

    const dataSource = await db.dataSource();
    const [row] = await dataSource.query(`SELECT sent_at FROM outbox_events WHERE id = $1`, [
      eventId,
    ]);
    expect(row).toEqual({ sent_at: null });

    const wallets = await probe('payment.wallets');
    const app = await instance(dataSource);
    await wallets.waitForEvent(eventId);
    const marker = await publishInTransaction(app, dataSource, 'payment.wallet.opened.v1', {
      walletId: 'w-marker',
      userId: 'u-marker',
      balance: 0,
    });
    await wallets.waitForEvent(marker.id);

    expect(wallets.withEventId(eventId)).toHaveLength(1);
    expect(wallets.withEventId(eventId)[0]).toMatchObject({
      key: expect.stringMatching(/^crash-/),
      headers: expect.objectContaining({ 'event-type': Buffer.from('payment.wallet.opened.v1') }),
    });
    const [sent] = await dataSource.query(`SELECT sent_at FROM outbox_events WHERE id = $1`, [
      eventId,
    ]);
    expect(sent.sent_at).toBeInstanceOf(Date);
  });

  it('reports how many messages a consumer group has yet to get through, per topic', async () => {
    const dataSource = await db.dataSource();
    const projection = new BalanceProjection();
    let release: () => void = () => undefined;
    projection.gate = new Promise((done) => (release = done));
    const app = await instance(
      dataSource,
      { consumerGroup: 'ledger', relay: false, lagEveryMs: 200 },
      [{ provide: BalanceProjection, useValue: projection }],
    );
    const producer = await run.producer();
    const amounts = [1, 2, 3, 4];
    await producer.send({
      topic: run.topic('payment.wallets'),
      messages: amounts.map((amount) => toppedUpMessage('u-lag', amount).message),
    });
    const labels = { group: run.topic('ledger'), topic: run.topic('payment.wallets') };
    const lagIs = (expected: number) => async () =>
      (await metricValue(app, 'kafka_consumer_lag', labels)) === expected ? true : undefined;

    // The first of the four is held in its handler, so none is committed: all four are behind.
    await waitFor(lagIs(4), 20_000);
    release();
    await waitFor(lagIs(0), 20_000);
    expect(await dataSource.query(`SELECT balance FROM balances WHERE user_id = 'u-lag'`)).toEqual([
      { balance: 10 },
    ]);
  });

  it('commits the offsets it handled on an interval and on shutdown, not after every batch', async () => {
    const dataSource = await db.dataSource();
    const projection = new BalanceProjection();
    const producer = await run.producer();
    const send = (...amounts: number[]) =>
      producer.send({
        topic: run.topic('payment.wallets'),
        messages: amounts.map((amount) => toppedUpMessage('u-commit', amount).message),
      });
    const balanceIs = (expected: number) => async () => {
      const rows: { balance: number }[] = await dataSource.query(
        `SELECT balance FROM balances WHERE user_id = 'u-commit'`,
      );
      return rows[0]?.balance === expected ? true : undefined;
    };
    const providers = [{ provide: BalanceProjection, useValue: projection }];

    // An interval longer than the test: only the shutdown commits.
    const first = await instance(
      dataSource,
      { consumerGroup: 'ledger', relay: false, commitEveryMs: 600_000 },
      providers,
    );
    await send(1, 2, 3);
    await waitFor(balanceIs(6));
    expect(await run.committed('ledger', 'payment.wallets')).toBe(0);
    await run.stop(first);
    expect(await run.committed('ledger', 'payment.wallets')).toBe(3);

    // The next instance goes on from there (nothing applied twice) and commits on its interval.
    const second = await instance(
      dataSource,
      { consumerGroup: 'ledger', relay: false, commitEveryMs: 200 },
      providers,
    );
    await send(4, 5);
    await waitFor(balanceIs(15));
    await waitFor(async () =>
      (await run.committed('ledger', 'payment.wallets')) === 5 ? true : undefined,
    );
    const labels = { type: 'payment.wallet.topped-up.v1', group: run.topic('ledger') };
    expect(
      await metricValue(second, 'events_consumed_total', { ...labels, outcome: 'handled' }),
    ).toBe(2);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM applied`)).toEqual([{ n: 5 }]);
  });

  it('applies an event delivered twice only once', async () => {
    const dataSource = await db.dataSource();
    const projection = new BalanceProjection();
    const app = await instance(dataSource, { consumerGroup: 'ledger', relay: false }, [
      { provide: BalanceProjection, useValue: projection },
    ]);
    const producer = await run.producer();
    const { envelope, message } = toppedUpMessage('u-dup', 50);

    // The broker redelivers after a lost commit: the same message arrives twice.
    await producer.send({ topic: run.topic('payment.wallets'), messages: [message, message] });

    const group = run.topic('ledger');
    const labels = { type: envelope.type, group };
    await waitFor(async () =>
      (await metricValue(app, 'events_consumed_total', { ...labels, outcome: 'duplicate' })) === 1
        ? true
        : undefined,
    );
    expect(await metricValue(app, 'events_consumed_total', { ...labels, outcome: 'handled' })).toBe(
      1,
    );
    expect(await dataSource.query(`SELECT balance FROM balances WHERE user_id = 'u-dup'`)).toEqual([
      { balance: 50 },
    ]);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM applied`)).toEqual([{ n: 1 }]);
    expect(
      await dataSource.query(
        `SELECT consumer_group, event_type FROM processed_events WHERE event_id = $1`,
        [envelope.id],
      ),
    ).toEqual([{ consumer_group: group, event_type: envelope.type }]);
  });

  it('prunes sent outbox rows after a day and applied-event records after 14 days', async () => {
    const dataSource = await db.dataSource();
    const outboxRow = (sentAt: string | null) =>
      dataSource.query(
        `INSERT INTO outbox_events (id, type, topic, key, envelope, sent_at)
         VALUES ($1, 'payment.wallet.topped-up.v1', 'payment.wallets', 'k', '{}', ${sentAt ?? 'NULL'})
         RETURNING id`,
        [randomUUID()],
      );
    await outboxRow(`now() - interval '25 hours'`);
    const [recentSent] = await outboxRow(`now() - interval '23 hours'`);
    const processedRow = async (age: string) => {
      const id = randomUUID();
      await dataSource.query(
        `INSERT INTO processed_events (consumer_group, event_id, event_type, processed_at)
         VALUES ('ledger', $1, 'payment.wallet.topped-up.v1', now() - interval '${age}')`,
        [id],
      );
      return id;
    };
    const oldProcessed = await processedRow('15 days');
    const recentProcessed = await processedRow('13 days');

    // A relay prunes on its first pass, then every 10 minutes.
    await instance(dataSource);
    await waitFor(async () => {
      const [row] = await dataSource.query(
        `SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1`,
        [oldProcessed],
      );
      return row.n === 0 ? true : undefined;
    });
    expect(
      (await dataSource.query(`SELECT id FROM outbox_events ORDER BY seq`)).map(
        (row: { id: string }) => row.id,
      ),
    ).toEqual([recentSent.id]);
    expect(await dataSource.query(`SELECT event_id FROM processed_events`)).toEqual([
      { event_id: recentProcessed },
    ]);
  });

  it('dead-letters an event its handler keeps failing on, moves on, and applies it after a fix and a replay', async () => {
    const dataSource = await db.dataSource();
    const projection = new BalanceProjection();
    projection.poisonAmount = 13;
    const app = await instance(
      dataSource,
      { consumerGroup: 'ledger', retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 50 } },
      [{ provide: BalanceProjection, useValue: projection }],
    );
    const deadLetters = await probe('payment.wallets.dlq');
    // Same key, so the same partition: the poison event sits in front of the two others.
    const poison = await publishInTransaction(
      app,
      dataSource,
      'payment.wallet.topped-up.v1',
      toppedUp('u-1', 13),
    );
    await publishInTransaction(app, dataSource, 'payment.wallet.topped-up.v1', toppedUp('u-1', 1));
    await publishInTransaction(app, dataSource, 'payment.wallet.topped-up.v1', toppedUp('u-1', 2));

    await waitFor(async () => {
      const rows = await dataSource.query(`SELECT amount FROM applied ORDER BY seq`);
      return rows.length === 2 ? rows : undefined;
    });
    const letter = await waitFor(async () => deadLetters.on(run.topic('payment.wallets.dlq'))[0]);

    expect(projection.attemptsOnPoison).toBe(3);
    const body = letter.json as unknown as DeadLetter;
    expect(body.envelope).toMatchObject({ id: poison.id, type: poison.type, data: poison.data });
    expect(body.error).toMatchObject({
      message: 'cannot apply amount 13',
      attempts: 3,
      consumerGroup: run.topic('ledger'),
    });
    expect(body.error.stack).toContain('BalanceProjection.apply');
    expect(body.origin.topic).toBe(run.topic('payment.wallets'));
    expect(letter.key).toBe('u-1');
    expect(
      await metricValue(app, 'events_dead_lettered_total', {
        type: poison.type,
        group: run.topic('ledger'),
      }),
    ).toBe(1);
    expect(await dataSource.query(`SELECT balance FROM balances WHERE user_id = 'u-1'`)).toEqual([
      { balance: 3 },
    ]);

    projection.fixed = true;
    const result = await replayDeadLetters({
      brokers,
      deadLetterTopic: run.topic('payment.wallets.dlq'),
      eventId: poison.id,
    });

    expect(result).toEqual({ read: 1, replayed: 1 });
    await waitFor(async () => {
      const [row] = await dataSource.query(`SELECT balance FROM balances WHERE user_id = 'u-1'`);
      return row.balance === 16 ? true : undefined;
    });
    expect(await dataSource.query(`SELECT event_id FROM applied WHERE amount = 13`)).toEqual([
      { event_id: poison.id },
    ]);
  });

  it('waits out an outage longer than all its retries: no dead letter, the partition held, then applied', async () => {
    const dataSource = await db.dataSource();
    const projection = new BalanceProjection();
    const app = await instance(
      dataSource,
      { consumerGroup: 'ledger', retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 } },
      [{ provide: BalanceProjection, useValue: projection }],
    );
    const deadLetters = await probe('payment.wallets.dlq');
    const labels = { group: run.topic('ledger'), topic: run.topic('payment.wallets') };
    projection.unreachableUntil = Date.now() + 3000;
    await publishInTransaction(app, dataSource, 'payment.wallet.topped-up.v1', toppedUp('u-9', 4));
    await publishInTransaction(app, dataSource, 'payment.wallet.topped-up.v1', toppedUp('u-9', 5));

    await waitFor(async () =>
      (await metricValue(app, 'events_consumer_retrying', labels)) === 1 ? true : undefined,
    );
    await waitFor(async () => {
      const [row] = await dataSource.query(`SELECT balance FROM balances WHERE user_id = 'u-9'`);
      return row?.balance === 9 ? true : undefined;
    });
    // Many more attempts than `retry.attempts`, none of them counted as the message's failure.
    expect(projection.attemptsWhileUnreachable).toBeGreaterThan(3);
    expect(
      await metricValue(app, 'events_consumer_retries_total', { ...labels, reason: 'network' }),
    ).toBe(projection.attemptsWhileUnreachable);
    expect(await metricValue(app, 'events_consumer_retrying', labels)).toBe(0);
    expect(deadLetters.on(run.topic('payment.wallets.dlq'))).toEqual([]);
    expect(
      (await dataSource.query(`SELECT amount FROM applied ORDER BY seq`)).map(
        (r: { amount: number }) => r.amount,
      ),
    ).toEqual([4, 5]);
  });

  it('dead-letters a payload its schema rejects at once, with the reason, and moves on', async () => {
    const dataSource = await db.dataSource();
    const projection = new BalanceProjection();
    await instance(dataSource, { consumerGroup: 'ledger' }, [
      { provide: BalanceProjection, useValue: projection },
    ]);
    const deadLetters = await probe('payment.wallets.dlq');
    const producer = await run.producer();
    const { envelope } = toppedUpMessage('u-7', 2);
    const invalid = { ...envelope, data: { ...envelope.data, amountCoins: 'two' } };
    await producer.send({
      topic: run.topic('payment.wallets'),
      messages: [{ key: 'u-7', value: JSON.stringify(invalid) }, toppedUpMessage('u-7', 3).message],
    });

    const letter = await waitFor(async () => deadLetters.on(run.topic('payment.wallets.dlq'))[0]);
    const body = letter.json as unknown as DeadLetter;
    expect(body.error.message).toMatch(/^invalid payment\.wallet\.topped-up\.v1: amountCoins: /);
    expect(body.error.attempts).toBe(0);
    expect(body.envelope).toEqual(invalid);
    await waitFor(async () => {
      const [row] = await dataSource.query(`SELECT balance FROM balances WHERE user_id = 'u-7'`);
      return row?.balance === 3 ? true : undefined;
    });
  });

  it('keeps the order of one key while two instances publish concurrently', async () => {
    const [sourceA, sourceB] = await Promise.all([db.dataSource(), db.dataSource()]);
    const [appA, appB] = await Promise.all([
      instance(sourceA, { consume: false }),
      instance(sourceB, { consume: false }),
    ]);
    const wallets = await probe('payment.wallets');
    const users = ['u-a', 'u-b', 'u-c', 'u-d', 'u-e', 'u-f', 'u-g', 'u-h'];
    const perUser = 25;

    // Each user's events are written one after another, alternately through either instance;
    // the users' streams run concurrently, so both relays always have work to race for.
    await Promise.all(
      users.map(async (userId) => {
        for (let n = 1; n <= perUser; n++) {
          const [app, source] = n % 2 === 0 ? [appA, sourceA] : [appB, sourceB];
          await publishInTransaction(
            app,
            source,
            'payment.wallet.topped-up.v1',
            toppedUp(userId, 1, n),
          );
        }
      }),
    );

    await waitFor(
      async () => (wallets.messages.length >= users.length * perUser ? true : undefined),
      30_000,
    );
    for (const userId of users) {
      const sequence = wallets.messages
        .filter((m) => m.key === userId)
        .map((m) => (m.json.data as { balanceAfter: number }).balanceAfter);
      expect(sequence).toEqual(Array.from({ length: perUser }, (_, i) => i + 1));
    }
    const published = await Promise.all(
      [appA, appB].map((app) =>
        metricValue(app, 'events_published_total', { type: 'payment.wallet.topped-up.v1' }),
      ),
    );
    // Both relays did part of the work, and no event went out twice.
    expect(published.every((n) => n > 0)).toBe(true);
    expect(published[0] + published[1]).toBe(users.length * perUser);
  });
});
