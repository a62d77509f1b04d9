import { EVENT_TYPES, deadLetterTopicOf, topicOf, type EventType } from '@lib/contracts';

/** Maps the contracts' logical topic names to this deployment's physical ones (with the prefix). */
export class TopicNames {
  constructor(private readonly prefix = '') {}

  of(logicalTopic: string): string {
    return `${this.prefix}${logicalTopic}`;
  }

  ofType(type: EventType): string {
    return this.of(topicOf(type));
  }

  deadLetterOf(physicalTopic: string): string {
    return deadLetterTopicOf(physicalTopic);
  }

  group(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** Every topic of the contracts and its dead-letter topic, created at start. */
  all(): string[] {
    const topics = [...new Set(EVENT_TYPES.map((type) => this.ofType(type)))];
    return topics.flatMap((topic) => [topic, this.deadLetterOf(topic)]);
  }
}
