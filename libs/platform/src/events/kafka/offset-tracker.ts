/** A partition's next offset to read, as Kafka commits it (the last handled offset + 1). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

const keyOf = (topic: string, partition: number) => `${partition}:${topic}`;

/**
 * The offsets a consumer has handled and not yet committed, one per partition. The consumer
 * commits them on an interval and on shutdown, instead of after every fetched batch: a message
 * handled but not yet committed when an instance dies is delivered again, and the handlers'
 * applied-event record makes that a no-op.
 */
export class OffsetTracker {
  private readonly pending = new Map<string, PartitionOffset>();

  /** Records that `offset` of `topic`/`partition` has been handled. */
  handled(topic: string, partition: number, offset: string): void {
    const next = (BigInt(offset) + 1n).toString();
    const key = keyOf(topic, partition);
    const current = this.pending.get(key);
    if (!current || BigInt(current.offset) < BigInt(next)) {
      this.pending.set(key, { topic, partition, offset: next });
    }
  }

  get size(): number {
    return this.pending.size;
  }

  /** The offsets to commit now; they are no longer pending. */
  take(): PartitionOffset[] {
    const offsets = [...this.pending.values()];
    this.pending.clear();
    return offsets;
  }

  /** Puts back offsets whose commit failed, unless a later one was handled meanwhile. */
  restore(offsets: PartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      this.handled(topic, partition, (BigInt(offset) - 1n).toString());
    }
  }

  /**
   * Keeps only the partitions this instance holds after a rebalance: the others belong to
   * another member now, which reads them from the last committed offset (a few messages again).
   */
  retain(assignment: Record<string, number[]>): void {
    for (const [key, { topic, partition }] of this.pending) {
      if (!assignment[topic]?.includes(partition)) this.pending.delete(key);
    }
  }
}
