import { Logger } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import type { DataSource } from 'typeorm';
import { listenOn, type PgListener } from '../../database/pg-listen';
import { outgoing } from '../kafka/kafka-connection';
import { RelayLoop, type DrainResult, type RelayTarget } from '../relay-loop';
import { KEEP_PROCESSED_DAYS } from '../units-of-work';
import { OUTBOX_CHANNEL } from './schema';

const BATCH_SIZE = 200;
const HELD_BACK_PAUSE_MS = 10;
const KEEP_SENT = '1 day';

/**
 * Claims pending rows (SKIP LOCKED, so several instances share the work) and flags a row as
 * held back when an earlier pending row of its key is outside this batch: another instance
 * holds it, and sending ours first would break the per-key order.
 */
const CLAIM = `
  WITH claimed AS MATERIALIZED (
    SELECT seq, topic, key, envelope FROM outbox_events
    WHERE sent_at IS NULL ORDER BY seq LIMIT ${BATCH_SIZE}
    FOR UPDATE SKIP LOCKED
  )
  SELECT c.seq, c.topic, c.key, c.envelope, EXISTS (
    SELECT 1 FROM outbox_events o
    WHERE o.sent_at IS NULL AND o.topic = c.topic AND o.key = c.key AND o.seq < c.seq
      AND o.seq NOT IN (SELECT seq FROM claimed)
  ) AS held_back
  FROM claimed c ORDER BY c.seq`;

/** What the pg client answers a simple query with: one result per statement when there are several. */
interface SimpleResult {
  rows: unknown[];
}

interface PgClient {
  query(text: string): Promise<SimpleResult | SimpleResult[]>;
}

interface ClaimedRow {
  seq: string;
  topic: string;
  key: string;
  envelope: EventEnvelope;
  held_back: boolean;
}

/** Publishes the PostgreSQL outbox: woken by NOTIFY on commit, with a slow poll as a safety net. */
export class PostgresOutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly loop: RelayLoop;
  private listener: PgListener | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly target: RelayTarget,
  ) {
    this.loop = new RelayLoop(() => this.drainOnce(), target.pollMs, {
      housekeeping: () => this.pruneOld(),
    });
  }

  async start(): Promise<void> {
    await this.listen();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.unlisten();
  }

  async pending(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL`,
    );
    return row.n;
  }

  /**
   * One pass: claim, send in order, mark sent, commit. A crash anywhere before commit leaves
   * the rows pending. Two round trips to PostgreSQL, not four: `BEGIN` goes with the claim and
   * `COMMIT` with the marking, as one simple query each (a statement of the simple-query
   * protocol takes no parameters, so the claim's limit and the marked rows' `seq`, integers
   * the database gave, are written into the text).
   */
  async drainOnce(): Promise<DrainResult> {
    if (!this.listener) await this.listen();
    const runner = this.dataSource.createQueryRunner();
    // The pg client itself: TypeORM's query() does not return the results of several statements.
    const client = (await runner.connect()) as PgClient;
    let inTransaction = true;
    try {
      const [, claim] = (await client.query(`BEGIN; ${CLAIM}`)) as SimpleResult[];
      const rows = claim.rows as ClaimedRow[];
      const ready = rows.filter((row) => !row.held_back);
      if (ready.length > 0) {
        this.target.faults?.beforeSend?.();
        await this.target.send(
          ready.map((row) => outgoing(this.target.topics.of(row.topic), row.key, row.envelope)),
        );
        this.target.faults?.afterSend?.();
        const seqs = ready.map((row) => {
          if (!/^\d+$/.test(row.seq)) throw new Error(`outbox seq ${row.seq} is not an integer`);
          return row.seq;
        });
        // The moment the broker acknowledged, not the start of this pass: what `sent` means.
        await client.query(
          `UPDATE outbox_events SET sent_at = clock_timestamp() WHERE seq IN (${seqs.join(',')}); COMMIT`,
        );
      } else {
        await client.query('COMMIT');
      }
      inTransaction = false;
      this.target.onSent(ready.map((row) => row.envelope));
      const heldBack = ready.length < rows.length;
      // The instance holding the earlier rows commits within milliseconds; look again shortly.
      if (heldBack) await new Promise((resolve) => setTimeout(resolve, HELD_BACK_PAUSE_MS));
      return { sent: ready.length, more: rows.length === BATCH_SIZE || heldBack };
    } catch (error) {
      // A statement that failed leaves the transaction aborted until it is rolled back; a
      // broken connection cannot be, and the pool discards it.
      if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** A dedicated connection LISTENs for commits of outbox rows; if it drops, the poll carries on until it is back. */
  private async listen(): Promise<void> {
    this.listener = await listenOn(
      this.dataSource,
      OUTBOX_CHANNEL,
      () => this.loop.wake(),
      (error) => {
        this.logger.warn(`outbox LISTEN connection lost: ${error.message}`);
        this.listener = undefined;
      },
    );
  }

  private async unlisten(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
  }

  /** Keeps both event tables from growing without bound; every relay does it, now and then. */
  private async pruneOld(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM outbox_events WHERE sent_at < now() - interval '${KEEP_SENT}'`,
    );
    await this.dataSource.query(
      `DELETE FROM processed_events WHERE processed_at < now() - interval '${KEEP_PROCESSED_DAYS} days'`,
    );
  }
}
