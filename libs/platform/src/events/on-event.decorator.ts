import { SetMetadata } from '@nestjs/common';
import type { EventEnvelope, EventType } from '@lib/contracts';

export const ON_EVENT_METADATA = Symbol('ON_EVENT_METADATA');

/**
 * A handler of one event type. The second argument is the unit of work the effect must be
 * written through, so the event id is recorded atomically with it: an `EntityManager` in a
 * PostgreSQL app (a transaction the bus opened), a `MongoEventTx` in a MongoDB app.
 */
export type EventHandler<T extends EventType, Tx> = (
  event: EventEnvelope<T>,
  tx: Tx,
) => Promise<void>;

/**
 * Marks a provider method as the handler of `type` for this app's consumer group. The compiler
 * checks that the method takes `EventEnvelope<type>`.
 *
 * ```ts
 * @OnEvent('auth.user.registered.v1')
 * async openWallet(event: EventEnvelope<'auth.user.registered.v1'>, tx: EntityManager) { … }
 * ```
 */
export function OnEvent<T extends EventType>(type: T) {
  // `tx: never` accepts a handler whatever its unit of work is (EntityManager or MongoEventTx).
  return (
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<(event: EventEnvelope<T>, tx: never) => Promise<void>>,
  ): void => {
    SetMetadata(ON_EVENT_METADATA, type)(target, key, descriptor);
  };
}
