import { EVENT_TYPES, deadLetterTopicOf, isEventType, keyOf, topicOf } from './event-map';

describe('event map', () => {
  it('puts every event on the topic of its aggregate, named by its type prefix', () => {
    for (const type of EVENT_TYPES) {
      const [service, aggregate] = type.split('.');
      expect(topicOf(type)).toBe(`${service}.${aggregate}s`);
    }
  });

  it('keys purchase events by purchase id so the saga of one purchase stays ordered', () => {
    const data = {
      purchaseId: 'p-1',
      userId: 'u-1',
      amountCoins: 3,
      reason: 'INSUFFICIENT_FUNDS' as const,
    };
    expect(keyOf('payment.purchase.declined.v1', data)).toBe('p-1');
    expect(
      keyOf('webtoon.purchase.requested.v1', {
        ...data,
        webtoonId: 'w',
        episodeNo: 1,
        priceCoins: 3,
      }),
    ).toBe('p-1');
  });

  it('names versioned types only', () => {
    for (const type of EVENT_TYPES) expect(type).toMatch(/^[a-z]+\.[a-z]+\.[a-z-]+\.v\d+$/);
  });

  it('recognises known types and rejects others', () => {
    expect(isEventType('auth.user.registered.v1')).toBe(true);
    expect(isEventType('auth.user.registered.v9')).toBe(false);
    expect(isEventType('toString')).toBe(false);
    expect(deadLetterTopicOf('auth.users')).toBe('auth.users.dlq');
  });
});
