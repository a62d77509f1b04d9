import { EVENT_TYPES } from '@lib/contracts';
import { TopicNames } from './topics';

describe('TopicNames', () => {
  it('maps event types to their aggregate topic, with the deployment prefix', () => {
    const names = new TopicNames('it-42.');
    expect(names.ofType('auth.user.registered.v1')).toBe('it-42.auth.users');
    expect(names.deadLetterOf(names.ofType('auth.user.deleted.v1'))).toBe('it-42.auth.users.dlq');
    expect(names.group('payment')).toBe('it-42.payment');
  });

  it('lists every contract topic once, each with its dead-letter topic', () => {
    const all = new TopicNames().all();
    expect(all).toContain('auth.users');
    expect(all).toContain('auth.users.dlq');
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((topic) => !topic.endsWith('.dlq'))).toHaveLength(
      new Set(EVENT_TYPES.map((type) => type.split('.').slice(0, 2).join('.'))).size,
    );
  });
});
