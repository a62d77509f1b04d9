/** What a consumer group parks in `<topic>.dlq` when it gives up on an event. */
export interface DeadLetter {
  /** The event as it arrived: the envelope, or the raw text if it was not valid JSON. */
  envelope: unknown;
  error: {
    message: string;
    stack?: string;
    attempts: number;
    consumerGroup: string;
    failedAt: string;
  };
  /** Where the event was read from; replay sends it back to `origin.topic`. */
  origin: { topic: string; partition: number; offset: string };
}

export function toDeadLetter(
  value: string,
  error: unknown,
  attempts: number,
  consumerGroup: string,
  origin: DeadLetter['origin'],
): DeadLetter {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    envelope: parseOrRaw(value),
    error: {
      message: err.message,
      stack: err.stack,
      attempts,
      consumerGroup,
      failedAt: new Date().toISOString(),
    },
    origin,
  };
}

function parseOrRaw(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The message value replay re-delivers: the original envelope text. */
export function replayValue(letter: DeadLetter): string {
  return typeof letter.envelope === 'string' ? letter.envelope : JSON.stringify(letter.envelope);
}
