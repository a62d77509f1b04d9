import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventEnvelope, EventType } from '@lib/contracts';

/** An envelope as another service would publish it; pass `id` to simulate a redelivery. */
export function testEnvelope<T extends EventType>(
  type: T,
  data: EventDataMap[T],
  overrides: Partial<
    Pick<EventEnvelope<T>, 'id' | 'source' | 'correlationId' | 'causationId'>
  > = {},
): EventEnvelope<T> {
  return {
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    source: 'test',
    correlationId: randomUUID(),
    data,
    ...overrides,
  };
}

/** auth's signup event for a new reader `userId`, as auth would publish it. */
export function userRegistered(
  userId: string,
  data: Partial<EventDataMap['auth.user.registered.v1']> = {},
): EventEnvelope<'auth.user.registered.v1'> {
  return testEnvelope('auth.user.registered.v1', {
    userId,
    email: `${userId}@example.com`,
    displayName: 'Reader',
    roles: ['reader'],
    registeredAt: new Date().toISOString(),
    ...data,
  });
}
