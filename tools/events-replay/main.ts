/**
 * npm run events:replay -- <topic>.dlq [--id <eventId>]
 *
 * Sends dead-lettered events back to their original topic (docs/events.md, "Dead letters").
 * Brokers come from KAFKA_BROKERS, or from the dev stack's .devstack/stack.env.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayDeadLetters } from '@lib/platform/events';

const USAGE = 'usage: npm run events:replay -- <dead-letter-topic> [--id <eventId>]';

function parseArgs(argv: string[]): { topic: string; eventId?: string } {
  const args = [...argv];
  let eventId: string | undefined;
  const idAt = args.indexOf('--id');
  if (idAt >= 0) {
    eventId = args[idAt + 1];
    if (!eventId) throw new Error(`--id needs an event id\n${USAGE}`);
    args.splice(idAt, 2);
  }
  const [topic, ...rest] = args;
  if (!topic || rest.length > 0) throw new Error(USAGE);
  if (!topic.endsWith('.dlq'))
    throw new Error(`${topic} is not a dead-letter topic (*.dlq)\n${USAGE}`);
  return { topic, eventId };
}

function brokers(): string[] {
  let value = process.env.KAFKA_BROKERS;
  const stackEnv = join(__dirname, '../../.devstack/stack.env');
  if (!value && existsSync(stackEnv)) {
    value = /^KAFKA_BROKERS=(.*)$/m.exec(readFileSync(stackEnv, 'utf8'))?.[1];
  }
  if (!value) throw new Error('KAFKA_BROKERS is not set and there is no .devstack/stack.env');
  return value.split(',').map((broker) => broker.trim());
}

async function main(): Promise<void> {
  const { topic, eventId } = parseArgs(process.argv.slice(2));
  const result = await replayDeadLetters({ brokers: brokers(), deadLetterTopic: topic, eventId });
  console.log(
    `${topic}: read ${result.read} dead letter(s), replayed ${result.replayed}` +
      (eventId ? ` (event ${eventId})` : ''),
  );
  if (eventId && result.replayed === 0) process.exitCode = 2;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
