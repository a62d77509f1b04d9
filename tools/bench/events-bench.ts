/**
 * Event bus benchmark on the dev stack: publish → handled latency through the PostgreSQL
 * outbox, relay and Kafka into an idempotent handler (p50/p99), and end-to-end events/s.
 * Prints figures; it does not judge them.
 *
 *   npm run stack:up && npm run bench:events
 *   BENCH_LATENCY_EVENTS=500 BENCH_THROUGHPUT_EVENTS=10000 BENCH_WRITERS=32 npm run bench:events
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Global, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EventEnvelope } from '@lib/contracts';
import { APP_NAME, HealthRegistry, MetricsService } from '@lib/platform';
import { EventsModule, OnEvent } from '@lib/platform/events';
import { EVENTS_MIGRATIONS, OutboxPublisher } from '@lib/platform/postgres';
import { deleteTopicsWithPrefix, withDatabase } from '@lib/platform/testing';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

const latencyEvents = Number(process.env.BENCH_LATENCY_EVENTS ?? 300);
const throughputEvents = Number(process.env.BENCH_THROUGHPUT_EVENTS ?? 5000);
const writers = Number(process.env.BENCH_WRITERS ?? 16);

/** Marks each event handled, timing it from the moment its transaction started. */
@Injectable()
class LatencyProbe {
  readonly started = new Map<string, number>();
  readonly latencies: number[] = [];
  private waiters = new Map<string, () => void>();
  handled = 0;
  private onCount: { target: number; resolve: () => void } | undefined;

  @OnEvent('payment.wallet.topped-up.v1')
  async handle(event: EventEnvelope<'payment.wallet.topped-up.v1'>, tx: EntityManager) {
    await tx.query('SELECT 1');
    // Counted after the bus commits the handler's transaction: measured at the next tick.
    setImmediate(() => this.done(event.data.walletId));
  }

  handledOne(key: string): Promise<void> {
    return new Promise((resolve) => this.waiters.set(key, resolve));
  }

  handledCount(target: number): Promise<void> {
    return new Promise((resolve) => {
      this.onCount = { target, resolve };
      this.check();
    });
  }

  private done(key: string): void {
    const started = this.started.get(key);
    if (started !== undefined) this.latencies.push(performance.now() - started);
    this.handled++;
    this.waiters.get(key)?.();
    this.waiters.delete(key);
    this.check();
  }

  private check(): void {
    if (this.onCount && this.handled >= this.onCount.target) this.onCount.resolve();
  }
}

/** The dev stack's settings: from env, else from the .devstack/stack.env that `stack:up` writes. */
function stackSetting(name: 'KAFKA_BROKERS' | 'POSTGRES_ADMIN_URL'): string {
  const file = join(__dirname, '../../.devstack/stack.env');
  const fromFile = existsSync(file)
    ? new RegExp(`^${name}=(.*)$`, 'm').exec(readFileSync(file, 'utf8'))?.[1]
    : undefined;
  const value = process.env[name] ?? fromFile;
  if (!value) throw new Error(`${name} is not set: run npm run stack:up first`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function row(label: string, value: string): void {
  console.log(`${label.padEnd(52)} ${value}`);
}

export interface EventsFigures {
  latencyEvents: number;
  throughputEvents: number;
  writers: number;
  /** Publish → handled, ms, one event at a time. */
  idle: number[];
  idleP50: number;
  idleP99: number;
  loadedP50: number;
  loadedP99: number;
  publishPerSecond: number;
  handledPerSecond: number;
}

/** Runs the event bus benchmark with its defaults (env overrides), prints it, returns the figures. */
export async function runEventsBench(): Promise<EventsFigures> {
  const env = {
    KAFKA_BROKERS: stackSetting('KAFKA_BROKERS'),
    POSTGRES_ADMIN_URL: stackSetting('POSTGRES_ADMIN_URL'),
  };
  const name = `events_bench_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const admin = new Client({ connectionString: env.POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dataSource = await new DataSource({
    type: 'postgres',
    url: withDatabase(env.POSTGRES_ADMIN_URL, name),
    migrations: EVENTS_MIGRATIONS,
    extra: { max: writers + 4 },
  }).initialize();
  await dataSource.runMigrations();

  const probe = new LatencyProbe();
  @Global()
  @Module({
    providers: [{ provide: APP_NAME, useValue: 'bench' }, HealthRegistry, MetricsService],
    exports: [APP_NAME, HealthRegistry, MetricsService],
  })
  class BenchPlatformModule {}
  const topicPrefix = `bench-${randomUUID().slice(0, 8)}.`;
  @Module({
    imports: [
      BenchPlatformModule,
      EventsModule.forRoot({
        source: 'payment',
        brokers: env.KAFKA_BROKERS.split(','),
        topicPrefix,
        store: { kind: 'postgres', dataSource },
      }),
    ],
    providers: [{ provide: LatencyProbe, useValue: probe }],
  })
  class BenchModule {}

  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
    await app.init();
    const outbox = app.get(OutboxPublisher);
    let seq = 0;
    const publish = (key: string) => {
      probe.started.set(key, performance.now());
      return dataSource.transaction((tx) =>
        outbox.publish(tx, 'payment.wallet.topped-up.v1', {
          walletId: key,
          // 64 users spread over the partitions, as real traffic would be.
          userId: `user-${seq++ % 64}`,
          amountCoins: 1,
          balanceAfter: 1,
        }),
      );
    };

    // Warm-up: the consumer group join and the first fetches are not part of the figures.
    await Promise.all([probe.handledOne('warm-up'), publish('warm-up')]);
    probe.latencies.length = 0;
    probe.handled = 0;

    // One event at a time: the latency a single request's event sees on an idle system.
    for (let i = 0; i < latencyEvents; i++) {
      const key = `l-${i}`;
      await Promise.all([probe.handledOne(key), publish(key)]);
    }
    const idle = [...probe.latencies].sort((a, b) => a - b);

    // Many writers at once: sustained events/s through outbox, relay, Kafka and handler.
    probe.latencies.length = 0;
    const handledBefore = probe.handled;
    const allHandled = probe.handledCount(handledBefore + throughputEvents);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < throughputEvents) await publish(`t-${next++}`);
      }),
    );
    const published = performance.now();
    await allHandled;
    const finished = performance.now();
    const loaded = [...probe.latencies].sort((a, b) => a - b);

    console.log(`\nEvent bus benchmark (PostgreSQL outbox → relay → Kafka → idempotent handler)\n`);
    row(
      `idle, one at a time (${latencyEvents} events): p50`,
      `${percentile(idle, 50).toFixed(1)} ms`,
    );
    row('idle: p99', `${percentile(idle, 99).toFixed(1)} ms`);
    row(
      `saturated, ${writers} writers (${throughputEvents} events): p50`,
      `${percentile(loaded, 50).toFixed(1)} ms`,
    );
    row(
      'saturated (mostly queueing behind the consumer): p99',
      `${percentile(loaded, 99).toFixed(1)} ms`,
    );
    row(
      'publish rate (transactions committed)',
      `${((throughputEvents / (published - started)) * 1000).toFixed(0)} events/s`,
    );
    row(
      'end-to-end rate (handled)',
      `${((throughputEvents / (finished - started)) * 1000).toFixed(0)} events/s`,
    );
    console.log('');
    return {
      latencyEvents,
      throughputEvents,
      writers,
      idle,
      idleP50: percentile(idle, 50),
      idleP99: percentile(idle, 99),
      loadedP50: percentile(loaded, 50),
      loadedP99: percentile(loaded, 99),
      publishPerSecond: (throughputEvents / (published - started)) * 1000,
      handledPerSecond: (throughputEvents / (finished - started)) * 1000,
    };
  } finally {
    await app?.close();
    await deleteTopicsWithPrefix(env.KAFKA_BROKERS.split(','), topicPrefix);
    await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (require.main === module) {
  runEventsBench().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
