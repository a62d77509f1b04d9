import { randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import { replayValue, type DeadLetter } from './kafka/dead-letter';
import { createKafka, KafkaConnection, type OutgoingEvent } from './kafka/kafka-connection';

export interface ReplayOptions {
  brokers: string[];
  /** e.g. `payment.purchases.dlq` */
  deadLetterTopic: string;
  /** Only this event; default every dead letter in the topic. */
  eventId?: string;
}

export interface ReplayResult {
  /** Dead letters read (the topic up to where it ended when the replay started). */
  read: number;
  /** Events sent back to their original topic. */
  replayed: number;
}

/**
 * Sends dead-lettered events back to the topic they came from, unchanged, so every consumer
 * group sees them again: the one that failed applies them (once its bug is fixed), the others
 * skip them as already applied. Reads the dead-letter topic with a throwaway group up to its
 * end at the start of the replay, so letters written meanwhile are left for the next replay.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const kafka = createKafka('events-replay', options.brokers);
  const connection = new KafkaConnection(kafka);
  await connection.connect();
  const groupId = `events-replay-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    const ends = await connection.admin.fetchTopicOffsets(options.deadLetterTopic);
    // The offset of the last letter per partition, for partitions that hold any.
    const remaining = new Map(
      ends
        .filter((p) => Number(p.high) > Number(p.low))
        .map((p) => [p.partition, Number(p.high) - 1]),
    );
    const selected: OutgoingEvent[] = [];
    let read = 0;
    if (remaining.size > 0) {
      await new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        void (async () => {
          await consumer.connect();
          await consumer.subscribe({ topic: options.deadLetterTopic, fromBeginning: true });
          await consumer.run({
            eachMessage: async ({ partition, message }) => {
              const last = remaining.get(partition);
              if (last === undefined || Number(message.offset) > last) return;
              read++;
              const event = toReplay(message.value?.toString() ?? '', message.key, message.headers);
              if (event && (!options.eventId || event.eventId === options.eventId)) {
                selected.push(event.outgoing);
              }
              if (Number(message.offset) === last) remaining.delete(partition);
              if (remaining.size === 0) resolve();
            },
          });
        })().catch(reject);
      });
    }
    if (selected.length > 0) await connection.send(selected);
    return { read, replayed: selected.length };
  } finally {
    await consumer.disconnect();
    await connection.admin.deleteGroups([groupId]).catch(() => undefined);
    await connection.disconnect();
  }
}

function toReplay(
  value: string,
  key: Buffer | null,
  headers: IHeaders | undefined,
): { eventId: string | undefined; outgoing: OutgoingEvent } | undefined {
  let letter: DeadLetter;
  try {
    letter = JSON.parse(value) as DeadLetter;
  } catch {
    return undefined;
  }
  if (!letter.origin?.topic) return undefined;
  const envelope = letter.envelope as { id?: unknown } | null;
  const { 'consumer-group': _group, ...original } = headers ?? {};
  return {
    eventId: typeof envelope?.id === 'string' ? envelope.id : undefined,
    outgoing: {
      topic: letter.origin.topic,
      key: key?.toString() ?? '',
      value: replayValue(letter),
      headers: original,
    },
  };
}
