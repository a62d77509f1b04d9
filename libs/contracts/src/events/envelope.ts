import { z } from 'zod';
import type { EventDataMap, EventType } from './event-map';

/**
 * The one envelope every event travels in (docs/architecture.md, "Events"). `data` is typed by `type`, so
 * a handler for `auth.user.registered.v1` receives exactly that payload.
 */
export interface EventEnvelope<T extends EventType = EventType> {
  /** uuid; consumers record it to apply each event once. */
  id: string;
  type: T;
  /** ISO-8601 instant the state change happened. */
  occurredAt: string;
  /** The app that produced it, e.g. `auth`. */
  source: string;
  /** The x-request-id of the request that started the flow. */
  correlationId: string;
  /** The id of the event that caused this one, when an event handler produced it. */
  causationId?: string;
  data: EventDataMap[T];
}

/** Any envelope, discriminated by `type`, for code that handles several event types. */
export type AnyEventEnvelope = { [T in EventType]: EventEnvelope<T> }[EventType];

/** The envelope's own fields; `data` is checked by its type's schema (`invalidEventData`). */
export const eventEnvelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  correlationId: z.string(),
  causationId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});
