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
