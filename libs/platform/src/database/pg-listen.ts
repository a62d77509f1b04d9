import type { Notification, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/** A pooled connection LISTENing on one channel; `close()` hands it back to the pool. */
export interface PgListener {
  close(): Promise<void>;
}

/**
 * Takes a connection of `dataSource`'s pool for `LISTEN channel` and calls `onNotification`
 * with each payload (delivered when the notifying transaction commits). If the connection
 * fails, the listener closes itself and `onLost` is told; listen again to go on.
 */
export async function listenOn(
  dataSource: DataSource,
  channel: string,
  onNotification: (payload: string) => void,
  onLost: (error: Error) => void,
): Promise<PgListener> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  let closed = false;
  const notification = (message: Notification) => {
    if (message.channel === channel) onNotification(message.payload ?? '');
  };
  const lost = (error: Error) => {
    void close();
    onLost(error);
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    // Back in the pool, the connection must neither listen nor report to this listener.
    client.off('notification', notification);
    client.off('error', lost);
    await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
    await runner.release().catch(() => undefined);
  };
  client.on('notification', notification);
  client.on('error', lost);
  try {
    await client.query(`LISTEN ${channel}`);
  } catch (error) {
    await close();
    throw error;
  }
  return { close };
}
