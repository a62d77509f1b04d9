import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  invalidEventData,
  type EventDataMap,
  type EventEnvelope,
  type EventType,
} from '@lib/contracts';
import { currentRequestId } from '../context/request-context';

export interface PublishOptions {
  /** Defaults to the event being handled, when publishing from a handler. */
  causationId?: string;
  /** Defaults to the current request id (or the handled event's correlation id). */
  correlationId?: string;
}

/** The event a handler is running for, so what it publishes names it as its cause. */
const handling = new AsyncLocalStorage<{ eventId: string }>();

export function runAsCauseOf<R>(eventId: string, fn: () => R): R {
  return handling.run({ eventId }, fn);
}

export function buildEnvelope<T extends EventType>(
  source: string,
  type: T,
  data: EventDataMap[T],
  options: PublishOptions = {},
): EventEnvelope<T> {
  // Every outbox builds its envelope here: a payload its own contract rejects is a bug in
  // the producer, and it must fail the producer's transaction rather than reach a consumer.
  const invalid = invalidEventData(type, data);
  if (invalid) throw new Error(`refusing to publish an invalid ${type}: ${invalid}`);
  const causationId = options.causationId ?? handling.getStore()?.eventId;
  return {
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    source,
    // A flow started by a timer has no request: the event starts its own correlation.
    correlationId: options.correlationId ?? currentRequestId() ?? randomUUID(),
    ...(causationId ? { causationId } : {}),
    data,
  };
}
