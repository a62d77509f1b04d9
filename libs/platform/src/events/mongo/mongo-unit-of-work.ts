import type { AnyEventEnvelope } from '@lib/contracts';
import type { Db } from 'mongodb';
import type { BoundHandler, UnitOfWork } from '../units-of-work';
import { MongoEventTx } from './mongo-event-tx';

/**
 * MongoDB: no multi-document transactions, so each handler write carries its own guard
 * (MongoEventTx). The group-level record written after success only saves re-running handlers
 * whose writes would all be no-ops anyway.
 */
export class MongoUnitOfWork implements UnitOfWork {
  constructor(
    private readonly db: Db,
    private readonly group: string,
    private readonly onEventsWritten: () => void,
  ) {}

  async run(
    event: AnyEventEnvelope,
    handlers: BoundHandler<MongoEventTx>[],
  ): Promise<'handled' | 'duplicate'> {
    const processed = this.db.collection<{ _id: string; type: string; processedAt: Date }>(
      'processed_events',
    );
    const id = `${this.group}/${event.id}`;
    if (await processed.findOne({ _id: id }, { projection: { _id: 1 } })) return 'duplicate';
    const tx = new MongoEventTx(this.db, event, this.onEventsWritten);
    for (const handler of handlers) await handler(event, tx);
    await processed.updateOne(
      { _id: id },
      { $setOnInsert: { type: event.type, processedAt: new Date() } },
      { upsert: true },
    );
    return 'handled';
  }
}
