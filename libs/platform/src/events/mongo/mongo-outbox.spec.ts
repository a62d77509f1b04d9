import { withOutbox, type OutboxEntry } from './mongo-outbox';

const entry = { topic: 'news.articles', key: 'a1', envelope: { id: 'e1' } } as OutboxEntry;

describe('withOutbox', () => {
  it('adds the events to the update without touching its own operators', () => {
    const update = { $set: { title: 't' }, $push: { tags: 'x' } };
    expect(withOutbox<{ title: string; tags: string[] }>(update, [entry])).toEqual({
      $set: { title: 't' },
      $push: { tags: 'x', _outbox: { $each: [entry] } },
    });
  });

  it('leaves an update without events as it is', () => {
    const update = { $set: { title: 't' } };
    expect(withOutbox(update, [])).toBe(update);
  });
});
