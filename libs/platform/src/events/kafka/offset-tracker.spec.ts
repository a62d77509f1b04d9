import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('keeps one offset per partition, the one after the latest handled message', () => {
    const tracker = new OffsetTracker();
    tracker.handled('a', 0, '4');
    tracker.handled('a', 0, '6');
    // Partitions are handled concurrently: a late smaller offset must not move it back.
    tracker.handled('a', 0, '5');
    tracker.handled('a', 1, '0');
    tracker.handled('b', 0, '9007199254740993');
    expect(tracker.take()).toEqual([
      { topic: 'a', partition: 0, offset: '7' },
      { topic: 'a', partition: 1, offset: '1' },
      { topic: 'b', partition: 0, offset: '9007199254740994' },
    ]);
    expect(tracker.size).toBe(0);
    expect(tracker.take()).toEqual([]);
  });

  it('puts back offsets whose commit failed, unless a later message was handled meanwhile', () => {
    const tracker = new OffsetTracker();
    tracker.handled('a', 0, '3');
    tracker.handled('a', 1, '3');
    const failed = tracker.take();
    tracker.handled('a', 1, '8');
    tracker.restore(failed);
    expect(tracker.take()).toEqual([
      { topic: 'a', partition: 1, offset: '9' },
      { topic: 'a', partition: 0, offset: '4' },
    ]);
  });

  it('drops the partitions a rebalance gave to another member', () => {
    const tracker = new OffsetTracker();
    tracker.handled('a', 0, '1');
    tracker.handled('a', 1, '1');
    tracker.handled('b', 0, '1');
    tracker.retain({ a: [1], c: [0] });
    expect(tracker.take()).toEqual([{ topic: 'a', partition: 1, offset: '2' }]);
  });
});
